import Crypto
import Fluent
import Foundation
import SQLKit
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

@Suite("Cases: intake, workflow, restricted cases and break-glass")
struct CasesTests {
    struct Setting {
        let office: Office
        let caseworker: User
        let colleague: User
        let coordinator: User
        let browser: Browser
        let workers: [Worker]
    }

    func setting(_ app: Application, language: Language = .english) async throws -> Setting {
        let office = try await Fixtures.office(app)
        let caseworker = try await Fixtures.user(app, role: .caseworker, office: office.id, language: language)
        let colleague = try await Fixtures.user(app, role: .caseworker, office: office.id)
        let coordinator = try await Fixtures.user(app, role: .coordinator, office: office.id)
        let service = WorkerService(context: .commandLine(app))
        var workers: [Worker] = []
        for (index, name) in ["Rahima Begum", "Kulsum Akter", "Moyna Khatun"].enumerated() {
            workers.append(try await service.create(.init(fullName: name, phone: "0171100000\(index)", sex: "female", officeID: office.id),
                                                    principal: try caseworker.principal(), confirmedNew: false))
        }
        return Setting(office: office, caseworker: caseworker, colleague: colleague, coordinator: coordinator,
                       browser: try await Fixtures.session(app, for: caseworker), workers: workers)
    }

    func headers(_ token: String) -> HTTPHeaders {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        headers.contentType = .json
        return headers
    }

    @Test func openingACaseInTheBrowser() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let bad = try await s.browser.post("/cases", ["workers": "W-09999", "kind": "individual", "category": "unpaid_wages", "channel": "phone",
                                                         "urgency": "urgent", "office_id": s.office.id!.uuidString, "summary": "", "country": "BD"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("id=\"workers-error\"") && bad.text.contains("id=\"summary-error\""))
            #expect(bad.text.contains("value=\"W-09999\""))

            let year = Calendar(identifier: .gregorian).component(.year, from: Date())
            let created = try await s.browser.post("/cases", ["workers": "W-00001, W-00002", "kind": "collective", "category": "termination_benefits",
                                                             "channel": "whatsapp", "urgency": "urgent", "office_id": s.office.id!.uuidString,
                                                             "summary": "Factory closed without paying severance to 300 workers.",
                                                             "employer": "ABANTI COLOR TEX LTD.", "country": "bd", "incident_from": "2026-09-01"])
            #expect(created.status == .seeOther)
            let file = try #require(try await CaseFile.query(on: app.db).first())
            #expect(file.reference == "DHK-\(year)-00001")
            #expect(file.status == "new")
            #expect(!file.restricted)
            #expect(file.country == "BD")
            #expect(try await CaseWorkerLink.query(on: app.db).count() == 2)
            #expect(try await CaseAssignee.query(on: app.db).filter(\.$userID == s.caseworker.id!).count() == 1)
            #expect(abs(file.firstResponseDueAt.timeIntervalSince(file.createdAt!) - CaseUrgency.urgent.firstResponseTarget) < 5)

            // The same employer typed differently is the same factory record.
            _ = try await s.browser.post("/cases", ["workers": "W-00003", "kind": "individual", "category": "unpaid_wages", "channel": "phone",
                                                   "urgency": "standard", "office_id": s.office.id!.uuidString, "summary": "Unpaid overtime.",
                                                   "employer": "Abanti Color Tex Ltd", "country": "BD"])
            #expect(try await Factory.query(on: app.db).count() == 1)
            #expect(try await CaseFile.query(on: app.db).sort(\.$reference).all().map(\.reference).last == "DHK-\(year)-00002")

            let page = try await s.browser.get("/cases/\(file.id!)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Factory closed without paying severance"))
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "case.view").filter(\.$resourceID == file.id!.uuidString).count() == 1)
        }
    }

    @Test func workflowThroughTheAPI() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let token = try await Fixtures.apiToken(app, for: s.caseworker)
            let created = try await app.testing().sendRequest(.POST, "/api/v1/cases", headers: headers(token), body: ByteBuffer(string: """
                {"category":"unlawful_dismissal","channel":"phone","urgency":"emergency","summary":"Dismissed after joining the union.","workers":["W-00001"]}
                """))
            #expect(created.status == .created)
            let file = try created.content.decode(CasesAPIController.CaseDTO.self)
            #expect(file.office_id == s.office.id)
            func move(_ to: String, _ outcome: String? = nil, as token: String) async throws -> TestingHTTPResponse {
                let body = outcome.map { #"{"to":"\#(to)","outcome":"\#($0)"}"# } ?? #"{"to":"\#(to)"}"#
                return try await app.testing().sendRequest(.POST, "/api/v1/cases/\(file.id)/transitions", headers: headers(token), body: ByteBuffer(string: body))
            }
            #expect(try await move("resolved", as: token).status == .unprocessableEntity, "new cannot jump to resolved")
            #expect(try await move("triage", as: token).status == .ok)
            #expect(try await move("investigation", as: token).status == .ok)
            #expect(try await move("resolved", as: token).status == .ok)
            let noOutcome = try await move("closed", as: token)
            #expect(noOutcome.status == .unprocessableEntity)
            #expect(noOutcome.body.string.contains("outcome"))

            // With approval required, the caseworker's closure waits for a coordinator.
            let coordinatorBrowser = try await Fixtures.session(app, for: s.coordinator)
            #expect(try await coordinatorBrowser.post("/cases/settings", ["approval": "on"]).status == .seeOther)
            let requested = try await move("closed", "remedied_in_part", as: token)
            #expect(try requested.content.decode(CasesAPIController.TransitionDTO.self) == .init(status: "resolved", closure_requested: true))
            let coordinatorToken = try await Fixtures.apiToken(app, for: s.coordinator)
            let closed = try await move("closed", "remedied_in_part", as: coordinatorToken)
            #expect(try closed.content.decode(CasesAPIController.TransitionDTO.self) == .init(status: "closed", closure_requested: false))
            let final = try #require(try await CaseFile.find(file.id, on: app.db))
            #expect(final.outcome == "remedied_in_part")
            #expect(try await CaseTransition.query(on: app.db).filter(\.$caseID == file.id).count() == 4)
            // Reopening.
            #expect(try await move("investigation", as: token).status == .ok)
            #expect(try await CaseFile.find(file.id, on: app.db)?.outcome == nil)
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "case.reopen").count() == 1)

            let viewer = try await Fixtures.apiToken(app, for: try await Fixtures.user(app, role: .viewer, office: s.office.id))
            #expect(try await move("action", as: viewer).status == .forbidden)
        }
    }

    @Test func restrictedCasesNeedAReasonAndKeepTheirNarrativeSealed() async throws {
        try await withTestApp { app, environment in
            let s = try await setting(app)
            let created = try await s.browser.post("/cases", ["workers": "W-00001", "kind": "individual", "category": "gender_based_violence",
                                                             "channel": "walk_in", "urgency": "emergency", "office_id": s.office.id!.uuidString,
                                                             "summary": "Supervisor Karim harassed her in the finishing section.", "country": "BD"])
            #expect(created.status == .seeOther)
            let file = try #require(try await CaseFile.query(on: app.db).first())
            #expect(file.restricted, "gender-based violence is restricted by default")
            #expect(file.summary == nil && file.summarySealed != nil)

            // The assigned caseworker and the coordinator open it; a colleague must give a reason.
            #expect(try await s.browser.get("/cases/\(file.id!)").text.contains("Supervisor Karim"))
            #expect(try await Fixtures.session(app, for: s.coordinator).get("/cases/\(file.id!)").status == .ok)
            let colleague = try await Fixtures.session(app, for: s.colleague)
            #expect(try await colleague.get("/cases").text.contains(file.reference) == false, "not listed for a colleague")
            let blocked = try await colleague.get("/cases/\(file.id!)")
            #expect(blocked.status == .forbidden)
            #expect(!blocked.text.contains("Supervisor Karim"))
            #expect(blocked.text.contains("name=\"reason\""))
            #expect(try await colleague.post("/cases/\(file.id!)/access", ["reason": "short"]).status == .unprocessableEntity)
            #expect(try await colleague.post("/cases/\(file.id!)/access", ["reason": "Covering the hotline while Salma is on leave."]).status == .seeOther)
            let opened = try await colleague.get("/cases/\(file.id!)")
            #expect(opened.status == .ok && opened.text.contains("Supervisor Karim"))
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "case.break_glass").filter(\.$resourceID == file.id!.uuidString).count() == 1)
            // The reason is shown on the case to the assigned staff.
            #expect(try await s.browser.get("/cases/\(file.id!)").text.contains("Covering the hotline while Salma is on leave."))

            // Through the API the same rule holds.
            let viewerToken = try await Fixtures.apiToken(app, for: try await Fixtures.user(app, role: .viewer, office: s.office.id))
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/cases/\(file.id!)", headers: headers(viewerToken)).status == .forbidden)
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/cases/\(file.id!)/access", headers: headers(viewerToken),
                                                        body: ByteBuffer(string: #"{"reason":"Annual audit of case handling quality."}"#)).status == .noContent)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/cases/\(file.id!)", headers: headers(viewerToken)).status == .ok)

            // Neither the narrative nor the reason is stored in clear.
            if TestDatabase.isPostgres {
                let rows = try await app.db.sql.raw("SELECT cases::text AS row FROM cases UNION ALL SELECT case_access_reasons::text FROM case_access_reasons").all()
                let text = try rows.map { try $0.decode(column: "row", as: String.self) }.joined()
                #expect(!text.contains("Karim") && !text.contains("hotline"))
            } else {
                try await app.db.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
                var bytes = FileManager.default.contents(atPath: environment.directory + "songhoti.sqlite") ?? Data()
                bytes.append(FileManager.default.contents(atPath: environment.directory + "songhoti.sqlite-wal") ?? Data())
                #expect(bytes.range(of: Data("Karim".utf8)) == nil)
                #expect(bytes.range(of: Data("Covering the hotline".utf8)) == nil)
            }
        }
    }

    @Test func anotherOfficeCannotOpenACaseEvenWithAReason() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let file = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: s.office.id, category: "leave", channel: "phone", summary: "Earned leave refused.", workers: ["W-00001"]),
                principal: try s.caseworker.principal())
            let other = try await Fixtures.office(app, code: "CTG", name: "Chattogram")
            let outsider = try await Fixtures.session(app, for: try await Fixtures.user(app, role: .caseworker, office: other.id))
            #expect(try await outsider.get("/cases/\(file.id!)").status == .forbidden)
            #expect(try await outsider.post("/cases/\(file.id!)/access", ["reason": "I would like to see this case please."]).status == .forbidden)
            #expect(!(try await outsider.get("/cases").text.contains(file.reference)))
        }
    }

    @Test(arguments: [Language.english, Language.bangla])
    func casePagesRenderCompletely(language: Language) async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app, language: language)
            let file = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: s.office.id, category: "gender_based_violence", channel: "imo", summary: "Narrative.", workers: ["W-00001"]),
                principal: try s.caseworker.principal())
            var colleague = try await Fixtures.session(app, for: s.colleague)
            colleague.language = language.rawValue
            let colleagueUser = try #require(try await User.find(s.colleague.id, on: app.db))
            colleagueUser.language = language.rawValue
            try await colleagueUser.update(on: app.db)
            let coordinator = try #require(try await User.find(s.coordinator.id, on: app.db))
            coordinator.language = language.rawValue
            try await coordinator.update(on: app.db)
            let coordinatorBrowser = try await Fixtures.session(app, for: coordinator)
            let pages: [(Browser, String, String, HTTPStatus)] = [
                (s.browser, "/cases", "cases.title", .ok), (s.browser, "/cases/new", "cases.new_title", .ok),
                (s.browser, "/cases/\(file.id!)", "cases.detail_title", .ok), (colleague, "/cases/\(file.id!)", "cases.reason_title", .forbidden),
                (coordinatorBrowser, "/cases/settings", "cases.settings_title", .ok),
                (s.browser, "/work", "work.title", .ok), (coordinatorBrowser, "/work", "work.title", .ok),
                (s.browser, "/partners", "partners.title", .ok),
                (s.browser, "/cases/\(file.id!)/edit", "cases.edit_title", .ok),
                (s.browser, "/cases/\(file.id!)/workers/\(s.workers[0].id!)/edit", "claims.edit_title", .ok),
                (coordinatorBrowser, "/cases/totals", "totals.title", .ok),
                (s.browser, "/cases?q=narrative&status=new", "cases.title", .ok),
            ]
            for (browser, path, titleKey, status) in pages {
                let response = try await browser.get(path)
                #expect(response.status == status, "\(path)")
                let html = response.text
                #expect(html.contains("<html lang=\"\(language.rawValue)\">"), "\(path)")
                #expect(html.contains("<title>\(app.catalog.string(titleKey, language)) · Songhoti</title>"), "\(path)")
                #expect(!html.contains("⟦") && !html.contains("#("), "\(path)")
                #expect(app.catalog.has(titleKey, in: language))
            }
            let detail = try await s.browser.get("/cases/\(file.id!)").text
            for key in ["case.category.gender_based_violence", "case.status.new", "case.channel.imo", "case.restricted", "cases.move", "claims.title", "cases.edit_title"] {
                #expect(detail.contains(app.catalog.string(key, language)), "detail shows \(key)")
            }
            let list = try await s.browser.get("/cases?status=new").text
            for key in ["cases.search", "cases.search_hint", "cases.export", "cases.export_identifiers", "cases.filter_save", "cases.opened_from"] {
                #expect(list.contains(htmlEscaped(app.catalog.string(key, language))), "list shows \(key)")
            }
            let edit = try await s.browser.get("/cases/\(file.id!)/edit").text
            #expect(edit.contains(htmlEscaped(app.catalog.string("cases.restriction_locked", language))))
        }
    }
}

extension CasesAPIController.TransitionDTO: Equatable {
    public static func == (a: Self, b: Self) -> Bool { a.status == b.status && a.closure_requested == b.closure_requested }
}

@Suite("Case timeline")
struct CaseTimelineTests {
    @Test func entriesAreAddedEditedWithHistoryAndSealedWhenRestricted() async throws {
        try await withTestApp { app, environment in
            let office = try await Fixtures.office(app)
            let caseworker = try await Fixtures.user(app, role: .caseworker, office: office.id)
            let colleague = try await Fixtures.user(app, role: .caseworker, office: office.id)
            let worker = try await WorkerService(context: .commandLine(app)).create(.init(fullName: "Moyna", phone: "01711999888", officeID: office.id),
                                                                                     principal: try caseworker.principal(), confirmedNew: false)
            let file = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: office.id, category: "forced_labour_trafficking", channel: "phone", summary: "Passport held by the agent.", workers: [worker.code]),
                principal: try caseworker.principal())
            let browser = try await Fixtures.session(app, for: caseworker)
            let missing = try await browser.post("/cases/\(file.id!)/events", ["kind": "call", "body": "", "occurred_at": "2026-11-20T10:30"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.text.contains("id=\"body-error\""))
            #expect(try await browser.post("/cases/\(file.id!)/events", ["kind": "call", "body": "Spoke with the embassy labour attaché.", "occurred_at": "2026-11-20T10:30"]).status == .seeOther)
            let event = try #require(try await CaseEvent.query(on: app.db).first())
            #expect(event.body == nil && event.bodySealed != nil, "restricted case: sealed")
            #expect(try await browser.post("/cases/\(file.id!)/events/\(event.id!)", ["body": "Spoke with the embassy labour attaché; follow-up Friday."]).status == .seeOther)
            let page = try await browser.get("/cases/\(file.id!)").text
            #expect(page.contains("follow-up Friday"))
            #expect(page.contains("Spoke with the embassy labour attaché.</li>"), "earlier version kept and shown")

            // Someone else's entry cannot be edited by a colleague, even after breaking the glass.
            let other = try await Fixtures.session(app, for: colleague)
            #expect(try await other.post("/cases/\(file.id!)/access", ["reason": "Covering the hotline this week."]).status == .seeOther)
            #expect(try await other.post("/cases/\(file.id!)/events/\(event.id!)", ["body": "changed"]).status == .forbidden)

            let token = try await Fixtures.apiToken(app, for: caseworker)
            var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            headers.contentType = .json
            let added = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(file.id!)/events", headers: headers,
                                                             body: ByteBuffer(string: #"{"kind":"meeting","body":"Met the worker's family."}"#))
            #expect(added.status == .created)
            let list = try await app.testing().sendRequest(.GET, "/api/v1/cases/\(file.id!)/events", headers: headers)
            let entries = try list.content.decode([CasesAPIController.EventDTO].self)
            #expect(entries.count == 2)
            #expect(entries.first { $0.kind == "call" }?.previous_versions == ["Spoke with the embassy labour attaché."])

            if !TestDatabase.isPostgres {
                try await app.db.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
                var bytes = FileManager.default.contents(atPath: environment.directory + "songhoti.sqlite") ?? Data()
                bytes.append(FileManager.default.contents(atPath: environment.directory + "songhoti.sqlite-wal") ?? Data())
                #expect(bytes.range(of: Data("embassy".utf8)) == nil)
                #expect(bytes.range(of: Data("family".utf8)) == nil)
            } else {
                let rows = try await app.db.sql.raw("SELECT case_events::text AS row FROM case_events UNION ALL SELECT case_event_revisions::text FROM case_event_revisions").all()
                let text = try rows.map { try $0.decode(column: "row", as: String.self) }.joined()
                #expect(!text.contains("embassy") && !text.contains("family"))
            }
        }
    }
}

@Suite("Referrals: consent enforced, coordinator override audited")
struct ReferralTests {
    @Test func referralsFollowConsent() async throws {
        try await withTestApp { app, _ in
            let office = try await Fixtures.office(app)
            let caseworker = try await Fixtures.user(app, role: .caseworker, office: office.id)
            let coordinator = try await Fixtures.user(app, role: .coordinator, office: office.id)
            let workers = WorkerService(context: .commandLine(app))
            let worker = try await workers.create(.init(fullName: "Shirin", phone: "01711555444", officeID: office.id), principal: try caseworker.principal(), confirmedNew: false)
            let file = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: office.id, category: "unlawful_dismissal", channel: "phone", summary: "Dismissed for organising.", workers: [worker.code]),
                principal: try caseworker.principal())
            let coordinatorBrowser = try await Fixtures.session(app, for: coordinator)
            #expect(try await coordinatorBrowser.post("/partners", ["name": "Legal Aid Dhaka", "kind": "legal_aid", "contact": "+880 2 000000"]).status == .seeOther)
            #expect(try await coordinatorBrowser.post("/partners", ["name": "Safe Shelter", "kind": "shelter", "contact": ""]).status == .seeOther)
            let legalAid = try #require(try await Partner.query(on: app.db).filter(\.$name == "Legal Aid Dhaka").first())
            let shelter = try #require(try await Partner.query(on: app.db).filter(\.$name == "Safe Shelter").first())
            let browser = try await Fixtures.session(app, for: caseworker)
            let form = ["worker_id": worker.id!.uuidString, "partner_id": legalAid.id!.uuidString, "follow_up_on": "2026-12-01"]

            // No consent yet: refused, nothing recorded, the reason is on the page.
            let refused = try await browser.post("/cases/\(file.id!)/referrals", form)
            #expect(refused.status == .conflict)
            #expect(refused.text.contains(htmlEscaped(app.catalog.string("referral.error.no_consent", .english))))
            #expect(try await Referral.query(on: app.db).count() == 0)

            // The worker consents to referral to this partner (typed as people type it).
            _ = try await workers.recordConsent(.init(purpose: "referral", partner: "legal aid dhaka ", givenOn: CalendarDate.today(in: app.songhotiSettings.timeZone), method: "verbal"),
                                                for: worker, principal: try caseworker.principal())
            #expect(try await browser.post("/cases/\(file.id!)/referrals", form).status == .seeOther)
            #expect(try await Referral.query(on: app.db).count() == 1)

            // A different partner is still refused, and a caseworker cannot override.
            let token = try await Fixtures.apiToken(app, for: caseworker)
            var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            headers.contentType = .json
            let toShelter = #"{"worker_id":"\#(worker.id!)","partner_id":"\#(shelter.id!)","override_reason":"She has nowhere safe to sleep tonight at all."}"#
            let api = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(file.id!)/referrals", headers: headers, body: ByteBuffer(string: toShelter))
            #expect(api.status == .conflict)
            #expect(api.body.string.contains("Only a coordinator can refer without"))

            // A coordinator overrides with a written reason: recorded, marked, audited, reason sealed.
            let coordinatorToken = try await Fixtures.apiToken(app, for: coordinator)
            headers.replaceOrAdd(name: .authorization, value: "Bearer \(coordinatorToken)")
            let short = #"{"worker_id":"\#(worker.id!)","partner_id":"\#(shelter.id!)","override_reason":"urgent"}"#
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/cases/\(file.id!)/referrals", headers: headers, body: ByteBuffer(string: short)).status == .conflict)
            let overridden = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(file.id!)/referrals", headers: headers, body: ByteBuffer(string: toShelter))
            #expect(overridden.status == .created)
            #expect(try overridden.content.decode(CasesAPIController.ReferralDTO.self).consent_overridden)
            let stored = try #require(try await Referral.query(on: app.db).filter(\.$partnerID == shelter.id!).first())
            #expect(stored.overrideBy == coordinator.id)
            #expect(stored.overrideReason?.range(of: Data("nowhere safe".utf8)) == nil)
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "consent.override").filter(\.$resourceID == worker.id!.uuidString).count() == 1)

            // Status and feedback are tracked.
            let first = try #require(try await Referral.query(on: app.db).filter(\.$partnerID == legalAid.id!).first())
            #expect(try await browser.post("/cases/\(file.id!)/referrals/\(first.id!)", ["status": "accepted", "feedback": "Hearing booked."]).status == .seeOther)
            #expect(try await Referral.find(first.id, on: app.db)?.status == "accepted")
            let page = try await browser.get("/cases/\(file.id!)")
            #expect(page.text.contains("Hearing booked.") && page.text.contains(htmlEscaped(app.catalog.string("referral.overridden", .english))))
        }
    }
}

@Suite("Remedies and totals")
struct RemedyTests {
    @Test func promisedAndDeliveredTotalsPerCurrency() async throws {
        try await withTestApp { app, _ in
            let office = try await Fixtures.office(app)
            let caseworker = try await Fixtures.user(app, role: .caseworker, office: office.id)
            let workers = WorkerService(context: .commandLine(app))
            let a = try await workers.create(.init(fullName: "A", phone: "01711000101", officeID: office.id), principal: try caseworker.principal(), confirmedNew: false)
            let b = try await workers.create(.init(fullName: "B", phone: "01711000102", officeID: office.id), principal: try caseworker.principal(), confirmedNew: false)
            let file = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: office.id, kind: "collective", category: "termination_benefits", channel: "outreach", summary: "Closure without severance.", workers: [a.code, b.code]),
                principal: try caseworker.principal())
            let browser = try await Fixtures.session(app, for: caseworker)
            let base = ["kind": "severance_paid", "currency": "BDT", "on_date": "2026-11-01", "confirmed": "unknown", "note": ""]
            func post(_ extra: [String: String]) async throws -> TestingHTTPResponse {
                try await browser.post("/cases/\(file.id!)/remedies", base.merging(extra) { $1 })
            }
            #expect(try await post(["stage": "promised", "amount": "1,20,000", "worker_id": ""]).status == .seeOther)
            #expect(try await post(["stage": "delivered", "amount": "45,000.50", "worker_id": a.id!.uuidString, "confirmed": "yes"]).status == .seeOther)
            #expect(try await post(["stage": "delivered", "amount": "৩০,০০০", "worker_id": b.id!.uuidString]).status == .seeOther)
            let bad = try await post(["stage": "delivered", "amount": "12.345", "worker_id": ""])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("id=\"remedy-amount-error\""))
            #expect(try await post(["kind": "reinstatement", "stage": "delivered", "amount": "", "worker_id": a.id!.uuidString]).status == .seeOther)

            let token = try await Fixtures.apiToken(app, for: caseworker)
            var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            headers.contentType = .json
            let usd = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(file.id!)/remedies", headers: headers,
                                                           body: ByteBuffer(string: #"{"kind":"compensation","stage":"delivered","amount":"250.00","currency":"USD","on_date":"2026-11-10"}"#))
            #expect(usd.status == .created)
            let summary = try await app.testing().sendRequest(.GET, "/api/v1/cases/\(file.id!)/remedies", headers: headers).content.decode(CasesAPIController.RemediesDTO.self)
            #expect(summary.items.count == 5)
            #expect(summary.promised == ["BDT": 12_000_000])
            #expect(summary.delivered == ["BDT": 7_500_050, "USD": 25_000])
            let page = try await browser.get("/cases/\(file.id!)").text
            #expect(page.contains("BDT 75,000.50") && page.contains("USD 250.00") && page.contains("BDT 120,000.00"))
        }
    }
}

@Suite("Evidence attachments")
struct EvidenceTests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data("payslip photo of Rahima Begum".utf8)

    @Test func uploadedEncryptedWithChainOfCustodyAndDownloadedAsAttachment() async throws {
        try await withTestApp { app, environment in
            let office = try await Fixtures.office(app)
            let caseworker = try await Fixtures.user(app, role: .caseworker, office: office.id)
            let worker = try await WorkerService(context: .commandLine(app)).create(.init(fullName: "R", phone: "01711000201", officeID: office.id), principal: try caseworker.principal(), confirmedNew: false)
            let file = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: office.id, category: "unpaid_wages", channel: "walk_in", summary: "Wages unpaid.", workers: [worker.code]), principal: try caseworker.principal())
            let browser = try await Fixtures.session(app, for: caseworker)

            var (headers, body) = multipart(file: Self.png, filename: "rahima-payslip.png", contentType: "image/png", fields: ["csrf_token": browser.csrf!])
            let uploaded = try await app.testing().sendRequest(.POST, "/cases/\(file.id!)/attachments", headers: browser.headers(headers), body: body)
            #expect(uploaded.status == .seeOther)
            let attachment = try #require(try await Attachment.query(on: app.db).first())
            #expect(attachment.mediaType == "image/png")
            #expect(attachment.uploadedBy == caseworker.id)
            #expect(attachment.sha256 == SHA256Hex.of(Self.png))
            let stored = try #require(FileManager.default.contents(atPath: environment.directory + "evidence/" + attachment.id!.uuidString.lowercased() + ".sealed"))
            #expect(stored.range(of: Data("Rahima".utf8)) == nil, "stored encrypted")

            // A script renamed to .png is refused: the bytes decide.
            (headers, body) = multipart(file: Data("#!/bin/sh\nrm -rf /\n".utf8), filename: "photo.png", contentType: "image/png", fields: ["csrf_token": browser.csrf!])
            let script = try await app.testing().sendRequest(.POST, "/cases/\(file.id!)/attachments", headers: browser.headers(headers), body: body)
            #expect(script.status == .unprocessableEntity)
            #expect(script.text.contains("id=\"evidence-error\""))
            // Without the CSRF token nothing is stored.
            (headers, body) = multipart(file: Self.png, filename: "x.png", contentType: "image/png")
            #expect(try await app.testing().sendRequest(.POST, "/cases/\(file.id!)/attachments", headers: browser.headers(headers), body: body).status == .forbidden)
            #expect(try await Attachment.query(on: app.db).count() == 1)

            let download = try await browser.get("/cases/\(file.id!)/attachments/\(attachment.id!)")
            #expect(download.status == .ok)
            #expect(Data(download.body.readableBytesView) == Self.png)
            #expect(download.headers.first(name: .contentType) == "application/octet-stream")
            #expect(download.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            #expect(download.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "attachment.download").count() == 1)
            #expect(try await browser.get("/cases/\(file.id!)").text.contains("rahima-payslip.png"))

            // Through the API.
            let token = try await Fixtures.apiToken(app, for: caseworker)
            (headers, body) = multipart(file: Data("%PDF-1.4 letter".utf8), filename: "letter.pdf", contentType: "application/pdf")
            headers.add(name: .authorization, value: "Bearer \(token)")
            let api = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(file.id!)/attachments", headers: headers, body: body)
            #expect(api.status == .created)
            #expect(try api.content.decode(CasesAPIController.AttachmentDTO.self).media_type == "application/pdf")
        }
    }
}

enum SHA256Hex {
    static func of(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
}

@Suite("My work and tasks")
struct MyWorkTests {
    @Test func resolvingSchedulesRetaliationChecksAndMyWorkShowsWhatIsDue() async throws {
        try await withTestApp { app, _ in
            let office = try await Fixtures.office(app)
            let caseworker = try await Fixtures.user(app, role: .caseworker, office: office.id)
            let coordinator = try await Fixtures.user(app, role: .coordinator, office: office.id)
            let worker = try await WorkerService(context: .commandLine(app)).create(.init(fullName: "N", phone: "01711000301", officeID: office.id), principal: try caseworker.principal(), confirmedNew: false)
            let service = CaseService(context: .commandLine(app))
            let fresh = try await service.create(.init(officeID: office.id, category: "leave", channel: "sms", urgency: "emergency", summary: "Leave refused.", workers: [worker.code]),
                                                 principal: try caseworker.principal(), now: Date().addingTimeInterval(-3 * 3600))
            let quiet = try await service.create(.init(officeID: office.id, category: "leave", channel: "sms", summary: "Old case.", workers: [worker.code]),
                                                 principal: try caseworker.principal())
            _ = try await service.transition(quiet, to: "triage", outcome: nil, principal: try caseworker.principal())
            // Nothing has happened on this case for three weeks.
            try await app.db.sql.raw("UPDATE cases SET updated_at = \(bind: Date().addingTimeInterval(-21 * 86_400)), created_at = \(bind: Date().addingTimeInterval(-30 * 86_400)) WHERE id = \(bind: quiet.id!)").run()

            let resolved = try await service.create(.init(officeID: office.id, category: "unpaid_wages", channel: "phone", summary: "Paid after letters.", workers: [worker.code]),
                                                    principal: try caseworker.principal())
            for status in ["triage", "investigation", "resolved"] {
                _ = try await service.transition(resolved, to: status, outcome: nil, principal: try caseworker.principal())
            }
            let checks = try await CaseTask.query(on: app.db).filter(\.$caseID == resolved.id!).filter(\.$kind == "retaliation_check").sort(\.$dueOn).all()
            #expect(checks.count == 2)
            let today = Date()
            #expect(checks.map(\.dueOn) == [CalendarDate.format(today.addingTimeInterval(30 * 86_400)), CalendarDate.format(today.addingTimeInterval(90 * 86_400))])
            #expect(checks.allSatisfy { $0.assigneeID == caseworker.id })

            let browser = try await Fixtures.session(app, for: caseworker)
            #expect(try await browser.post("/cases/\(fresh.id!)/tasks", ["title": "Call the worker back about the leave letter", "due_on": "2026-01-05"]).status == .seeOther)
            let page = try await browser.get("/work")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains(fresh.reference), "new case listed")
            #expect(html.contains(htmlEscaped(app.catalog.string("work.past_target", .english))))
            #expect(html.contains("Call the worker back about the leave letter"))
            #expect(html.contains(app.catalog.string("work.overdue", .english)))
            #expect(html.contains(quiet.reference), "quiet case listed")

            let token = try await Fixtures.apiToken(app, for: caseworker)
            let tasks = try await app.testing().sendRequest(.GET, "/api/v1/tasks?assignee=me", headers: ["Authorization": "Bearer \(token)"])
            let list = try tasks.content.decode([TasksAPIController.TaskDTO].self)
            #expect(list.count == 3)
            #expect(list.first?.title == "Call the worker back about the leave letter", "soonest first")

            let task = try #require(try await CaseTask.query(on: app.db).filter(\.$kind == "follow_up").first())
            #expect(try await browser.post("/tasks/\(task.id!)/done").status == .seeOther)
            #expect(try await CaseTask.find(task.id, on: app.db)?.doneAt != nil)

            // The coordinator sees the office, including a referral past its follow-up date.
            let partner = Partner()
            partner.name = "Legal Aid"; partner.kind = "legal_aid"; partner.contact = ""; partner.active = true
            try await partner.create(on: app.db)
            _ = try await ReferralService(context: .commandLine(app)).refer(file: fresh, workerID: worker.id!, partnerID: partner.id!, followUpOn: "2026-01-01",
                                                                            overrideReason: "Immediate danger: no time to wait for consent.", principal: try coordinator.principal())
            let coordinatorPage = try await Fixtures.session(app, for: coordinator).get("/work").text
            #expect(coordinatorPage.contains(app.catalog.string("work.overdue_referrals", .english)))
            #expect(coordinatorPage.contains(fresh.reference) && coordinatorPage.contains(quiet.reference))
        }
    }
}
