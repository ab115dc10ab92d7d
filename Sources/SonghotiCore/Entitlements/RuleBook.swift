import Crypto
import Foundation

/// How far a figure has been checked (labour-law reference: V against an official text, S from a secondary
/// source, U unverified or conflicting). Anything but V is shown to users as "not verified".
public enum VerificationStatus: String, Sendable, Codable, CaseIterable {
    case verified = "V", secondary = "S", unverified = "U"
    public var isVerified: Bool { self == .verified }
}

/// One version of one legal rule, as written in a rules file.
public struct LegalRule: Sendable, Equatable {
    public let id: String
    public let regime: String
    public let kind: String
    public let validFrom: CivilDate
    /// Last day in force; nil while in force.
    public let validTo: CivilDate?
    public let parameters: [String: JSONValue]
    public let provision: String
    public let source: String
    public let status: VerificationStatus
    public let rounding: Rational.Rounding
    public let note: String?

    public func inForce(on date: CivilDate) -> Bool { validFrom <= date && (validTo.map { date <= $0 } ?? true) }

    // Typed reads; the rules file was validated against `RuleSchema` at load, so these cannot fail for declared names.
    public func decimal(_ name: String) -> Rational? { parameters[name]?.numberText.flatMap { Rational(decimal: $0) } }
    public func integer(_ name: String) -> Int? { parameters[name]?.numberText.flatMap { Int($0) } }
    public func flag(_ name: String) -> Bool? { parameters[name]?.bool }
    public func text(_ name: String) -> String? { parameters[name]?.string }
    public func list(_ name: String) -> [String]? { parameters[name]?.array?.compactMap(\.string) }
    public func map(_ name: String) -> [String: Int]? { parameters[name]?.object?.compactMapValues { $0.numberText.flatMap { Int($0) } } }
    public func objects(_ name: String) -> [[String: JSONValue]]? { parameters[name]?.array?.compactMap(\.object) }
}

/// A legal regime: the statute and its instruments that a worker's employment falls under.
public struct Regime: Sendable {
    public let id: String
    public let country: String
    public let currency: String
    public let title: String
    public let note: String?
    /// Topics (underpayment, overtime, termination, leave, maternity, festival_bonus) this regime cannot compute yet, with why.
    public let unsupported: [String: String]
    public let rules: [LegalRule]
}

/// A minimum-wage table: a gazette (Bangladesh, by grade, with components) or a series of yearly Prakas (Cambodia).
public struct WageTable: Sendable {
    public struct Grade: Sendable { public let grade: String; public let basic: Rational; public let gross: Rational; public let status: VerificationStatus }
    public struct Omitted: Sendable { public let grade: String; public let reason: String }
    public struct Year: Sendable { public let year: Int; public let regular: Rational; public let probation: Rational?; public let status: VerificationStatus }

    public let id: String
    public let regime: String
    public let sector: String
    public let currency: String
    public let validFrom: CivilDate
    public let validTo: CivilDate?
    public let houseRentPercent: Rational?
    public let fixedAllowances: [String: Rational]
    public let grades: [Grade]
    public let omitted: [Omitted]
    public let yearly: [Year]
    public let provision: String
    public let source: String
    public let status: VerificationStatus
    public let note: String?

    public func inForce(on date: CivilDate) -> Bool { validFrom <= date && (validTo.map { date <= $0 } ?? true) }
    public var fixedTotal: Rational { fixedAllowances.values.reduce(.zero, +) }
}

/// An annual increment of basic pay that a minimum-wage gazette or agreement adds for each year of service.
public struct WageIncrement: Sendable {
    public let id: String
    public let regime: String
    public let sector: String
    public let validFrom: CivilDate
    public let validTo: CivilDate?
    public let percentOfBasic: Rational
    public let provision: String
    public let source: String
    public let status: VerificationStatus
    public let note: String?
    public func inForce(on date: CivilDate) -> Bool { validFrom <= date && (validTo.map { date <= $0 } ?? true) }
}

/// Why a rules file was refused. The server does not start with an invalid rules file.
public struct RuleBookError: Error, Equatable, CustomStringConvertible {
    public let file: String
    /// The rule (or table) at fault, when there is one.
    public let item: String?
    public let message: String
    public var description: String { "rules file \(file)" + (item.map { ", rule \($0)" } ?? "") + ": " + message }
    public init(file: String, item: String?, message: String) { self.file = file; self.item = item; self.message = message }
}

/// Every legal regime's rules and the minimum-wage tables, loaded from the rules files and validated.
public struct RuleBook: Sendable {
    public let regimes: [String: Regime]
    public let tables: [WageTable]
    public let increments: [WageIncrement]
    /// SHA-256 of the rules files (names and contents), so a saved calculation records which rules produced it.
    public let digest: String

    public func regime(_ id: String) -> Regime? { regimes[id] }

    /// The version of a rule in force on a date.
    public func rule(_ regime: String, _ kind: String, on date: CivilDate) -> LegalRule? {
        regimes[regime]?.rules.first { $0.kind == kind && $0.inForce(on: date) }
    }

    public func hasRule(_ regime: String, _ kind: String) -> Bool { regimes[regime]?.rules.contains { $0.kind == kind } ?? false }

    public func table(_ regime: String, sector: String, on date: CivilDate) -> WageTable? {
        tables.first { $0.regime == regime && $0.sector == sector && $0.inForce(on: date) }
    }

    public func increment(_ regime: String, sector: String, on date: CivilDate) -> WageIncrement? {
        increments.first { $0.regime == regime && $0.sector == sector && $0.inForce(on: date) }
    }

    /// Loads and validates rules files: `(file name, contents)`. Regime files have a top-level `regime`; the
    /// minimum-wage file has `tables`.
    public static func load(files: [(name: String, data: Data)]) throws(RuleBookError) -> RuleBook {
        var regimes: [String: Regime] = [:]
        var tables: [WageTable] = []
        var increments: [WageIncrement] = []
        var seenIDs: [String: String] = [:]
        var wageFile = "minimum wages"
        var hasher = SHA256()
        for (name, data) in files.sorted(by: { $0.name < $1.name }) {
            hasher.update(data: Data(name.utf8))
            hasher.update(data: data)
            let document: JSONValue
            do { document = try JSONValue.parse(data) } catch { throw RuleBookError(file: name, item: nil, message: "not valid JSON (\(error))") }
            let reader = Reader(file: name)
            guard let top = document.object else { throw reader.error(nil, "the file must be a JSON object") }
            if top["regime"] != nil {
                let regime = try reader.regime(top)
                guard regimes[regime.id] == nil else { throw reader.error(nil, "regime \(regime.id) is defined twice") }
                for rule in regime.rules {
                    if let other = seenIDs[rule.id] { throw reader.error(rule.id, "the id is used twice (also in \(other))") }
                    seenIDs[rule.id] = name
                }
                regimes[regime.id] = regime
            } else if top["tables"] != nil {
                let (fileTables, fileIncrements) = try reader.wageTables(top)
                for id in fileTables.map(\.id) + fileIncrements.map(\.id) {
                    if let other = seenIDs[id] { throw reader.error(id, "the id is used twice (also in \(other))") }
                    seenIDs[id] = name
                }
                tables += fileTables
                increments += fileIncrements
                wageFile = name
            } else {
                throw reader.error(nil, "a rules file needs either \"regime\" (a legal regime's rules) or \"tables\" (minimum wages)")
            }
        }
        for table in tables where regimes[table.regime] == nil {
            throw RuleBookError(file: wageFile, item: table.id, message: "names regime \(table.regime), which no rules file defines")
        }
        try Reader.checkChains(tables.map { ($0.id, "\($0.regime)/\($0.sector)", $0.validFrom, $0.validTo) }, file: wageFile)
        try Reader.checkChains(increments.map { ($0.id, "\($0.regime)/\($0.sector)", $0.validFrom, $0.validTo) }, file: wageFile)
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return RuleBook(regimes: regimes, tables: tables, increments: increments, digest: digest)
    }
}

/// What each rule kind's parameters are, so a rules file with a misspelt or missing parameter is refused.
public enum RuleSchema {
    public enum ParameterType: Sendable {
        case decimal, integer, bool, components, stringList
        case choice([String])
        case noticeDays, compensationTiers, noticeTiers
    }

    public static let wageComponents = ["basic", "house_rent", "medical", "transport", "food", "dearness", "adhoc", "gross"]
    public static let employmentKeys = ["permanent_monthly", "permanent_other", "temporary_monthly", "temporary_other", "probation_monthly", "probation_other", "udc", "fdc"]

    static let terminationParameters: [String: (ParameterType, Bool)] = [
        "notice_by": (.choice(["employer", "worker", "none"]), true),
        "notice_days": (.noticeDays, false),
        "notice_tiers": (.noticeTiers, false),
        "notice_min_service_years": (.integer, false),
        "compensation_tiers": (.compensationTiers, false),
        "years_counted": (.choice(["completed", "part_over_6_months"]), false),
        "compare_gratuity": (.bool, false),
        "employment_types": (.stringList, false),
    ]

    /// Kind → parameter → (type, required).
    public static let kinds: [String: [String: (ParameterType, Bool)]] = [
        "wage.hourly_divisor": ["hours_per_month": (.integer, true)],
        "wage.daily_divisor": ["days_per_month": (.integer, true)],
        "overtime.rate": ["multiplier": (.decimal, true), "multiplier_night_or_rest_day": (.decimal, false), "wage_components": (.components, true)],
        "termination.wage_basis": ["wage_components": (.components, true), "days_per_month": (.integer, true)],
        "termination.notice_wage_basis": ["wage_components": (.components, true), "days_per_month": (.integer, true)],
        "leave.pay": ["wage_components": (.components, true), "days_per_month": (.integer, true)],
        "gratuity": ["days_per_year": (.integer, true), "days_per_year_over_10_years": (.integer, false),
                     "years_counted": (.choice(["completed", "part_over_6_months"]), true)],
        "termination.retrenchment": terminationParameters,
        "termination.discharge": terminationParameters,
        "termination.by_employer": terminationParameters,
        "termination.by_employer_temporary": terminationParameters,
        "termination.resignation": terminationParameters,
        "termination.death": terminationParameters,
        "termination.death_at_work": terminationParameters,
        "termination.dismissal_misconduct": terminationParameters,
        "seniority.indemnity": ["days_per_half_year": (.decimal, true), "min_months_in_half_year": (.integer, true), "wage_components": (.components, true)],
        "seniority.backpay": ["days_per_year": (.integer, true), "cap_months": (.integer, true), "sectors": (.stringList, true),
                              "causes": (.stringList, true), "wage_components": (.components, true)],
        "leave.annual": ["days_worked_per_leave_day": (.integer, true), "qualifying_service_years": (.integer, true)],
        "leave.annual_monthly": ["days_per_month": (.decimal, true), "extra_days_per_years_of_service": (.integer, false)],
        "maternity.benefit": ["leave_days": (.integer, true), "min_service_months_before_delivery": (.integer, true),
                              "excluded_from_surviving_children": (.integer, false),
                              "daily_wage_method": (.choice(["average_last_3_months", "gross_divided", "average_last_12_months"]), true),
                              "divisor_days": (.integer, false), "wage_fraction": (.decimal, false)],
        "maternity.exclusion": ["excluded_from_surviving_children": (.integer, true)],
        "festival_bonus": ["bonuses_per_year": (.integer, true), "months_of_basic_per_bonus": (.decimal, true), "qualifying_service_years": (.integer, true)],
    ]

    /// The topics a regime can mark unsupported.
    public static let topics = ["underpayment", "overtime", "termination", "leave", "maternity", "festival_bonus"]
}

private struct Reader {
    let file: String

    func error(_ item: String?, _ message: String) -> RuleBookError { RuleBookError(file: file, item: item, message: message) }

    func checkKeys(_ object: [String: JSONValue], allowed: Set<String>, required: Set<String>, item: String?, what: String) throws(RuleBookError) {
        if let unknown = object.keys.filter({ !allowed.contains($0) }).sorted().first { throw error(item, "unknown field \"\(unknown)\" in \(what)") }
        if let missing = required.filter({ object[$0] == nil || object[$0]!.isNull && $0 != "valid_to" }).sorted().first {
            throw error(item, "missing \"\(missing)\" in \(what)")
        }
    }

    func text(_ object: [String: JSONValue], _ key: String, item: String?) throws(RuleBookError) -> String {
        guard let value = object[key]?.string, !value.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(item, "\"\(key)\" must be a non-empty string") }
        return value
    }

    func date(_ object: [String: JSONValue], _ key: String, item: String?) throws(RuleBookError) -> CivilDate? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let text = value.string, let date = CivilDate(text) else { throw error(item, "\"\(key)\" must be a date written YYYY-MM-DD") }
        return date
    }

    func validity(_ object: [String: JSONValue], item: String) throws(RuleBookError) -> (CivilDate, CivilDate?) {
        guard let from = try date(object, "valid_from", item: item) else { throw error(item, "missing \"valid_from\"") }
        guard object["valid_to"] != nil else { throw error(item, "missing \"valid_to\" (write null while the rule is in force)") }
        let to = try date(object, "valid_to", item: item)
        if let to, to < from { throw error(item, "valid_to \(to) is before valid_from \(from)") }
        return (from, to)
    }

    func citation(_ object: [String: JSONValue], item: String) throws(RuleBookError) -> (String, String, VerificationStatus) {
        guard let provision = object["provision"]?.string, !provision.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw error(item, "missing citation: \"provision\" must name the legal provision")
        }
        guard let source = object["source"]?.string, source.hasPrefix("https://") || source.hasPrefix("http://") else {
            throw error(item, "missing citation: \"source\" must be the web address of the source")
        }
        guard let raw = object["status"]?.string, let status = VerificationStatus(rawValue: raw) else {
            throw error(item, "\"status\" must be V (verified), S (secondary source) or U (unverified)")
        }
        return (provision, source, status)
    }

    func decimal(_ value: JSONValue?, _ key: String, item: String) throws(RuleBookError) -> Rational {
        guard let text = value?.numberText, let number = Rational(decimal: text), !(number < .zero) else { throw error(item, "\"\(key)\" must be a non-negative number") }
        return number
    }

    func regime(_ top: [String: JSONValue]) throws(RuleBookError) -> Regime {
        try checkKeys(top, allowed: ["regime", "country", "currency", "title", "note", "unsupported", "rules"],
                      required: ["regime", "country", "currency", "title", "rules"], item: nil, what: "the regime")
        let id = try text(top, "regime", item: nil)
        let currency = try text(top, "currency", item: nil)
        guard Money.minorDigits[currency] != nil else { throw error(nil, "unknown currency \(currency)") }
        var unsupported: [String: String] = [:]
        for entry in top["unsupported"]?.array ?? [] {
            guard let object = entry.object else { throw error(nil, "\"unsupported\" entries must be objects") }
            try checkKeys(object, allowed: ["kind", "reason"], required: ["kind", "reason"], item: nil, what: "an unsupported entry")
            let kind = try text(object, "kind", item: nil)
            guard RuleSchema.topics.contains(kind) else { throw error(nil, "unsupported topic \"\(kind)\" is not one of \(RuleSchema.topics.joined(separator: ", "))") }
            unsupported[kind] = try text(object, "reason", item: nil)
        }
        guard let ruleValues = top["rules"]?.array else { throw error(nil, "\"rules\" must be a list") }
        var rules: [LegalRule] = []
        for (index, value) in ruleValues.enumerated() {
            guard let object = value.object else { throw error("#\(index + 1)", "a rule must be an object") }
            guard let ruleID = object["id"]?.string, !ruleID.isEmpty else { throw error("#\(index + 1)", "missing \"id\"") }
            rules.append(try rule(object, id: ruleID, regime: id))
        }
        try Reader.checkChains(rules.map { ($0.id, $0.kind, $0.validFrom, $0.validTo) }, file: file)
        return Regime(id: id, country: try text(top, "country", item: nil), currency: currency, title: try text(top, "title", item: nil),
                      note: top["note"]?.string, unsupported: unsupported, rules: rules)
    }

    func rule(_ object: [String: JSONValue], id: String, regime: String) throws(RuleBookError) -> LegalRule {
        try checkKeys(object, allowed: ["id", "regime", "kind", "valid_from", "valid_to", "parameters", "provision", "source", "status", "rounding", "note"],
                      required: ["id", "kind", "valid_from", "valid_to", "parameters", "provision", "source", "status", "rounding"], item: id, what: "the rule")
        if let stated = object["regime"]?.string, stated != regime { throw error(id, "names regime \(stated) inside the \(regime) file") }
        let kind = try text(object, "kind", item: id)
        guard let schema = RuleSchema.kinds[kind] else { throw error(id, "unknown kind \"\(kind)\"") }
        let (from, to) = try validity(object, item: id)
        let (provision, source, status) = try citation(object, item: id)
        guard let roundingText = object["rounding"]?.string, let rounding = Rational.Rounding(rawValue: roundingText) else {
            throw error(id, "\"rounding\" must be one of half_up, down, up")
        }
        guard let parameters = object["parameters"]?.object else { throw error(id, "\"parameters\" must be an object") }
        for (name, value) in parameters {
            guard let (type, _) = schema[name] else { throw error(id, "unknown parameter \"\(name)\" for kind \(kind)") }
            try check(value, type, name: name, item: id)
        }
        if let missing = schema.filter({ $0.value.1 && parameters[$0.key] == nil }).keys.sorted().first {
            throw error(id, "missing parameter \"\(missing)\" for kind \(kind)")
        }
        if parameters["daily_wage_method"]?.string == "gross_divided", parameters["divisor_days"] == nil {
            throw error(id, "daily_wage_method gross_divided needs \"divisor_days\"")
        }
        return LegalRule(id: id, regime: regime, kind: kind, validFrom: from, validTo: to, parameters: parameters, provision: provision,
                         source: source, status: status, rounding: rounding, note: object["note"]?.string)
    }

    func check(_ value: JSONValue, _ type: RuleSchema.ParameterType, name: String, item: String) throws(RuleBookError) {
        func fail(_ expected: String) -> RuleBookError { error(item, "parameter \"\(name)\" must be \(expected)") }
        func positiveInteger(_ value: JSONValue?) -> Bool { value?.numberText.flatMap { Int($0) }.map { $0 >= 0 } ?? false }
        switch type {
        case .decimal: _ = try decimal(value, name, item: item)
        case .integer: guard positiveInteger(value) else { throw fail("a whole number, 0 or more") }
        case .bool: guard value.bool != nil else { throw fail("true or false") }
        case .components:
            guard let list = value.array, !list.isEmpty, list.allSatisfy({ $0.string.map(RuleSchema.wageComponents.contains) ?? false }) else {
                throw fail("a list of pay components (\(RuleSchema.wageComponents.joined(separator: ", ")))")
            }
        case .stringList: guard let list = value.array, list.allSatisfy({ $0.string != nil }) else { throw fail("a list of words") }
        case .choice(let options): guard let text = value.string, options.contains(text) else { throw fail("one of \(options.joined(separator: ", "))") }
        case .noticeDays:
            guard let map = value.object, map.keys.allSatisfy(RuleSchema.employmentKeys.contains), map.values.allSatisfy({ positiveInteger($0) }) else {
                throw fail("an object of days by employment (\(RuleSchema.employmentKeys.joined(separator: ", ")))")
            }
        case .compensationTiers:
            guard let tiers = value.array else { throw fail("a list of tiers") }
            var previous = -1
            for tier in tiers {
                guard let object = tier.object, object.keys.allSatisfy(["at_least_years", "more_than_years", "days_per_year"].contains),
                      positiveInteger(object["days_per_year"]),
                      (object["at_least_years"] == nil) != (object["more_than_years"] == nil),
                      let years = (object["at_least_years"] ?? object["more_than_years"])?.numberText.flatMap({ Int($0) }) else {
                    throw fail("tiers of {at_least_years or more_than_years, days_per_year}")
                }
                guard years > previous else { throw fail("tiers in increasing order of service") }
                previous = years
            }
        case .noticeTiers:
            guard let tiers = value.array, !tiers.isEmpty else { throw fail("a list of tiers") }
            var previous = -1
            for tier in tiers {
                guard let object = tier.object, object.keys.allSatisfy(["at_least_months", "more_than_months", "days", "months"].contains),
                      (object["at_least_months"] == nil) != (object["more_than_months"] == nil),
                      (object["days"] == nil) != (object["months"] == nil), positiveInteger(object["days"] ?? object["months"]),
                      let months = (object["at_least_months"] ?? object["more_than_months"])?.numberText.flatMap({ Int($0) }) else {
                    throw fail("tiers of {at_least_months or more_than_months, days or months}")
                }
                guard months > previous else { throw fail("tiers in increasing order of service") }
                previous = months
            }
        }
    }

    /// Versions of one rule (or one table series) must follow each other day after day: no overlap, no gap, and
    /// only the last may be open-ended.
    static func checkChains(_ items: [(id: String, key: String, from: CivilDate, to: CivilDate?)], file: String) throws(RuleBookError) {
        for (_, group) in Dictionary(grouping: items, by: \.key) {
            let sorted = group.sorted { $0.from < $1.from }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) {
                guard let end = earlier.to else {
                    throw RuleBookError(file: file, item: later.id, message: "overlaps \(earlier.id), which has no valid_to")
                }
                if later.from <= end { throw RuleBookError(file: file, item: later.id, message: "valid from \(later.from), overlapping \(earlier.id) (valid to \(end))") }
                if later.from != end.adding(days: 1) {
                    throw RuleBookError(file: file, item: later.id, message: "valid from \(later.from), leaving a gap after \(earlier.id) (valid to \(end))")
                }
            }
        }
    }

    func wageTables(_ top: [String: JSONValue]) throws(RuleBookError) -> ([WageTable], [WageIncrement]) {
        try checkKeys(top, allowed: ["tables", "increments"], required: ["tables"], item: nil, what: "the minimum-wage file")
        var tables: [WageTable] = []
        for (index, value) in (top["tables"]?.array ?? []).enumerated() {
            guard let object = value.object, let id = object["id"]?.string else { throw error("table #\(index + 1)", "a table needs an \"id\"") }
            try checkKeys(object, allowed: ["id", "regime", "sector", "currency", "valid_from", "valid_to", "house_rent_percent_of_basic", "fixed_allowances",
                                            "grades", "omitted_grades", "yearly", "provision", "source", "status", "note"],
                          required: ["id", "regime", "sector", "currency", "valid_from", "valid_to", "provision", "source", "status"], item: id, what: "the table")
            let (from, to) = try validity(object, item: id)
            let (provision, source, status) = try citation(object, item: id)
            let currency = try text(object, "currency", item: id)
            guard Money.minorDigits[currency] != nil else { throw error(id, "unknown currency \(currency)") }
            var fixed: [String: Rational] = [:]
            for (name, amount) in object["fixed_allowances"]?.object ?? [:] {
                guard RuleSchema.wageComponents.contains(name) else { throw error(id, "unknown allowance \"\(name)\"") }
                fixed[name] = try decimal(amount, name, item: id)
            }
            let houseRent = try object["house_rent_percent_of_basic"].map { value throws(RuleBookError) in try decimal(value, "house_rent_percent_of_basic", item: id) }
            var grades: [WageTable.Grade] = []
            for entry in object["grades"]?.array ?? [] {
                guard let row = entry.object else { throw error(id, "a grade must be an object") }
                try checkKeys(row, allowed: ["grade", "basic", "gross", "status"], required: ["grade", "basic", "gross", "status"], item: id, what: "a grade")
                let grade = try text(row, "grade", item: id)
                guard let rowStatus = row["status"]?.string.flatMap(VerificationStatus.init(rawValue:)) else { throw error(id, "grade \(grade): status must be V, S or U") }
                let basic = try decimal(row["basic"], "basic", item: id), gross = try decimal(row["gross"], "gross", item: id)
                guard let houseRent else { throw error(id, "grades need \"house_rent_percent_of_basic\"") }
                let computed = basic + basic * houseRent / Rational(100) + fixed.values.reduce(.zero, +)
                guard computed == gross else {
                    throw error(id, "grade \(grade): basic \(basic) + house rent \(houseRent)% + allowances = \(computed), not the gross \(gross)")
                }
                guard !grades.contains(where: { $0.grade == grade }) else { throw error(id, "grade \(grade) appears twice") }
                grades.append(.init(grade: grade, basic: basic, gross: gross, status: rowStatus))
            }
            var omitted: [WageTable.Omitted] = []
            for entry in object["omitted_grades"]?.array ?? [] {
                guard let row = entry.object else { throw error(id, "an omitted grade must be an object") }
                try checkKeys(row, allowed: ["grade", "reason"], required: ["grade", "reason"], item: id, what: "an omitted grade")
                omitted.append(.init(grade: try text(row, "grade", item: id), reason: try text(row, "reason", item: id)))
            }
            var years: [WageTable.Year] = []
            for entry in object["yearly"]?.array ?? [] {
                guard let row = entry.object else { throw error(id, "a year must be an object") }
                try checkKeys(row, allowed: ["year", "regular", "probation", "status"], required: ["year", "regular", "status"], item: id, what: "a year")
                guard let year = row["year"]?.numberText.flatMap({ Int($0) }), year >= from.year, to.map({ year <= $0.year }) ?? true else {
                    throw error(id, "\"year\" must fall within the table's validity")
                }
                guard let rowStatus = row["status"]?.string.flatMap(VerificationStatus.init(rawValue:)) else { throw error(id, "year \(year): status must be V, S or U") }
                guard !years.contains(where: { $0.year == year }) else { throw error(id, "year \(year) appears twice") }
                let probation = try row["probation"].map { value throws(RuleBookError) in try decimal(value, "probation", item: id) }
                years.append(.init(year: year, regular: try decimal(row["regular"], "regular", item: id), probation: probation, status: rowStatus))
            }
            guard grades.isEmpty != years.isEmpty else { throw error(id, "a table has either \"grades\" or \"yearly\"") }
            if !years.isEmpty, let last = to {
                for year in from.year...last.year where !years.contains(where: { $0.year == year }) { throw error(id, "no figure for \(year)") }
            }
            tables.append(WageTable(id: id, regime: try text(object, "regime", item: id), sector: try text(object, "sector", item: id), currency: currency,
                                    validFrom: from, validTo: to, houseRentPercent: houseRent, fixedAllowances: fixed, grades: grades, omitted: omitted,
                                    yearly: years.sorted { $0.year < $1.year }, provision: provision, source: source, status: status, note: object["note"]?.string))
        }
        var increments: [WageIncrement] = []
        for (index, value) in (top["increments"]?.array ?? []).enumerated() {
            guard let object = value.object, let id = object["id"]?.string else { throw error("increment #\(index + 1)", "an increment needs an \"id\"") }
            try checkKeys(object, allowed: ["id", "regime", "sector", "valid_from", "valid_to", "percent_of_basic", "provision", "source", "status", "note"],
                          required: ["id", "regime", "sector", "valid_from", "valid_to", "percent_of_basic", "provision", "source", "status"], item: id, what: "the increment")
            let (from, to) = try validity(object, item: id)
            let (provision, source, status) = try citation(object, item: id)
            increments.append(WageIncrement(id: id, regime: try text(object, "regime", item: id), sector: try text(object, "sector", item: id), validFrom: from, validTo: to,
                                            percentOfBasic: try decimal(object["percent_of_basic"], "percent_of_basic", item: id), provision: provision,
                                            source: source, status: status, note: object["note"]?.string))
        }
        return (tables, increments)
    }
}
