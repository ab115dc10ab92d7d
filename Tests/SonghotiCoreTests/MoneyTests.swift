import Foundation
import SonghotiCore
import Testing

@Suite("Money")
struct MoneyTests {
    @Test func parsesWhatPeopleType() throws {
        #expect(try Money.parse("12,500.50", currency: "bdt") == Money(minorUnits: 1_250_050, currency: "BDT"))
        #expect(try Money.parse(" 6 805 ", currency: "BDT") == Money(minorUnits: 680_500, currency: "BDT"))
        #expect(try Money.parse("১২,৫০০", currency: "BDT") == Money(minorUnits: 1_250_000, currency: "BDT"))
        #expect(try Money.parse("0.5", currency: "USD") == Money(minorUnits: 50, currency: "USD"))
        #expect(try Money.parse("1.234", currency: "KWD") == Money(minorUnits: 1234, currency: "KWD"))
    }

    @Test func refusesWhatIsNotMoney() {
        #expect(throws: Money.ParseError.tooManyDecimals(allowed: 2)) { try Money.parse("1.234", currency: "BDT") }
        #expect(throws: Money.ParseError.notANumber) { try Money.parse("abc", currency: "BDT") }
        #expect(throws: Money.ParseError.notANumber) { try Money.parse("", currency: "BDT") }
        #expect(throws: Money.ParseError.notANumber) { try Money.parse("1.2.3", currency: "BDT") }
        #expect(throws: Money.ParseError.negative) { try Money.parse("-5", currency: "BDT") }
        #expect(throws: Money.ParseError.unknownCurrency) { try Money.parse("5", currency: "XYZ") }
        #expect(throws: Money.ParseError.tooLarge) { try Money.parse("99999999999999999999", currency: "BDT") }
    }

    @Test func totalsNeverMixCurrencies() {
        let totals = Money.totals([Money(minorUnits: 100, currency: "BDT"), Money(minorUnits: 250, currency: "BDT"), Money(minorUnits: 7, currency: "USD")])
        #expect(totals == ["BDT": 350, "USD": 7])
        #expect(Money(minorUnits: 1_250_005, currency: "BDT").decimalString == "12500.05")
    }

    @Test func formattedPerLanguage() {
        let amount = Money(minorUnits: 1_250_050, currency: "BDT")
        #expect(LocalizedFormat(language: .english, timeZone: .gmt).money(amount) == "BDT 12,500.50")
        #expect(LocalizedFormat(language: .bangla, timeZone: .gmt).money(amount) == "BDT ১২,৫০০.৫০")
    }
}
