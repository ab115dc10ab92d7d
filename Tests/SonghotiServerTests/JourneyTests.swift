import Fluent
import Foundation
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

/// The issue's whole story, once in the browser in Bangla and once through the API: a known worker calls, is
/// found by phone number, a case is opened, notes and evidence added, a referral made with consent, the status
/// moved on, a payment recorded and the case closed with an outcome.
@Suite("A worker's call from intake to remedy")
struct JourneyTests {
    struct Setting {
        let office: Office
        let caseworker: User
        let worker: Worker
        let partner: Partner
    }

    func setting(_ app: Application) async throws -> Setting {
        let office = try await Fixtures.office(app)
        let caseworker = try await Fixtures.user(app, role: .caseworker, office: office.id, language: .bangla)
        let service = WorkerService(context: .commandLine(app))
        let worker = try await service.create(.init(fullName: "রহিমা বেগম", phone: "01711-123456", sex: "female", officeID: office.id),
                                              principal: try caseworker.principal(), confirmedNew: false)
        for (purpose, partner) in [("case_handling", ""), ("referral", "Legal Aid Trust")] {
            _ = try await service.recordConsent(.init(purpose: purpose, partner: partner, givenOn: "2026-11-01", method: "verbal"), for: worker, principal: try caseworker.principal())
        }
        let partner = Partner()
        partner.name = "Legal Aid Trust"; partner.kind = "legal_aid"; partner.contact = "+880 1700 000000"; partner.active = true
        try await partner.create(on: app.db)
        return Setting(office: office, caseworker: caseworker, worker: worker, partner: partner)
    }

    static func localNow(_ app: Application) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = app.songhotiSettings.timeZone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: Date().addingTimeInterval(-60))
    }

    @Test func inTheBrowserInBangla() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            var browser = try await Fixtures.session(app, for: s.caseworker)
            browser.language = "bn"
            // The caller gives her number the international way, in Bangla digits: she is already known.
            let lookup = try await browser.get("/workers?q=" + "+৮৮০ ১৭১১ ১২৩৪৫৬".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(lookup.text.contains(s.worker.code) && lookup.text.contains("<html lang=\"bn\">"))

            let opened = try await browser.post("/cases", ["workers": s.worker.code, "kind": "individual", "category": "unpaid_wages", "channel": "phone",
                                                           "urgency": "urgent", "office_id": s.office.id!.uuidString, "summary": "তিন মাসের মজুরি বকেয়া।",
                                                           "employer": "Abanti Color Tex", "country": "BD"])
            #expect(opened.status == .seeOther)
            let file = try #require(try await CaseFile.query(on: app.db).first())
            let id = file.id!
            #expect(try await browser.post("/cases/\(id)/events", ["kind": "call", "body": "শ্রমিক বেতনের স্লিপ আনবেন।",
                                                                  "occurred_at": Self.localNow(app)]).status == .seeOther)
            let (headers, body) = multipart(file: EvidenceTests.png, filename: "payslip.png", contentType: "image/png", fields: ["csrf_token": browser.csrf!])
            #expect(try await app.testing().sendRequest(.POST, "/cases/\(id)/attachments", headers: browser.headers(headers), body: body).status == .seeOther)
            #expect(try await browser.post("/cases/\(id)/referrals", ["worker_id": s.worker.id!.uuidString, "partner_id": s.partner.id!.uuidString,
                                                                     "follow_up_on": "2026-12-15"]).status == .seeOther)
            for status in ["triage", "investigation", "action"] {
                #expect(try await browser.post("/cases/\(id)/transitions", ["to": status]).status == .seeOther)
            }
            #expect(try await browser.post("/cases/\(id)/remedies", ["kind": "wages_paid", "stage": "delivered", "amount": "৩৬,০০০", "currency": "BDT",
                                                                    "on_date": "2026-11-20", "confirmed": "yes", "worker_id": s.worker.id!.uuidString, "note": ""]).status == .seeOther)
            #expect(try await browser.post("/cases/\(id)/transitions", ["to": "resolved"]).status == .seeOther)
            #expect(try await browser.post("/cases/\(id)/transitions", ["to": "closed", "outcome": ""]).status == .unprocessableEntity)
            #expect(try await browser.post("/cases/\(id)/transitions", ["to": "closed", "outcome": "remedied_in_full"]).status == .seeOther)

            let closed = try #require(try await CaseFile.find(id, on: app.db))
            #expect(closed.status == "closed" && closed.outcome == "remedied_in_full")
            let page = try await browser.get("/cases/\(id)")
            #expect(page.text.contains(app.catalog.string("case.status.closed", .bangla)))
            #expect(page.text.contains("শ্রমিক বেতনের স্লিপ আনবেন।") && page.text.contains("payslip.png") && page.text.contains("Legal Aid Trust"))
            #expect(page.text.contains("BDT ৩৬,০০০.০০"))
            #expect(try await CaseTask.query(on: app.db).filter(\.$caseID == id).count() == 2, "retaliation check-ins at 30 and 90 days")
        }
    }

    @Test func throughTheAPI() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let headers = try await CaseListSetting.headers(app, s.caseworker)
            func send(_ method: HTTPMethod, _ path: String, _ json: String? = nil) async throws -> TestingHTTPResponse {
                try await app.testing().sendRequest(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
            }
            let found = try await send(.GET, "/api/v1/workers?phone=%2B8801711123456")
            #expect(found.status == .ok && found.body.string.contains(s.worker.code))
            let created = try await send(.POST, "/api/v1/cases", #"{"category":"unpaid_wages","channel":"phone","urgency":"urgent","summary":"তিন মাসের মজুরি বকেয়া।","workers":["\#(s.worker.code)"]}"#)
            #expect(created.status == .created)
            let id = try created.content.decode(CasesAPIController.CaseDTO.self).id
            #expect(try await send(.POST, "/api/v1/cases/\(id)/events", #"{"kind":"note","body":"Pay slips received."}"#).status == .created)
            let (multipartHeaders, body) = multipart(file: EvidenceTests.png, filename: "payslip.png", contentType: "image/png")
            var upload = multipartHeaders
            upload.add(contentsOf: headers.filter { $0.name.lowercased() == "authorization" })
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/cases/\(id)/attachments", headers: upload, body: body).status == .created)
            #expect(try await send(.POST, "/api/v1/cases/\(id)/referrals", #"{"worker_id":"\#(s.worker.id!)","partner_id":"\#(s.partner.id!)"}"#).status == .created)
            for status in ["triage", "investigation", "action"] {
                #expect(try await send(.POST, "/api/v1/cases/\(id)/transitions", #"{"to":"\#(status)"}"#).status == .ok)
            }
            #expect(try await send(.POST, "/api/v1/cases/\(id)/remedies", #"{"kind":"wages_paid","stage":"delivered","amount":"36000","currency":"BDT","on_date":"2026-11-20","worker_id":"\#(s.worker.id!)","confirmed_by_worker":"yes"}"#).status == .created)
            #expect(try await send(.POST, "/api/v1/cases/\(id)/transitions", #"{"to":"resolved"}"#).status == .ok)
            let refused = try await send(.POST, "/api/v1/cases/\(id)/transitions", #"{"to":"closed"}"#)
            #expect(refused.status == .unprocessableEntity && refused.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            let done = try await send(.POST, "/api/v1/cases/\(id)/transitions", #"{"to":"closed","outcome":"remedied_in_full"}"#)
            #expect(try done.content.decode(CasesAPIController.TransitionDTO.self).status == "closed")
            let remedies = try await send(.GET, "/api/v1/cases/\(id)/remedies").content.decode(CasesAPIController.RemediesDTO.self)
            #expect(remedies.delivered == ["BDT": 3_600_000])
            let tasks = try await send(.GET, "/api/v1/tasks?assignee=me")
            #expect(tasks.status == .ok)
        }
    }
}
