import Foundation

/// The legal source behind a result line: a rule version, a minimum-wage table or an increment.
public struct Citation: Sendable, Equatable, Codable {
    public let id: String
    public let provision: String
    public let source: String
    public let status: VerificationStatus
    public let validFrom: CivilDate
    public let validTo: CivilDate?
    public let note: String?

    public init(_ rule: LegalRule) {
        (id, provision, source, status, validFrom, validTo, note) = (rule.id, rule.provision, rule.source, rule.status, rule.validFrom, rule.validTo, rule.note)
    }
    public init(_ table: WageTable, status: VerificationStatus) {
        (id, provision, source, self.status, validFrom, validTo, note) = (table.id, table.provision, table.source, status, table.validFrom, table.validTo, table.note)
    }
    public init(_ increment: WageIncrement) {
        (id, provision, source, status, validFrom, validTo, note) = (increment.id, increment.provision, increment.source, increment.status, increment.validFrom, increment.validTo, increment.note)
    }
}

/// One step of the working: a message key of the localisation catalog ("ent.step.…") and its arguments, numbers
/// already written out ("4,100.00", "7.5").
public struct WorkingStep: Sendable, Equatable, Codable {
    public let key: String
    public let arguments: [String]
    public init(_ key: String, _ arguments: [String] = []) { self.key = key; self.arguments = arguments }
}

/// One amount the worker may be owed, with how it was worked out.
public struct EntitlementLine: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// Computed: `due`, `paid`, `owed` are set (owed may be zero).
        case computed
        /// The law gives nothing here (service too short, excluded); `reason` says why.
        case notEntitled = "not_entitled"
        /// The law needs facts the input left out; `missing` lists them.
        case missingInput = "missing_input"
        /// The rules data cannot answer this (regime, date, grade, cause); `reason` says why.
        case notSupported = "not_supported"
    }

    /// "underpayment", "overtime", "termination.notice", "termination.compensation", "seniority.indemnity",
    /// "seniority.backpay", "leave", "maternity", "festival_bonus".
    public let kind: String
    public let component: OwedComponent
    public var outcome: Outcome
    /// Minor units.
    public var due: Int64?
    public var paid: Int64?
    public var owed: Int64?
    public var citations: [Citation]
    public var steps: [WorkingStep]
    public var missing: [String]
    public var reason: WorkingStep?
    public var rounding: Rational.Rounding?

    /// Every source behind the line is verified against an official text.
    public var verified: Bool { citations.allSatisfy { $0.status.isVerified } }
}

/// Everything the calculator worked out for one input.
public struct EntitlementResult: Sendable, Equatable, Codable {
    public let regime: String
    public let regimeTitle: String
    public let currency: String
    public let rulesDigest: String
    public let lines: [EntitlementLine]

    /// Owed amounts by component (computed lines only), in minor units.
    public var owedByComponent: [OwedComponent: Int64] {
        lines.reduce(into: [:]) { totals, line in if line.outcome == .computed, let owed = line.owed { totals[line.component, default: 0] += owed } }
    }
    public var owedTotal: Int64 { owedByComponent.values.reduce(0, +) }
    /// Some owed amount rests on a rule that is not verified.
    public var hasUnverified: Bool { lines.contains { $0.outcome == .computed && !$0.verified } }
    public var isComplete: Bool { lines.allSatisfy { $0.outcome == .computed || $0.outcome == .notEntitled } }
}
