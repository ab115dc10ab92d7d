import Foundation

/// What the calculator is told about one worker: employment, pay, and the events to compute. Every amount is in
/// the regime's currency. Parsed from the same JSON by the web form, the API and the CLI.
public struct EntitlementInput: Sendable, Equatable {
    public enum EmploymentType: String, Sendable, CaseIterable { case permanent, temporary, probation, udc, fdc }
    public enum Cause: String, Sendable, CaseIterable {
        case retrenchment, discharge, terminationByEmployer = "termination_by_employer", resignation, death
        case deathAtWork = "death_at_work", dismissalMisconduct = "dismissal_misconduct"
    }
    /// Whether the establishment has a gratuity scheme (the law compares gratuity only where one exists).
    public enum Gratuity: String, Sendable, CaseIterable { case yes, no, unknown }

    public struct Employment: Sendable, Equatable {
        public var start: CivilDate?
        public var end: CivilDate?
        public var type: EmploymentType?
        public var monthlyRated: Bool?
        public var sector: String?
        public var grade: String?
    }

    /// Monthly pay components in minor units; nil when not entered.
    public struct Pay: Sendable, Equatable {
        public var components: [String: Int64] = [:]
        public subscript(_ name: String) -> Int64? { components[name] }
    }

    public struct Termination: Sendable, Equatable {
        public var cause: Cause?
        public var noticeGivenDays: Int?
        public var gratuityScheme: Gratuity?
        public var noticePaid: Int64?
        public var compensationPaid: Int64?
        /// Cambodia: last day up to which seniority indemnity was paid; `seniorityNeverPaid` when none was.
        public var seniorityPaidThrough: CivilDate?
        public var seniorityNeverPaid = false
        public var seniorityPaid: Int64?
        public var backpayPaid: Int64?
    }

    public struct Month: Sendable, Equatable {
        public var year: Int
        public var month: Int
        public var paid: Int64
        public var grade: String?
        public var label: String { String(format: "%04d-%02d", year, month) }
        public var first: CivilDate { CivilDate(year: year, month: month, day: 1)! }
    }

    public struct Overtime: Sendable, Equatable {
        public var periodEnd: CivilDate?
        public var hours: Rational?
        public var hoursNightOrRestDay: Rational?
        public var paid: Int64?
    }

    public struct LeavePeriod: Sendable, Equatable {
        public var from: CivilDate
        public var to: CivilDate
        public var daysWorked: Int?
    }

    public struct Leave: Sendable, Equatable {
        public var periods: [LeavePeriod] = []
        public var daysTaken: Rational?
        public var paid: Int64?
    }

    public struct Maternity: Sendable, Equatable {
        public var deliveryDate: CivilDate?
        public var survivingChildren: Int?
        public var wagesLast3Months: Int64?
        public var daysWorkedLast3Months: Int?
        public var wagesLast12Months: Int64?
        public var paid: Int64?
    }

    public struct Festival: Sendable, Equatable {
        public var date: CivilDate
        public var paid: Int64
    }

    public var regime: String
    public var currency: String
    public var employment = Employment()
    public var pay = Pay()
    public var termination: Termination?
    public var underpayment: [Month]?
    public var overtime: Overtime?
    public var leave: Leave?
    public var maternity: Maternity?
    public var festivals: [Festival]?

    /// One problem with the input, at a JSON path ("employment.start", "underpayment.months[2].paid").
    public struct Issue: Sendable, Equatable, Codable {
        public let path: String
        /// not_an_object, unknown_field, required, not_a_date, not_a_number, not_an_amount, not_a_whole_number,
        /// not_true_or_false, choose, not_a_list, too_many, order, unknown_regime, empty
        public let code: String
        public init(path: String, code: String) { self.path = path; self.code = code }
    }

    public struct Invalid: Error, Sendable, Equatable { public let issues: [Issue] }

    public static let maximumListLength = 600

    /// Parses a calculator input. Unknown fields are refused (a misspelt section would otherwise be silently left out).
    public static func parse(_ value: JSONValue, book: RuleBook) throws(Invalid) -> EntitlementInput {
        var parser = Parser()
        let input = parser.input(value, book: book)
        guard parser.issues.isEmpty, let input else { throw Invalid(issues: parser.issues) }
        return input
    }

    public static func parse(_ data: Data, book: RuleBook) throws(Invalid) -> EntitlementInput {
        let value: JSONValue
        do { value = try JSONValue.parse(data) } catch { throw Invalid(issues: [Issue(path: "", code: "not_json")]) }
        return try parse(value, book: book)
    }
}

private struct Parser {
    var issues: [EntitlementInput.Issue] = []
    var currency = "BDT"

    mutating func fail(_ path: String, _ code: String) { issues.append(.init(path: path, code: code)) }

    mutating func object(_ value: JSONValue?, _ path: String, allowed: [String]) -> [String: JSONValue]? {
        guard let value, !value.isNull else { return nil }
        guard let object = value.object else { fail(path, "not_an_object"); return nil }
        for key in object.keys.sorted() where !allowed.contains(key) { fail(path.isEmpty ? key : "\(path).\(key)", "unknown_field") }
        return object
    }

    func present(_ value: JSONValue?) -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        if let text = value.string, text.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
        return value
    }

    mutating func date(_ value: JSONValue?, _ path: String) -> CivilDate? {
        guard let value = present(value) else { return nil }
        guard let text = value.string, let date = CivilDate(text) else { fail(path, "not_a_date"); return nil }
        return date
    }

    mutating func amount(_ value: JSONValue?, _ path: String) -> Int64? {
        guard let value = present(value) else { return nil }
        guard let text = value.numberText else { fail(path, "not_an_amount"); return nil }
        do { return try Money.parse(text, currency: currency).minorUnits } catch { fail(path, "not_an_amount"); return nil }
    }

    mutating func whole(_ value: JSONValue?, _ path: String, max: Int = 100_000) -> Int? {
        guard let value = present(value) else { return nil }
        guard let text = value.numberText, let number = Int(text), (0...max).contains(number) else { fail(path, "not_a_whole_number"); return nil }
        return number
    }

    mutating func decimal(_ value: JSONValue?, _ path: String) -> Rational? {
        guard let value = present(value) else { return nil }
        guard let text = value.numberText, let number = Rational(decimal: text), !(number < .zero), number < Rational(100_000) else {
            fail(path, "not_a_number"); return nil
        }
        return number
    }

    mutating func flag(_ value: JSONValue?, _ path: String) -> Bool? {
        guard let value = present(value) else { return nil }
        if let bool = value.bool { return bool }
        switch value.string { case "true", "yes": return true; case "false", "no": return false; default: fail(path, "not_true_or_false"); return nil }
    }

    mutating func choice<T: RawRepresentable>(_ value: JSONValue?, _ path: String) -> T? where T.RawValue == String {
        guard let value = present(value) else { return nil }
        guard let text = value.string, let choice = T(rawValue: text) else { fail(path, "choose"); return nil }
        return choice
    }

    mutating func text(_ value: JSONValue?, _ path: String) -> String? {
        guard let value = present(value) else { return nil }
        guard let text = value.string ?? value.numberText, text.count <= 40 else { fail(path, "not_a_word"); return nil }
        return text.trimmingCharacters(in: .whitespaces)
    }

    mutating func list(_ value: JSONValue?, _ path: String) -> [JSONValue]? {
        guard let value, !value.isNull else { return nil }
        guard let array = value.array else { fail(path, "not_a_list"); return nil }
        guard array.count <= EntitlementInput.maximumListLength else { fail(path, "too_many"); return nil }
        return array
    }

    mutating func input(_ value: JSONValue, book: RuleBook) -> EntitlementInput? {
        guard let top = object(value, "", allowed: ["regime", "employment", "pay", "termination", "underpayment", "overtime", "leave", "maternity", "festival_bonus"]) else {
            fail("", "not_an_object"); return nil
        }
        guard let regimeID = top["regime"]?.string, let regime = book.regime(regimeID) else {
            fail("regime", top["regime"] == nil ? "required" : "unknown_regime"); return nil
        }
        currency = regime.currency
        var input = EntitlementInput(regime: regimeID, currency: regime.currency)
        if let employment = object(top["employment"], "employment", allowed: ["start", "end", "type", "monthly_rated", "sector", "grade"]) {
            input.employment.start = date(employment["start"], "employment.start")
            input.employment.end = date(employment["end"], "employment.end")
            input.employment.type = choice(employment["type"], "employment.type")
            input.employment.monthlyRated = flag(employment["monthly_rated"], "employment.monthly_rated")
            input.employment.sector = text(employment["sector"], "employment.sector")
            input.employment.grade = text(employment["grade"], "employment.grade")
            if let start = input.employment.start, let end = input.employment.end, end < start { fail("employment.end", "order") }
        }
        if let pay = object(top["pay"], "pay", allowed: RuleSchema.wageComponents) {
            for name in RuleSchema.wageComponents { if let value = amount(pay[name], "pay.\(name)") { input.pay.components[name] = value } }
        }
        if let termination = object(top["termination"], "termination", allowed: ["cause", "notice_given_days", "gratuity_scheme", "notice_paid", "compensation_paid",
                                                                                   "seniority_paid_through", "seniority_paid", "backpay_paid"]) {
            var section = EntitlementInput.Termination()
            section.cause = choice(termination["cause"], "termination.cause")
            section.noticeGivenDays = whole(termination["notice_given_days"], "termination.notice_given_days", max: 3660)
            section.gratuityScheme = choice(termination["gratuity_scheme"], "termination.gratuity_scheme")
            section.noticePaid = amount(termination["notice_paid"], "termination.notice_paid")
            section.compensationPaid = amount(termination["compensation_paid"], "termination.compensation_paid")
            if termination["seniority_paid_through"]?.string == "never" { section.seniorityNeverPaid = true }
            else { section.seniorityPaidThrough = date(termination["seniority_paid_through"], "termination.seniority_paid_through") }
            section.seniorityPaid = amount(termination["seniority_paid"], "termination.seniority_paid")
            section.backpayPaid = amount(termination["backpay_paid"], "termination.backpay_paid")
            input.termination = section
        }
        if let underpayment = object(top["underpayment"], "underpayment", allowed: ["months"]) {
            var months: [EntitlementInput.Month] = []
            for (index, item) in (list(underpayment["months"], "underpayment.months") ?? []).enumerated() {
                let path = "underpayment.months[\(index)]"
                guard let row = object(item, path, allowed: ["month", "paid", "grade"]) else { fail(path, "not_an_object"); continue }
                let monthText = row["month"]?.string ?? ""
                guard let first = CivilDate(monthText + "-01"), monthText.count == 7 else { fail("\(path).month", "not_a_month"); continue }
                guard let paid = amount(row["paid"], "\(path).paid") else { if present(row["paid"]) == nil { fail("\(path).paid", "required") }; continue }
                if months.contains(where: { $0.year == first.year && $0.month == first.month }) { fail("\(path).month", "duplicate"); continue }
                months.append(.init(year: first.year, month: first.month, paid: paid, grade: text(row["grade"], "\(path).grade")))
            }
            if months.isEmpty && issues.isEmpty { fail("underpayment.months", "empty") }
            input.underpayment = months.sorted { ($0.year, $0.month) < ($1.year, $1.month) }
        }
        if let overtime = object(top["overtime"], "overtime", allowed: ["period_end", "hours", "hours_night_or_rest_day", "paid"]) {
            input.overtime = .init(periodEnd: date(overtime["period_end"], "overtime.period_end"), hours: decimal(overtime["hours"], "overtime.hours"),
                                   hoursNightOrRestDay: decimal(overtime["hours_night_or_rest_day"], "overtime.hours_night_or_rest_day"),
                                   paid: amount(overtime["paid"], "overtime.paid"))
        }
        if let leave = object(top["leave"], "leave", allowed: ["periods", "days_taken", "paid"]) {
            var section = EntitlementInput.Leave()
            for (index, item) in (list(leave["periods"], "leave.periods") ?? []).enumerated() {
                let path = "leave.periods[\(index)]"
                guard let row = object(item, path, allowed: ["from", "to", "days_worked"]) else { fail(path, "not_an_object"); continue }
                guard let from = date(row["from"], "\(path).from") else { if present(row["from"]) == nil { fail("\(path).from", "required") }; continue }
                guard let to = date(row["to"], "\(path).to") else { if present(row["to"]) == nil { fail("\(path).to", "required") }; continue }
                guard from <= to else { fail("\(path).to", "order"); continue }
                section.periods.append(.init(from: from, to: to, daysWorked: whole(row["days_worked"], "\(path).days_worked", max: 366)))
            }
            section.daysTaken = decimal(leave["days_taken"], "leave.days_taken")
            section.paid = amount(leave["paid"], "leave.paid")
            if section.periods.isEmpty && issues.isEmpty { fail("leave.periods", "empty") }
            input.leave = section
        }
        if let maternity = object(top["maternity"], "maternity", allowed: ["delivery_date", "surviving_children", "wages_last_3_months", "days_worked_last_3_months",
                                                                            "wages_last_12_months", "paid"]) {
            input.maternity = .init(deliveryDate: date(maternity["delivery_date"], "maternity.delivery_date"),
                                    survivingChildren: whole(maternity["surviving_children"], "maternity.surviving_children", max: 30),
                                    wagesLast3Months: amount(maternity["wages_last_3_months"], "maternity.wages_last_3_months"),
                                    daysWorkedLast3Months: whole(maternity["days_worked_last_3_months"], "maternity.days_worked_last_3_months", max: 92),
                                    wagesLast12Months: amount(maternity["wages_last_12_months"], "maternity.wages_last_12_months"),
                                    paid: amount(maternity["paid"], "maternity.paid"))
        }
        if let bonus = object(top["festival_bonus"], "festival_bonus", allowed: ["festivals"]) {
            var festivals: [EntitlementInput.Festival] = []
            for (index, item) in (list(bonus["festivals"], "festival_bonus.festivals") ?? []).enumerated() {
                let path = "festival_bonus.festivals[\(index)]"
                guard let row = object(item, path, allowed: ["date", "paid"]) else { fail(path, "not_an_object"); continue }
                guard let day = date(row["date"], "\(path).date") else { if present(row["date"]) == nil { fail("\(path).date", "required") }; continue }
                festivals.append(.init(date: day, paid: amount(row["paid"], "\(path).paid") ?? 0))
            }
            if festivals.isEmpty && issues.isEmpty { fail("festival_bonus.festivals", "empty") }
            input.festivals = festivals.sorted { $0.date < $1.date }
        }
        return input
    }
}
