import Foundation
import SonghotiCore
import Testing

@Suite("Entitlement arithmetic: service length, fractions, input")
struct EntitlementArithmeticTests {
    /// (first day, last day, years, months, days, part-year over six months)
    static let services: [(String, String, Int, Int, Int, Bool)] = [
        ("2016-01-01", "2020-12-31", 5, 0, 0, false),     // exactly 5 years
        ("2016-01-01", "2020-12-30", 4, 11, 30, true),    // one day short of 5 years
        ("2016-01-01", "2025-12-31", 10, 0, 0, false),    // exactly 10 years
        ("2020-01-01", "2022-06-30", 2, 6, 0, false),     // part-year of exactly six months does not count
        ("2020-01-01", "2022-07-01", 2, 6, 1, true),      // six months and a day does
        // A year from 29 Feb ends on the day before 28 Feb of the next year (dates past a month's end are clamped to it).
        ("2024-02-29", "2025-02-26", 0, 11, 29, true),
        ("2024-02-29", "2025-02-27", 1, 0, 0, false),
        ("2025-03-15", "2025-03-15", 0, 0, 1, false),
    ]

    @Test(arguments: services)
    func serviceLength(_ row: (String, String, Int, Int, Int, Bool)) {
        let length = ServiceLength(from: CivilDate(row.0)!, through: CivilDate(row.1)!)
        #expect(length.years == row.2 && length.months == row.3 && length.days == row.4, "\(row.0)–\(row.1): \(length)")
        #expect(length.partYearOverSixMonths == row.5)
    }

    @Test func fractionsRoundOnceAndExactly() {
        #expect(Rational(decimal: "7.5") == Rational(15, 2))
        #expect(Rational(decimal: "0.05") == Rational(1, 20))
        #expect(Rational(decimal: "1e3") == nil)
        #expect(Rational(decimal: "12.") == nil)
        #expect((Rational(670_000) / Rational(208) * Rational(2) * Rational(52)).rounded(.halfUp) == 335_000)
        #expect(Rational(5, 2).rounded(.halfUp) == 3)
        #expect(Rational(-5, 2).rounded(.halfUp) == -3)
        #expect(Rational(7, 3).rounded(.up) == 3)
        #expect(Rational(7, 3).rounded(.down) == 2)
        #expect(Rational(1, 3).description == "0.3333…")
        #expect(Rational(15, 2).description == "7.5")
        #expect(entitlementAmountText(Rational(1_234_567_89), currency: "BDT") == "1,234,567.89")
    }

    @Test func datesAddMonthsToTheEndOfShortMonths() {
        #expect(CivilDate("2025-01-31")!.adding(months: 1) == CivilDate("2025-02-28"))
        #expect(CivilDate("2024-02-29")!.adding(years: 1) == CivilDate("2025-02-28"))
        #expect(CivilDate("2025-11-16")!.adding(days: 1) == CivilDate("2025-11-17"))
        #expect(CivilDate("2025-02-29") == nil)
        #expect(CivilDate("2025-2-01") == nil)
    }

    @Test func badInputIsReportedAtItsPathAndNothingIsGuessed() throws {
        let book = try ShippedRules.book()
        let text = """
        {"regime": "bd-bla", "employment": {"start": "2025-13-01", "end": "2024-01-01", "typ": "permanent"},
         "pay": {"basic": "6,700.123"}, "overtme": {},
         "underpayment": {"months": [{"month": "2025-1", "paid": "100"}, {"month": "2025-02"}]}}
        """
        do {
            _ = try EntitlementInput.parse(Data(text.utf8), book: book)
            Issue.record("accepted")
        } catch {
            let issues = Set(error.issues.map { "\($0.path) \($0.code)" })
            #expect(issues.contains("employment.start not_a_date"))
            #expect(issues.contains("employment.typ unknown_field"))
            #expect(issues.contains("overtme unknown_field"))
            #expect(issues.contains("pay.basic not_an_amount"))
            #expect(issues.contains("underpayment.months[0].month not_a_month"))
            #expect(issues.contains("underpayment.months[1].paid required"))
        }
        do {
            _ = try EntitlementInput.parse(Data(#"{"regime": "in-factories-act"}"#.utf8), book: book)
            Issue.record("accepted an unknown regime")
        } catch { #expect(error.issues == [.init(path: "regime", code: "unknown_regime")]) }
    }

    @Test func whatTheLawNeedsIsAskedForNotAssumed() throws {
        let book = try ShippedRules.book()
        let input = try EntitlementInput.parse(Data(#"""
        {"regime": "bd-bla", "employment": {"start": "2015-01-01", "end": "2025-06-30", "type": "permanent"},
         "pay": {"basic": "8000"}, "termination": {"cause": "retrenchment"}}
        """#.utf8), book: book)
        let result = EntitlementCalculator(book: book).calculate(input)
        let notice = try #require(result.lines.first { $0.kind == "termination.notice" })
        #expect(notice.outcome == .missingInput)
        #expect(Set(notice.missing) == ["employment.monthly_rated", "termination.notice_given_days"])
        let compensation = try #require(result.lines.first { $0.kind == "termination.compensation" })
        #expect(compensation.outcome == .missingInput)
        #expect(compensation.missing == ["termination.gratuity_scheme"])
        #expect(!result.isComplete)
    }
}
