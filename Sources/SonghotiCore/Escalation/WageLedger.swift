import Foundation

/// What a worker is owed, by kind: the components wage-theft trackers report separately.
public enum OwedComponent: String, Sendable, CaseIterable, Codable {
    case wages, overtime, severance, leave, bonus, benefits, other
    public var labelKey: String { "ledger.component.\(rawValue)" }
}

/// Totals of money owed (by component), promised and delivered, per key (a factory or a brand) and currency.
/// Pure arithmetic; the caller decides which cases count for which key.
public struct WageLedger: Sendable {
    public enum Stage: String, Sendable { case owed, promised, delivered }

    public struct Entry: Sendable {
        public let key: String
        public let stage: Stage
        public let component: OwedComponent?
        public let amount: Money
        public init(key: String, stage: Stage, component: OwedComponent? = nil, amount: Money) {
            self.key = key
            self.stage = stage
            self.component = component
            self.amount = amount
        }
    }

    public struct Line: Sendable, Equatable {
        public let key: String
        public let currency: String
        public var owed: [OwedComponent: Int64] = [:]
        public var promised: Int64 = 0
        public var delivered: Int64 = 0
        public var owedTotal: Int64 { owed.values.reduce(0, +) }
        /// Owed but not (yet) delivered; never negative.
        public var outstanding: Int64 { max(0, owedTotal - delivered) }
    }

    public private(set) var lines: [Line] = []

    /// Lines sorted by key then currency; one line per (key, currency) that has any amount.
    public init(_ entries: [Entry]) {
        var byKey: [String: [String: Line]] = [:]
        for entry in entries {
            var line = byKey[entry.key]?[entry.amount.currency] ?? Line(key: entry.key, currency: entry.amount.currency)
            switch entry.stage {
            case .owed: line.owed[entry.component ?? .other, default: 0] += entry.amount.minorUnits
            case .promised: line.promised += entry.amount.minorUnits
            case .delivered: line.delivered += entry.amount.minorUnits
            }
            byKey[entry.key, default: [:]][entry.amount.currency] = line
        }
        lines = byKey.keys.sorted().flatMap { key in byKey[key]!.keys.sorted().map { byKey[key]![$0]! } }
    }

    public func lines(for key: String) -> [Line] { lines.filter { $0.key == key } }
}
