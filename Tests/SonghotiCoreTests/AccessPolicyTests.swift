import Foundation
import SonghotiCore
import Testing

@Suite("Access policies")
struct AccessPolicyTests {
    let dhaka = UUID()
    let gazipur = UUID()

    func principal(_ role: Role, office: UUID? = nil) -> Principal { Principal(userID: UUID(), role: role, officeID: office) }

    @Test(arguments: Role.allCases)
    func onlyOrganisationWideAdministratorsCreateOffices(role: Role) {
        #expect(OfficePolicy.decide(principal(role), .create).isAllowed == (role == .administrator))
        #expect(!OfficePolicy.decide(principal(role, office: dhaka), .create).isAllowed)
        #expect(OfficePolicy.decide(principal(role), .list).isAllowed)
    }

    @Test func officeAdministratorsChangeOnlyTheirOffice() {
        let admin = principal(.administrator, office: dhaka)
        #expect(OfficePolicy.decide(admin, .update, office: dhaka).isAllowed)
        #expect(!OfficePolicy.decide(admin, .update, office: gazipur).isAllowed)
        #expect(OfficePolicy.decide(principal(.administrator), .update, office: gazipur).isAllowed)
        #expect(!OfficePolicy.decide(principal(.coordinator), .update, office: dhaka).isAllowed)
    }

    @Test func userManagementByRoleAndScope() {
        let inDhaka = UserPolicy.Target(userID: UUID(), role: .caseworker, officeID: dhaka)
        let inGazipur = UserPolicy.Target(userID: UUID(), role: .caseworker, officeID: gazipur)
        let orgAdmin = UserPolicy.Target(userID: UUID(), role: .administrator, officeID: nil)

        let officeAdmin = principal(.administrator, office: dhaka)
        #expect(UserPolicy.decide(officeAdmin, .update, target: inDhaka).isAllowed)
        #expect(!UserPolicy.decide(officeAdmin, .update, target: inGazipur).isAllowed)
        #expect(!UserPolicy.decide(officeAdmin, .create, target: orgAdmin).isAllowed)
        #expect(UserPolicy.decide(principal(.administrator), .create, target: orgAdmin).isAllowed)

        let coordinator = principal(.coordinator, office: dhaka)
        #expect(UserPolicy.decide(coordinator, .list).isAllowed)
        #expect(UserPolicy.decide(coordinator, .view, target: inDhaka).isAllowed)
        #expect(!UserPolicy.decide(coordinator, .view, target: inGazipur).isAllowed)
        #expect(!UserPolicy.decide(coordinator, .update, target: inDhaka).isAllowed)
        #expect(UserPolicy.listScope(coordinator) == dhaka)

        for role in [Role.caseworker, .programmeOfficer, .viewer] {
            for action in UserPolicy.Action.allCases {
                #expect(!UserPolicy.decide(principal(role), action, target: inDhaka).isAllowed)
            }
        }
    }

    @Test func administratorsCannotDisableThemselves() {
        let me = principal(.administrator)
        let target = UserPolicy.Target(userID: me.userID, role: .administrator, officeID: nil)
        #expect(!UserPolicy.decide(me, .disable, target: target).isAllowed)
        #expect(UserPolicy.decide(me, .update, target: target).isAllowed)
    }

    @Test(arguments: Role.allCases)
    func organisationSettingsAreForOrganisationWideAdministrators(role: Role) {
        for action in AdministrationPolicy.Action.allCases {
            #expect(AdministrationPolicy.decide(principal(role), action).isAllowed == (role == .administrator))
            #expect(!AdministrationPolicy.decide(principal(role, office: dhaka), action).isAllowed)
        }
    }
}

@Suite("Localisation")
struct LocalisationTests {
    let catalog = Catalog(tables: [
        .english: ["greeting": "Hello, {0}", "only.english": "English only"],
        .bangla: ["greeting": "স্বাগতম, {0}"],
    ])

    @Test func lookupFallsBackPerStringAndMarksMissingKeys() {
        #expect(catalog.string("greeting", .bangla, arguments: ["রহিমা"]) == "স্বাগতম, রহিমা")
        #expect(catalog.string("only.english", .bangla) == "English only")
        #expect(catalog.string("only.english", .khmer) == "English only")
        #expect(catalog.string("nope", .english) == "⟦nope⟧")
        #expect(catalog.missingKeys(in: .bangla) == ["only.english"])
    }

    @Test func parsingRejectsNonStrings() throws {
        #expect(try Catalog.parseTable(Data(#"{"a":"b"}"#.utf8)) == ["a": "b"])
        #expect(throws: CatalogError.notAString(key: "a")) { try Catalog.parseTable(Data(#"{"a":1}"#.utf8)) }
        #expect(throws: CatalogError.notAnObject) { try Catalog.parseTable(Data(#"["a"]"#.utf8)) }
    }

    @Test func acceptLanguageNegotiation() {
        #expect(Language.preferred(fromAcceptLanguage: "bn-BD,bn;q=0.9,en;q=0.8") == .bangla)
        #expect(Language.preferred(fromAcceptLanguage: "fr;q=0.9, km;q=0.5, en;q=0.7") == .english)
        #expect(Language.preferred(fromAcceptLanguage: "de") == nil)
        #expect(Language.preferred(fromAcceptLanguage: nil) == nil)
    }

    @Test func numbersUseEachLanguagesDigits() {
        let dhaka = TimeZone(identifier: "Asia/Dhaka")!
        #expect(LocalizedFormat(language: .bangla, timeZone: dhaka).number(6805) == "৬,৮০৫")
        #expect(LocalizedFormat(language: .english, timeZone: dhaka).number(6805) == "6,805")
        #expect(LocalizedFormat(language: .khmer, timeZone: dhaka).number(12).contains("១២"))
        // Dates are shown in the organisation's time zone: 18:30 UTC on 16 Nov is 17 Nov in Dhaka.
        let date = Date(timeIntervalSince1970: 1_763_317_800)
        #expect(LocalizedFormat(language: .english, timeZone: dhaka).date(date) == "17 Nov 2025")
    }
}
