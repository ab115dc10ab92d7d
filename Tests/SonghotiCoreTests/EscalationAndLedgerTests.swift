import Foundation
import SonghotiCore
import Testing

@Suite("Letters to brands, answer statistics and the wage-theft ledger")
struct EscalationAndLedgerTests {
    @Test func templatesFillKnownPlaceholdersAndRefuseOthers() throws {
        let template = LetterTemplate(subject: "About {{reference}}", body: "Dear {{brand}},\n{{ workers }}\nOwed: {{amount_owed}}")
        #expect(template.problem() == nil)
        let filled = try template.render([.reference: "DHK-2026-00001", .brand: "Brand A", .workers: "- Worker 1 (name withheld)"])
        #expect(filled.subject == "About DHK-2026-00001")
        #expect(filled.body == "Dear Brand A,\n- Worker 1 (name withheld)\nOwed: ")
        #expect(LetterTemplate(subject: "x", body: "Call {{worker_phone}}").problem() == .unknownPlaceholder("worker_phone"))
        #expect(LetterTemplate(subject: "x", body: "Dear {{brand").problem() == .unclosedPlaceholder)
        #expect(LetterTemplate(subject: " ", body: "text").problem() == .empty)
        #expect(throws: LetterTemplate.Problem.unknownPlaceholder("phone")) { try LetterTemplate(subject: "s", body: "{{phone}}").render([:]) }
    }

    @Test func calendarArithmeticAcrossMonthsAndLeapYears() {
        #expect(EscalationRecord.adding(days: 14, to: "2026-12-25") == "2027-01-08")
        #expect(EscalationRecord.adding(days: 1, to: "2028-02-28") == "2028-02-29")
        #expect(EscalationRecord.adding(days: 1, to: "2027-02-28") == "2027-03-01")
        #expect(EscalationRecord.day("1970-01-01") == 0)
        #expect(EscalationRecord.day("2026-13-01") == nil)
    }

    @Test func overdueUntilTheBrandActuallyAnswers() {
        let silent = EscalationRecord(sentOn: "2026-10-01", deadline: "2026-10-15", responses: [])
        #expect(!silent.isOverdue(today: "2026-10-15"))
        #expect(silent.isOverdue(today: "2026-10-16"))
        let checked = EscalationRecord(sentOn: "2026-10-01", deadline: "2026-10-15", responses: [.init(kind: .noResponse, on: "2026-10-16")])
        #expect(checked.isOverdue(today: "2026-10-20"))
        let late = EscalationRecord(sentOn: "2026-10-01", deadline: "2026-10-15", responses: [.init(kind: .noResponse, on: "2026-10-16"), .init(kind: .acknowledged, on: "2026-10-21")])
        #expect(!late.isOverdue(today: "2026-10-22"))
        #expect(late.daysToFirstAnswer == 20)
        #expect(late.latest?.kind == .acknowledged)
    }

    @Test func brandStatistics() {
        let records = [
            EscalationRecord(sentOn: "2026-01-01", deadline: "2026-01-15", responses: [.init(kind: .acknowledged, on: "2026-01-05")]),
            EscalationRecord(sentOn: "2026-02-01", deadline: "2026-02-15", responses: [.init(kind: .engaged, on: "2026-02-11"), .init(kind: .remedyDelivered, on: "2026-04-01")]),
            EscalationRecord(sentOn: "2026-03-01", deadline: "2026-03-15", responses: [.init(kind: .noResponse, on: "2026-03-20")]),
        ]
        let statistics = BrandResponseStatistics(records)
        #expect(statistics.letters == 3 && statistics.answered == 2)
        #expect(statistics.responseRate == 2.0 / 3.0)
        #expect(statistics.medianDaysToFirstAnswer == 7)   // 4 and 10 days: the mean of the two middle values
        #expect(statistics.remedyDelivered == 1)
        #expect(BrandResponseStatistics([]).responseRate == nil)
    }

    @Test func ledgerTotalsByKeyCurrencyAndComponent() {
        let bdt = { (minor: Int64) in Money(minorUnits: minor, currency: "BDT") }
        let ledger = WageLedger([
            .init(key: "factory-a", stage: .owed, component: .wages, amount: bdt(1_000_000)),
            .init(key: "factory-a", stage: .owed, component: .wages, amount: bdt(50)),
            .init(key: "factory-a", stage: .owed, component: .severance, amount: bdt(300_000)),
            .init(key: "factory-a", stage: .promised, amount: bdt(400_000)),
            .init(key: "factory-a", stage: .delivered, amount: bdt(1_500_000)),
            .init(key: "factory-a", stage: .owed, component: .overtime, amount: Money(minorUnits: 2_000, currency: "USD")),
            .init(key: "factory-b", stage: .owed, amount: bdt(10)),
        ])
        #expect(ledger.lines.map { "\($0.key) \($0.currency)" } == ["factory-a BDT", "factory-a USD", "factory-b BDT"])
        let a = ledger.lines[0]
        #expect(a.owed == [.wages: 1_000_050, .severance: 300_000])
        #expect(a.owedTotal == 1_300_050 && a.promised == 400_000 && a.delivered == 1_500_000)
        #expect(a.outstanding == 0)   // more delivered than owed never shows as negative
        #expect(ledger.lines[2].owed == [.other: 10])
        #expect(ledger.lines(for: "factory-a").count == 2)
    }

    @Test func policy() {
        func principal(_ role: Role) -> Principal { Principal(userID: UUID(), role: role, officeID: nil) }
        #expect(SupplyChainPolicy.decide(principal(.viewer), .view).isAllowed)
        #expect(!SupplyChainPolicy.decide(principal(.viewer), .edit).isAllowed)
        #expect(SupplyChainPolicy.decide(principal(.caseworker), .escalate).isAllowed)
        #expect(!SupplyChainPolicy.decide(principal(.caseworker), .merge).isAllowed)
        #expect(SupplyChainPolicy.decide(principal(.coordinator), .merge).isAllowed)
        #expect(SupplyChainPolicy.decide(principal(.programmeOfficer), .viewLedger).isAllowed)
        #expect(!SupplyChainPolicy.decide(principal(.caseworker), .viewLedger).isAllowed)
        #expect(SupplyChainPolicy.decide(principal(.administrator), .manageTemplates).isAllowed)
        #expect(!SupplyChainPolicy.decide(principal(.administrator), .edit).isAllowed)
    }
}
