import Foundation

/// A calculation written out for people and programs: every line's working in one language, amounts as decimals
/// and minor units. The API and the CLI print exactly this, so the same input gives the same bytes through both.
public struct EntitlementReport: Encodable, Sendable, Equatable {
    public struct Rule: Encodable, Sendable, Equatable {
        public let id: String
        public let provision: String
        public let source: String
        public let status: String
        public let verified: Bool
        public let valid_from: String
        public let valid_to: String?
        public let note: String?
    }

    public struct Line: Encodable, Sendable, Equatable {
        public let kind: String
        public let title: String
        public let component: String
        public let outcome: String
        public let due: String?
        public let paid: String?
        public let owed: String?
        public let due_minor: Int64?
        public let paid_minor: Int64?
        public let owed_minor: Int64?
        public let verified: Bool
        public let rules: [Rule]
        public let working: [String]
        /// Input paths the law needs and the input left out.
        public let missing: [String]
        /// The same, as field names in the report's language.
        public let missing_labels: [String]
        public let reason: String?
    }

    public let regime: String
    public let regime_title: String
    public let currency: String
    public let rules_digest: String
    public let language: String
    public let complete: Bool
    public let has_unverified: Bool
    public let owed_total: String
    public let owed_total_minor: Int64
    public let owed_by_component: [String: String]
    public let lines: [Line]

    public init(_ result: EntitlementResult, catalog: Catalog, language: Language) {
        func money(_ minor: Int64?) -> String? { minor.map { Money(minorUnits: $0, currency: result.currency).decimalString } }
        regime = result.regime
        regime_title = result.regimeTitle
        currency = result.currency
        rules_digest = result.rulesDigest
        self.language = language.rawValue
        complete = result.isComplete
        has_unverified = result.hasUnverified
        owed_total_minor = result.owedTotal
        owed_total = Money(minorUnits: result.owedTotal, currency: result.currency).decimalString
        owed_by_component = Dictionary(uniqueKeysWithValues: result.owedByComponent.map { ($0.key.rawValue, Money(minorUnits: $0.value, currency: result.currency).decimalString) })
        lines = result.lines.map { line in
            Line(kind: line.kind, title: catalog.string("ent.kind.\(line.kind)", language), component: line.component.rawValue, outcome: line.outcome.rawValue,
                 due: money(line.due), paid: money(line.paid), owed: money(line.owed), due_minor: line.due, paid_minor: line.paid, owed_minor: line.owed,
                 verified: line.verified,
                 rules: line.citations.map { Rule(id: $0.id, provision: $0.provision, source: $0.source, status: $0.status.rawValue, verified: $0.status.isVerified,
                                                  valid_from: $0.validFrom.description, valid_to: $0.validTo?.description, note: $0.note) },
                 working: line.steps.map { EntitlementReport.render($0, catalog: catalog, language: language) },
                 missing: line.missing,
                 missing_labels: line.missing.map { EntitlementReport.fieldLabel($0, catalog: catalog, language: language) },
                 reason: line.reason.map { EntitlementReport.render($0, catalog: catalog, language: language) })
        }
    }

    /// A working step in a language: `⟨key⟩` markers inside arguments become catalog strings; in Bangla the digits
    /// of amounts and dates are written in Bangla digits (identifiers such as "bd-rmg-2023" are left alone).
    public static func render(_ step: WorkingStep, catalog: Catalog, language: Language) -> String {
        let arguments = step.arguments.map { argument -> String in
            var text = ""
            var rest = Substring(argument)
            while let open = rest.firstIndex(of: "⟨"), let close = rest[open...].firstIndex(of: "⟩") {
                text += localDigits(String(rest[..<open]), language)
                text += catalog.string(String(rest[rest.index(after: open)..<close]), language)
                rest = rest[rest.index(after: close)...]
            }
            return text + localDigits(String(rest), language)
        }
        return catalog.string(step.key, language, arguments: arguments)
    }

    /// "underpayment.months[2].paid" → the field's label, with the row number: "Months underpaid, row 3".
    public static func fieldLabel(_ path: String, catalog: Catalog, language: Language) -> String {
        var key = path
        var row: Int?
        if let open = path.firstIndex(of: "["), let close = path.firstIndex(of: "]"), let index = Int(path[path.index(after: open)..<close]) {
            row = index + 1
            key = String(path[..<open]) + String(path[path.index(after: close)...])
        }
        if !catalog.has("ent.field.\(key)", in: .english), let dot = key.lastIndex(of: "."), key.contains("[") == false {
            let parent = String(key[..<dot])
            if catalog.has("ent.field.\(parent)", in: .english) { key = parent }
        }
        let label = catalog.string("ent.field.\(key)", language)
        guard let row else { return label }
        return catalog.string("ent.field.row", language, arguments: [label, localDigits(String(row), language)])
    }

    static func localDigits(_ text: String, _ language: Language) -> String {
        guard language == .bangla, !text.contains(where: { $0.isASCII && $0.isLetter }) else { return text }
        let digits = Array("০১২৩৪৫৬৭৮৯")
        return String(text.map { $0.isASCII && $0.isNumber ? digits[Int(String($0))!] : $0 })
    }

    /// The report as JSON with sorted keys (what the API answers and the CLI prints).
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }
}
