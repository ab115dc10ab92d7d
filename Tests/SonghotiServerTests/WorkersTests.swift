import Fluent
import Foundation
import SQLKit
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

@Suite("Workers: encrypted identifiers, duplicate detection, consent, audited views")
struct WorkersTests {
    struct Setting {
        let office: Office
        let caseworker: User
        let browser: Browser
    }

    func setting(_ app: Application, language: Language = .english) async throws -> Setting {
        let office = try await Fixtures.office(app)
        let caseworker = try await Fixtures.user(app, role: .caseworker, office: office.id, language: language)
        return Setting(office: office, caseworker: caseworker, browser: try await Fixtures.session(app, for: caseworker))
    }

    func intake(_ s: Setting, name: String = "Rahima Begum", phone: String = "01711-123456", confirm: Bool = false) async throws -> TestingHTTPResponse {
        var fields = ["full_name": name, "phone": phone, "national_id": "1990 2612 3456 789", "address": "House 4, Road 2, Mirpur",
                      "birth_date": "1990-04-12", "sex": "female", "birth_year": "", "district": "Dhaka", "upazila": "Mirpur",
                      "occupation": "Sewing operator", "grade": "4", "migrant_status": "not_migrant", "languages": "bn",
                      "office_id": s.office.id!.uuidString]
        if confirm { fields["confirm_new"] = "on" }
        return try await s.browser.post("/workers", fields)
    }

    @Test func intakeFindsTheSamePhoneInAnotherFormat() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let first = try await intake(s)
            #expect(first.status == .seeOther)
            let worker = try #require(try await Worker.query(on: app.db).first())
            #expect(worker.code == "W-00001")
            #expect(worker.birthYear == 1990)

            // The same number typed the international way, in Bangla digits.
            let second = try await intake(s, name: "Rahima B.", phone: "+৮৮০ ১৭১১ ১২৩৪৫৬")
            #expect(second.status == .conflict)
            #expect(second.text.contains("/workers/\(worker.id!)"))
            #expect(second.text.contains("W-00001"))
            #expect(second.text.contains("value=\"Rahima B.\""), "the form keeps what was typed")
            #expect(try await Worker.query(on: app.db).count() == 1)

            let confirmed = try await intake(s, name: "Rahima B.", phone: "+880 1711 123456", confirm: true)
            #expect(confirmed.status == .seeOther)
            #expect(try await Worker.query(on: app.db).count() == 2)

            let search = try await s.browser.get("/workers?q=%2B8801711123456")
            #expect(search.text.contains("W-00001") && search.text.contains("W-00002"))
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "worker.lookup").count() == 2)
        }
    }

    @Test func identifiersAreNotStoredInClear() async throws {
        try await withTestApp { app, environment in
            let s = try await setting(app)
            #expect(try await intake(s, name: "Shahnaz Parvin Unique", phone: "01819-765432").status == .seeOther)
            if TestDatabase.isPostgres {
                let rows = try await app.db.sql.raw("SELECT workers::text AS row FROM workers").all()
                let text = try rows.map { try $0.decode(column: "row", as: String.self) }.joined()
                #expect(!text.isEmpty)
                for secret in ["Shahnaz", "01819765432", "8801819765432", "1819765432", "House 4", "1990-04-12", "19902612"] {
                    #expect(!text.contains(secret), "\(secret) in clear")
                }
            } else {
                try await app.db.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
                var bytes = FileManager.default.contents(atPath: environment.directory + "songhoti.sqlite") ?? Data()
                bytes.append(FileManager.default.contents(atPath: environment.directory + "songhoti.sqlite-wal") ?? Data())
                for secret in ["Shahnaz", "01819765432", "01819-765432", "8801819765432", "House 4", "1990-04-12", "1990 2612"] {
                    #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in clear")
                }
            }
        }
    }

    @Test func viewsAreAuditedAndCodedRolesSeeNoIdentifiers() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            _ = try await intake(s)
            let worker = try #require(try await Worker.query(on: app.db).first())
            let page = try await s.browser.get("/workers/\(worker.id!)")
            #expect(page.text.contains("Rahima Begum"))
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "worker.view").filter(\.$resourceID == worker.id!.uuidString).count() == 1)

            let viewer = try await Fixtures.user(app, role: .viewer, office: s.office.id)
            let viewerPage = try await Fixtures.session(app, for: viewer).get("/workers/\(worker.id!)")
            #expect(viewerPage.status == .ok)
            #expect(viewerPage.text.contains("W-00001"))
            #expect(!viewerPage.text.contains("Rahima") && !viewerPage.text.contains("01711"))
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "worker.view_coded").count() == 1)

            let token = try await Fixtures.apiToken(app, for: viewer)
            let api = try await app.testing().sendRequest(.GET, "/api/v1/workers/\(worker.id!)", headers: ["Authorization": "Bearer \(token)"])
            #expect(api.status == .ok)
            #expect(!api.body.string.contains("Rahima"))
            let lookup = try await app.testing().sendRequest(.GET, "/api/v1/workers?phone=01711123456", headers: ["Authorization": "Bearer \(token)"])
            #expect(lookup.status == .forbidden, "looking up by phone is for case-handling roles")

            // Another office's caseworker cannot open or find the worker.
            let other = try await Fixtures.office(app, code: "CTG", name: "Chattogram")
            let outsider = try await Fixtures.session(app, for: try await Fixtures.user(app, role: .caseworker, office: other.id))
            #expect(try await outsider.get("/workers/\(worker.id!)").status == .forbidden)
            #expect(!(try await outsider.get("/workers?q=01711123456").text.contains("W-00001")))
        }
    }

    @Test func theAPIRecordsLooksUpAndRefusesDuplicates() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let token = try await Fixtures.apiToken(app, for: s.caseworker)
            var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            headers.contentType = .json
            let body = #"{"full_name":"Kulsum Akter","phone":"01911-222333","sex":"female","district":"Gazipur","occupation":"Helper"}"#
            let created = try await app.testing().sendRequest(.POST, "/api/v1/workers", headers: headers, body: ByteBuffer(string: body))
            #expect(created.status == .created)
            let dto = try created.content.decode(WorkersAPIController.WorkerDTO.self)
            #expect(dto.code == "W-00001")
            #expect(dto.office_id == s.office.id, "defaults to the caseworker's office")

            let again = try await app.testing().sendRequest(.POST, "/api/v1/workers", headers: headers, body: ByteBuffer(string: body))
            #expect(again.status == .conflict)
            #expect(again.body.string.contains("W-00001"))
            #expect(again.headers.contentType?.description.hasPrefix("application/problem+json") == true)

            let found = try await app.testing().sendRequest(.GET, "/api/v1/workers?phone=%2B880%201911%20222333", headers: headers)
            #expect(try found.content.decode(PageDTO<WorkersAPIController.WorkerDTO>.self).items.map(\.code) == ["W-00001"])

            let shown = try await app.testing().sendRequest(.GET, "/api/v1/workers/\(dto.id)", headers: headers)
            #expect(try shown.content.decode(WorkersAPIController.WorkerDTO.self).identifiers?.full_name == "Kulsum Akter")

            let patched = try await app.testing().sendRequest(.PATCH, "/api/v1/workers/\(dto.id)", headers: headers, body: ByteBuffer(string: #"{"grade":"5"}"#))
            let after = try patched.content.decode(WorkersAPIController.WorkerDTO.self)
            #expect(after.grade == "5")
            #expect(after.identifiers?.phone == "01911-222333")

            let invalid = try await app.testing().sendRequest(.POST, "/api/v1/workers", headers: headers, body: ByteBuffer(string: #"{"full_name":"","phone":"12","birth_date":"1990-02-30"}"#))
            #expect(invalid.status == .unprocessableEntity)
            let problem = try JSONDecoder().decode(Problem.self, from: Data(invalid.body.readableBytesView))
            #expect(Set(problem.errors?.map(\.field) ?? []) == ["full_name", "phone", "birth_date"])
        }
    }

    @Test func consentIsRecordedWithdrawnAndEnforced() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            _ = try await intake(s)
            let worker = try #require(try await Worker.query(on: app.db).first())
            let token = try await Fixtures.apiToken(app, for: s.caseworker)
            var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            headers.contentType = .json
            let today = CalendarDate.today(in: app.songhotiSettings.timeZone)
            let referral = try await app.testing().sendRequest(.POST, "/api/v1/workers/\(worker.id!)/consents", headers: headers,
                                                                body: ByteBuffer(string: #"{"purpose":"referral","partner":"Legal Aid Dhaka","given_on":"\#(today)","method":"verbal"}"#))
            #expect(referral.status == .created)
            let noPartner = try await app.testing().sendRequest(.POST, "/api/v1/workers/\(worker.id!)/consents", headers: headers,
                                                                 body: ByteBuffer(string: #"{"purpose":"referral","given_on":"\#(today)","method":"verbal"}"#))
            #expect(noPartner.status == .unprocessableEntity)
            #expect(try await s.browser.post("/workers/\(worker.id!)/consents", ["purpose": "brand_disclosure", "partner": "", "given_on": today, "method": "written"]).status == .seeOther)

            let service = WorkerService(context: .commandLine(app))
            #expect(try await service.consentDecision(for: worker, purpose: .referral, partner: "Legal Aid Dhaka", on: app.db) == .consented)
            #expect(try await service.consentDecision(for: worker, purpose: .referral, partner: "Shelter Home", on: app.db) == .refused(.otherPartnerOnly))
            #expect(try await service.consentDecision(for: worker, purpose: .statistics, on: app.db) == .refused(.neverGiven))

            let brand = try #require(try await WorkerConsent.query(on: app.db).filter(\.$purpose == "brand_disclosure").first())
            #expect(try await s.browser.post("/workers/\(worker.id!)/consents/\(brand.id!)/withdraw").status == .seeOther)
            if case .refused(.withdrawn) = try await service.consentDecision(for: worker, purpose: .brandDisclosure, on: app.db) {} else {
                Issue.record("withdrawn consent must refuse")
            }
            let list = try await app.testing().sendRequest(.GET, "/api/v1/workers/\(worker.id!)/consents", headers: headers)
            let consents = try list.content.decode([WorkersAPIController.ConsentDTO].self)
            #expect(consents.count == 2)
            #expect(consents.first { $0.purpose == "brand_disclosure" }?.withdrawn_on == today)
            let actions = try await AuditRecord.query(on: app.db).all().map(\.action)
            #expect(actions.filter { $0 == "consent.record" }.count == 2)
            #expect(actions.contains("consent.withdraw"))
        }
    }

    @Test(arguments: [Language.english, Language.bangla])
    func workerPagesRenderCompletely(language: Language) async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app, language: language)
            _ = try await intake(s)
            let worker = try #require(try await Worker.query(on: app.db).first())
            let pages: [(String, String)] = [("/workers", "workers.title"), ("/workers/new", "workers.new_title"),
                                             ("/workers/\(worker.id!)", "workers.detail_title"), ("/workers/\(worker.id!)/edit", "workers.edit_title")]
            for (path, titleKey) in pages {
                let response = try await s.browser.get(path)
                #expect(response.status == .ok, "\(path)")
                let html = response.text
                #expect(html.contains("<html lang=\"\(language.rawValue)\">"))
                #expect(html.contains("<title>\(app.catalog.string(titleKey, language)) · Songhoti</title>"), "\(path)")
                #expect(!html.contains("⟦") && !html.contains("#("), "\(path)")
                #expect(app.catalog.has(titleKey, in: language))
            }
            let detail = try await s.browser.get("/workers/\(worker.id!)")
            for key in ["consent.title", "consent.record", "consent.purpose.referral", "worker.field.full_name", "worker.sex.female"] {
                #expect(detail.text.contains(app.catalog.string(key, language)), "detail shows \(key)")
            }
        }
    }
}
