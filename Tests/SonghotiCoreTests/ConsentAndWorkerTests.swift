import Foundation
import SonghotiCore
import Testing

@Suite("Consent rules")
struct ConsentRulesTests {
    let day: TimeInterval = 86_400
    let start = Date(timeIntervalSince1970: 1_767_225_600) // 2026-01-01
    let coordinator = Principal(userID: UUID(), role: .coordinator, officeID: nil)
    let caseworker = Principal(userID: UUID(), role: .caseworker, officeID: nil)

    @Test func consentInForceAllowsUse() {
        let records = [ConsentRecord(purpose: .statistics, givenOn: start, method: .verbal)]
        #expect(ConsentRules.check(records, purpose: .statistics, at: start.addingTimeInterval(day)) == .consented)
        #expect(ConsentRules.check(records, purpose: .statistics, at: start) == .consented, "from the day it is given")
        #expect(ConsentRules.check(records, purpose: .brandDisclosure, at: start.addingTimeInterval(day)) == .refused(.neverGiven))
        #expect(ConsentRules.check(records, purpose: .statistics, at: start.addingTimeInterval(-day)) == .refused(.neverGiven), "not before it was given")
    }

    @Test func referralConsentCoversOnlyTheNamedPartner() {
        let records = [ConsentRecord(purpose: .referral, partner: "BLAST legal aid", givenOn: start, method: .written)]
        #expect(ConsentRules.check(records, purpose: .referral, partner: "BLAST legal aid", at: start) == .consented)
        #expect(ConsentRules.check(records, purpose: .referral, partner: "Shelter X", at: start) == .refused(.otherPartnerOnly))
    }

    @Test func withdrawalEndsConsentFromThatDay() {
        let withdrawn = start.addingTimeInterval(10 * day)
        let records = [ConsentRecord(purpose: .brandDisclosure, givenOn: start, method: .recorded, withdrawnOn: withdrawn)]
        #expect(ConsentRules.check(records, purpose: .brandDisclosure, at: withdrawn.addingTimeInterval(-day)) == .consented)
        #expect(ConsentRules.check(records, purpose: .brandDisclosure, at: withdrawn) == .refused(.withdrawn(on: withdrawn)))
        // Given again later: in force again.
        let again = records + [ConsentRecord(purpose: .brandDisclosure, givenOn: withdrawn.addingTimeInterval(5 * day), method: .verbal)]
        #expect(ConsentRules.check(again, purpose: .brandDisclosure, at: withdrawn.addingTimeInterval(6 * day)) == .consented)
    }

    @Test func onlyCoordinatorsOverrideAndOnlyWithAReason() {
        let reason = "Worker is in immediate danger; shelter referral cannot wait for a call-back."
        #expect(ConsentRules.check([], purpose: .referral, partner: "Shelter", at: start, override: ConsentOverride(principal: coordinator, reason: reason))
                == .overridden(by: coordinator.userID, reason: reason))
        #expect(ConsentRules.check([], purpose: .referral, partner: "Shelter", at: start, override: ConsentOverride(principal: caseworker, reason: reason))
                == .refused(.overrideNotPermitted))
        #expect(ConsentRules.check([], purpose: .referral, partner: "Shelter", at: start, override: ConsentOverride(principal: coordinator, reason: "urgent"))
                == .refused(.overrideReasonTooShort(minimum: ConsentRules.minimumOverrideReason)))
    }
}

@Suite("Worker identifiers")
struct WorkerIdentifierTests {
    @Test func phoneNumbersInEveryFormatCompareEqual() {
        let forms = ["01711-123456", "+880 1711 123456", "008801711123456", "০১৭১১১২৩৪৫৬", "(+880) 1711-123-456"]
        let comparable = Set(forms.map { PhoneNumber.comparable($0) })
        #expect(comparable == ["8801711123456"])
        #expect(PhoneNumber.comparable("012 345 678", countryCallingCode: "855") == "85512345678")
        #expect(PhoneNumber.isPlausible("8801711123456"))
        #expect(!PhoneNumber.isPlausible("12345"))
    }

    @Test func workerCodes() {
        #expect(WorkerCode.format(123) == "W-00123")
        #expect(WorkerCode.format(1_234_567) == "W-1234567")
        #expect(WorkerCode.parse("W-00123") == 123)
        #expect(WorkerCode.parse("w123") == 123)
        #expect(WorkerCode.parse("W-") == nil)
        #expect(WorkerCode.parse("W-১২৩") == nil)
    }
}
