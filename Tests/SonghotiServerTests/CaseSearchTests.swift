import Fluent
import Foundation
import SQLKit
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

/// Shared setting for the case list, search, editing, claims and export tests.
struct CaseListSetting {
    let office: Office
    let caseworker: User
    let colleague: User
    let coordinator: User
    let workers: [Worker]
    let headers: HTTPHeaders

    static func make(_ app: Application) async throws -> CaseListSetting {
        let office = try await Fixtures.office(app)
        let caseworker = try await Fixtures.user(app, role: .caseworker, office: office.id)
        let colleague = try await Fixtures.user(app, role: .caseworker, office: office.id)
        let coordinator = try await Fixtures.user(app, role: .coordinator, office: office.id)
        let service = WorkerService(context: .commandLine(app))
        var workers: [Worker] = []
        for (index, name) in ["Rahima Begum", "কুলসুম আক্তার", "Moyna Khatun"].enumerated() {
            workers.append(try await service.create(.init(fullName: name, phone: "0171200000\(index)", sex: "female", officeID: office.id),
                                                    principal: try caseworker.principal(), confirmedNew: false))
        }
        return CaseListSetting(office: office, caseworker: caseworker, colleague: colleague, coordinator: coordinator, workers: workers,
                               headers: try await Self.headers(app, caseworker))
    }

    static func headers(_ app: Application, _ user: User) async throws -> HTTPHeaders {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(try await Fixtures.apiToken(app, for: user))"]
        headers.contentType = .json
        return headers
    }

    func open(_ app: Application, summary: String, by user: User? = nil, category: String = "unpaid_wages", kind: String = "individual",
              workers: [Worker]? = nil, restricted: Bool = false, urgency: String = "standard", employer: String = "") async throws -> CaseFile {
        try await CaseService(context: .commandLine(app)).create(
            .init(officeID: office.id, kind: kind, category: category, channel: "phone", urgency: urgency, summary: summary, restricted: restricted,
                  workers: (workers ?? [self.workers[0]]).map(\.code), employer: employer),
            principal: try (user ?? caseworker).principal())
    }
}

extension TestingHTTPResponse {
    func page<T: Decodable>(_ type: T.Type = PageDTO<CasesAPIController.CaseDTO>.self) throws -> T { try content.decode(T.self) }
}

@Suite("Case search and lists")
struct CaseSearchTests {
    func references(_ app: Application, _ query: String, headers: HTTPHeaders) async throws -> [String] {
        let response = try await app.testing().sendRequest(.GET, "/api/v1/cases?" + query, headers: headers)
        #expect(response.status == .ok, "\(query): \(response.body.string)")
        return try response.page().items.map(\.reference).sorted()
    }

    @Test func wordsInEnglishAndBanglaFindCasesButNeverRestrictedNarratives() async throws {
        try await withTestApp { app, _ in
            let s = try await CaseListSetting.make(app)
            let wages = try await s.open(app, summary: "Three months of unpaid wages at the dyeing section.", employer: "Abanti Color Tex")
            let bangla = try await s.open(app, summary: "শ্রমিকেরা তিন মাসের মজুরি পায়নি।", workers: [s.workers[1]])
            let harassment = try await s.open(app, summary: "Supervisor harassment after the wages protest.", category: "gender_based_violence", workers: [s.workers[2]])
            #expect(harassment.restricted)
            _ = try await CaseTimeline(context: .commandLine(app)).add(to: bangla, kind: "call", body: "Called the buyer's compliance officer.", occurredAt: Date(),
                                                                        principal: try s.caseworker.principal())

            // Prefix terms in both scripts; the timeline and the employer are searched with the summary.
            #expect(try await references(app, "q=wag", headers: s.headers) == [wages.reference])
            #expect(try await references(app, "q=" + "মজু".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, headers: s.headers) == [bangla.reference])
            #expect(try await references(app, "q=compliance", headers: s.headers) == [bangla.reference])
            #expect(try await references(app, "q=abanti", headers: s.headers) == [wages.reference])
            #expect(try await references(app, "q=unpaid%20dyeing", headers: s.headers) == [wages.reference])
            #expect(try await references(app, "q=nothing-like-this", headers: s.headers).isEmpty)

            // The restricted narrative is not in the index at all, so its words find nothing, even for its assignee.
            #expect(try await CaseSearchIndex.isIndexed(harassment.id!, on: app.db) == false)
            #expect(try await CaseSearchIndex.isIndexed(wages.id!, on: app.db))
            #expect(try await references(app, "q=supervisor", headers: s.headers).isEmpty)
            let rows = try await (app.db as! any SQLDatabase).raw("SELECT body FROM case_search_docs").all().map { try $0.decode(column: "body", as: String.self) }
            #expect(rows.filter { !$0.isEmpty }.count == 2 && !rows.joined().contains("Supervisor"))
            // …but its reference and its worker's code do.
            #expect(try await references(app, "q=\(harassment.reference)", headers: s.headers) == [harassment.reference])
            #expect(try await references(app, "q=\(s.workers[2].code)", headers: s.headers) == [harassment.reference])

            // A colleague who is not assigned never sees the restricted case: not by code, reference, filter or count.
            let colleague = try await CaseListSetting.headers(app, s.colleague)
            #expect(try await references(app, "q=\(harassment.reference)", headers: colleague).isEmpty)
            #expect(try await references(app, "category=gender_based_violence", headers: colleague).isEmpty)
            #expect(try await references(app, "", headers: colleague).count == 2)
            let browser = try await Fixtures.session(app, for: s.colleague)
            let listPage = try await browser.get("/cases?q=\(s.workers[2].code)")
            #expect(listPage.status == .ok && !listPage.text.contains(harassment.reference))
            // The coordinator sees it in lists.
            let coordinator = try await CaseListSetting.headers(app, s.coordinator)
            #expect(try await references(app, "category=gender_based_violence", headers: coordinator) == [harassment.reference])

            // Search results in the browser carry an excerpt of ordinary narratives only.
            let owner = try await Fixtures.session(app, for: s.caseworker)
            let found = try await owner.get("/cases?q=wages")
            #expect(found.text.contains("Three months of unpaid wages"))
            #expect(!found.text.contains("Supervisor harassment"))
        }
    }

    @Test func filtersAndKeysetPagesWithTiesOnTime() async throws {
        try await withTestApp { app, _ in
            let s = try await CaseListSetting.make(app)
            var opened: [CaseFile] = []
            for index in 0..<7 {
                opened.append(try await s.open(app, summary: "Case number \(index)", by: index < 4 ? s.caseworker : s.colleague,
                                               urgency: index.isMultiple(of: 2) ? "urgent" : "standard", employer: index == 6 ? "Rupa Knit" : ""))
            }
            // Five cases opened at the same instant: pages must break the tie by id, missing none and repeating none.
            let instant = Date(timeIntervalSince1970: 1_790_000_000)
            let sql = app.db as! any SQLDatabase
            for file in opened.prefix(5) { try await sql.raw("UPDATE cases SET created_at = \(bind: instant) WHERE id = \(bind: file.id!)").run() }
            let coordinator = try await CaseListSetting.headers(app, s.coordinator)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let response = try await app.testing().sendRequest(.GET, "/api/v1/cases?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), headers: coordinator)
                let page = try response.page()
                #expect(page.items.count <= 2)
                seen += page.items.map(\.reference)
                cursor = page.next_cursor
            } while cursor != nil
            #expect(seen.count == 7 && Set(seen).count == 7, "\(seen)")

            #expect(try await references(app, "urgency=urgent", headers: coordinator).count == 4)
            #expect(try await references(app, "assignee=me", headers: s.headers).count == 4)
            #expect(try await references(app, "assignee=\(s.colleague.id!)", headers: coordinator).count == 3)
            #expect(try await references(app, "factory=\(opened[6].factoryID!)", headers: coordinator) == [opened[6].reference])
            #expect(try await references(app, "status=new&urgency=standard", headers: coordinator).count == 3)
            let today = CalendarDate.today(in: app.songhotiSettings.timeZone)
            #expect(try await references(app, "from=\(today)", headers: coordinator).count == 2)
            #expect(try await references(app, "to=2026-09-30", headers: coordinator).count == 5)

            // Bad filters are named, not ignored.
            let bad = try await app.testing().sendRequest(.GET, "/api/v1/cases?status=lost&from=yesterday", headers: coordinator)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(bad.body.string.contains("\"status\"") && bad.body.string.contains("\"from\""))
            let browser = try await Fixtures.session(app, for: s.coordinator)
            let page = try await browser.get("/cases?from=31-12-2026&q=abc")
            #expect(page.status == .badRequest)
            #expect(page.text.contains("id=\"from-error\"") && page.text.contains("value=\"abc\""))
            let stale = try await app.testing().sendRequest(.GET, "/api/v1/cases?cursor=bm9wZQ", headers: coordinator)
            #expect(stale.status == .unprocessableEntity)

            // The browser's next-page link carries the filters.
            var next = try await browser.get("/cases?urgency=urgent")
            #expect(next.status == .ok)
            #expect(!next.text.contains("/cases?urgency=urgent&amp;after="))
            for file in opened { _ = file }
            for index in 0..<50 { _ = try await s.open(app, summary: "Bulk \(index)", urgency: "urgent") }
            next = try await browser.get("/cases?urgency=urgent")
            #expect(next.text.contains("/cases?urgency=urgent&amp;after="))

            // Word searches page through the index the same way: every match once.
            var found: [String] = []
            cursor = nil
            repeat {
                let response = try await app.testing().sendRequest(.GET, "/api/v1/cases?q=bulk&limit=20" + (cursor.map { "&cursor=\($0)" } ?? ""), headers: coordinator)
                let page = try response.page()
                found += page.items.map(\.reference)
                cursor = page.next_cursor
            } while cursor != nil
            #expect(found.count == 50 && Set(found).count == 50)
            #expect(found == found.sorted(by: >), "newest first")
        }
    }

    @Test func savedFiltersInTheBrowserAndTheAPI() async throws {
        try await withTestApp { app, _ in
            let s = try await CaseListSetting.make(app)
            let browser = try await Fixtures.session(app, for: s.caseworker)
            let empty = try await browser.post("/cases/filters", ["name": "Nothing"])
            #expect(empty.status == .unprocessableEntity && empty.text.contains("id=\"name-error\""))
            let saved = try await browser.post("/cases/filters?status=new&q=" + "মজুরি".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, ["name": "নতুন মজুরি"])
            #expect(saved.status == .seeOther)
            let list = try await browser.get("/cases")
            #expect(list.text.contains("নতুন মজুরি"))
            let filter = try #require(try await SavedFilter.query(on: app.db).first())
            #expect(CaseFilter(queryString: filter.query) == { var f = CaseFilter(); f.status = "new"; f.q = "মজুরি"; return f }())

            // Someone else cannot remove it.
            let other = try await Fixtures.session(app, for: s.colleague)
            #expect(try await other.post("/cases/filters/\(filter.id!)/delete").status == .notFound)
            #expect(try await browser.post("/cases/filters/\(filter.id!)/delete").status == .seeOther)
            #expect(try await SavedFilter.query(on: app.db).count() == 0)

            let created = try await app.testing().sendRequest(.POST, "/api/v1/cases/filters", headers: s.headers,
                                                               body: ByteBuffer(string: #"{"name":"Urgent","query":"urgency=urgent"}"#))
            #expect(created.status == .created)
            let dto = try created.content.decode(CasesAPIController.SavedFilterDTO.self)
            let mine = try await app.testing().sendRequest(.GET, "/api/v1/cases/filters", headers: s.headers).content.decode([CasesAPIController.SavedFilterDTO].self)
            #expect(mine.map(\.name) == ["Urgent"])
            let theirs = try await app.testing().sendRequest(.GET, "/api/v1/cases/filters", headers: try await CaseListSetting.headers(app, s.colleague))
            #expect(try theirs.content.decode([CasesAPIController.SavedFilterDTO].self).isEmpty)
            #expect(try await app.testing().sendRequest(.DELETE, "/api/v1/cases/filters/\(dto.id)", headers: s.headers).status == .noContent)
        }
    }
}

@Suite("Editing cases: facts, assignment, restriction")
struct CaseEditingTests {
    @Test func editingKeepsTheIndexInStepAndRestrictionResealsEverything() async throws {
        try await withTestApp { app, _ in
            let s = try await CaseListSetting.make(app)
            let file = try await s.open(app, summary: "Unpaid overtime in the finishing section.")
            _ = try await CaseTimeline(context: .commandLine(app)).add(to: file, kind: "note", body: "Worker afraid of the line chief.", occurredAt: Date(),
                                                                        principal: try s.caseworker.principal())
            let patch = try await app.testing().sendRequest(.PATCH, "/api/v1/cases/\(file.id!)", headers: s.headers,
                                                             body: ByteBuffer(string: #"{"summary":"Unpaid overtime and night allowance.","urgency":"urgent"}"#))
            #expect(patch.status == .ok)
            let search = { (q: String) async throws -> Int in
                try await app.testing().sendRequest(.GET, "/api/v1/cases?q=\(q)", headers: s.headers).page().items.count
            }
            #expect(try await search("allowance") == 1)
            #expect(try await search("finishing") == 0)

            // A caseworker restricts: the summary, the timeline and the claims are sealed and the case leaves the index.
            _ = try await app.testing().sendRequest(.PATCH, "/api/v1/cases/\(file.id!)/workers/\(s.workers[0].id!)", headers: s.headers,
                                                     body: ByteBuffer(string: #"{"claim":"Overtime for August"}"#))
            let item = try await RemedyService(context: .commandLine(app)).record(.init(kind: "apology", stage: "promised", onDate: "2026-11-01", note: "Owner apologised to her in the canteen."),
                                                                                   on: file, principal: try s.caseworker.principal())
            let partner = Partner()
            partner.name = "Legal Aid Trust"; partner.kind = "legal_aid"; partner.contact = ""; partner.active = true
            try await partner.create(on: app.db)
            let referral = try await ReferralService(context: .commandLine(app)).refer(file: file, workerID: s.workers[0].id!, partnerID: partner.id!, followUpOn: "",
                                                                                     overrideReason: "Hearing is tomorrow and she cannot be reached today.", principal: try s.coordinator.principal())
            try await ReferralService(context: .commandLine(app)).update(referral, of: file, status: "accepted", feedback: "Lawyer met her at home.")
            let restrict = try await app.testing().sendRequest(.PATCH, "/api/v1/cases/\(file.id!)", headers: s.headers, body: ByteBuffer(string: #"{"restricted":true}"#))
            #expect(restrict.status == .ok)
            let sealed = try #require(try await CaseFile.find(file.id!, on: app.db))
            #expect(sealed.restricted && sealed.summary == nil && sealed.summarySealed != nil)
            let event = try #require(try await CaseEvent.query(on: app.db).filter(\.$caseID == file.id!).first())
            #expect(event.body == nil && event.bodySealed != nil)
            let link = try #require(try await CaseWorkerLink.query(on: app.db).filter(\.$caseID == file.id!).first())
            #expect(link.claim.isEmpty && link.claimSealed != nil)
            let sealedItem = try #require(try await RemedyItem.find(item.id!, on: app.db))
            #expect(sealedItem.note.isEmpty && sealedItem.noteSealed != nil)
            let sealedReferral = try #require(try await Referral.find(referral.id!, on: app.db))
            #expect(sealedReferral.feedback.isEmpty && sealedReferral.feedbackSealed != nil)
            let remedies = try await app.testing().sendRequest(.GET, "/api/v1/cases/\(file.id!)/remedies", headers: s.headers).content.decode(CasesAPIController.RemediesDTO.self)
            #expect(remedies.items.first?.note == "Owner apologised to her in the canteen.")
            #expect(try await CaseSearchIndex.isIndexed(file.id!, on: app.db) == false)
            #expect(try await search("allowance") == 0)
            let shown = try await app.testing().sendRequest(.GET, "/api/v1/cases/\(file.id!)", headers: s.headers).content.decode(CasesAPIController.CaseDTO.self)
            #expect(shown.summary == "Unpaid overtime and night allowance.")
            let claims = try await app.testing().sendRequest(.GET, "/api/v1/cases/\(file.id!)/workers", headers: s.headers).content.decode(CasesAPIController.ClaimsDTO.self)
            #expect(claims.items.first?.claim == "Overtime for August")

            // Only a coordinator lifts it, and then everything is back in clear and in the index.
            let refused = try await app.testing().sendRequest(.PATCH, "/api/v1/cases/\(file.id!)", headers: s.headers, body: ByteBuffer(string: #"{"restricted":false}"#))
            #expect(refused.status == .forbidden)
            let coordinator = try await CaseListSetting.headers(app, s.coordinator)
            let lifted = try await app.testing().sendRequest(.PATCH, "/api/v1/cases/\(file.id!)", headers: coordinator, body: ByteBuffer(string: #"{"restricted":false}"#))
            #expect(lifted.status == .ok)
            #expect(try await CaseEvent.query(on: app.db).filter(\.$caseID == file.id!).first()?.body == "Worker afraid of the line chief.")
            #expect(try await search("allowance") == 1)
            #expect(try await Referral.find(referral.id!, on: app.db)?.feedback == "Lawyer met her at home.")
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action ~~ ["case.restrict", "case.unrestrict"]).count() == 2)
        }
    }

    @Test func onlyCoordinatorsAssignAndTheWebFormComesBackFilledIn() async throws {
        try await withTestApp { app, _ in
            let s = try await CaseListSetting.make(app)
            let file = try await s.open(app, summary: "Dismissed after joining the union.", category: "freedom_of_association")
            let body = ByteBuffer(string: #"{"assignee_ids":["\#(s.colleague.id!)"]}"#)
            #expect(try await app.testing().sendRequest(.PATCH, "/api/v1/cases/\(file.id!)", headers: s.headers, body: body).status == .forbidden)
            let coordinator = try await CaseListSetting.headers(app, s.coordinator)
            let assigned = try await app.testing().sendRequest(.PATCH, "/api/v1/cases/\(file.id!)", headers: coordinator, body: body)
            #expect(assigned.status == .ok)
            #expect(try assigned.content.decode(CasesAPIController.CaseDTO.self).assignee_ids == [s.colleague.id!])
            let viewer = try await Fixtures.user(app, role: .viewer, office: s.office.id)
            let bad = try await app.testing().sendRequest(.PATCH, "/api/v1/cases/\(file.id!)", headers: coordinator,
                                                           body: ByteBuffer(string: #"{"assignee_ids":["\#(viewer.id!)"]}"#))
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("assignees"))

            let browser = try await Fixtures.session(app, for: s.colleague)
            let form = try await browser.get("/cases/\(file.id!)/edit")
            #expect(form.status == .ok && form.text.contains("Dismissed after joining the union."))
            let refused = try await browser.post("/cases/\(file.id!)/edit", ["category": "freedom_of_association", "channel": "phone", "urgency": "standard",
                                                                           "summary": "Dismissed after joining the union; two others too.", "country": "Bangladesh"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("id=\"country-error\"") && refused.text.contains("two others too"))
            let saved = try await browser.post("/cases/\(file.id!)/edit", ["category": "freedom_of_association", "channel": "phone", "urgency": "emergency",
                                                                         "summary": "Dismissed after joining the union; two others too.", "country": "BD",
                                                                         "employer": "Rupa Knit"])
            #expect(saved.status == .seeOther)
            let updated = try #require(try await CaseFile.find(file.id!, on: app.db))
            #expect(updated.urgency == "emergency" && updated.factoryID != nil && updated.summary?.contains("two others") == true)
        }
    }
}

@Suite("Claims, owed totals and office totals")
struct CaseClaimsTests {
    @Test func perWorkerClaimsAndTotals() async throws {
        try await withTestApp { app, _ in
            let s = try await CaseListSetting.make(app)
            let file = try await s.open(app, summary: "Factory closed owing severance.", category: "termination_benefits", kind: "collective", workers: [s.workers[0]])
            let single = try await s.open(app, summary: "One worker", workers: [s.workers[1]])
            let refused = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(single.id!)/workers", headers: s.headers, body: ByteBuffer(string: #"{"worker":"\#(s.workers[2].code)"}"#))
            #expect(refused.status == .unprocessableEntity)
            let added = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(file.id!)/workers", headers: s.headers, body: ByteBuffer(string: #"{"worker":"\#(s.workers[1].code)"}"#))
            #expect(added.status == .created)
            let again = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(file.id!)/workers", headers: s.headers, body: ByteBuffer(string: #"{"worker":"\#(s.workers[1].code)"}"#))
            #expect(again.status == .unprocessableEntity)

            let browser = try await Fixtures.session(app, for: s.caseworker)
            let bad = try await browser.post("/cases/\(file.id!)/workers/\(s.workers[0].id!)", ["claim": "Severance, 8 years", "owed": "12.345", "currency": "BDT", "outcome": ""])
            #expect(bad.status == .unprocessableEntity && bad.text.contains("id=\"owed-error\"") && bad.text.contains("Severance, 8 years"))
            #expect(try await browser.post("/cases/\(file.id!)/workers/\(s.workers[0].id!)", ["claim": "Severance, 8 years", "owed": "1,20,000", "currency": "BDT", "outcome": "remedied_in_part"]).status == .seeOther)
            let patched = try await app.testing().sendRequest(.PATCH, "/api/v1/cases/\(file.id!)/workers/\(s.workers[1].id!)", headers: s.headers,
                                                               body: ByteBuffer(string: #"{"owed":"45000.50"}"#))
            #expect(patched.status == .ok)
            let claims = try await app.testing().sendRequest(.GET, "/api/v1/cases/\(file.id!)/workers", headers: s.headers).content.decode(CasesAPIController.ClaimsDTO.self)
            #expect(claims.owed == ["BDT": 16_500_050])
            #expect(claims.items.first { $0.worker_id == s.workers[0].id! }?.outcome == "remedied_in_part")
            let page = try await browser.get("/cases/\(file.id!)")
            #expect(page.text.contains("BDT 165,000.50") && page.text.contains("Severance, 8 years"))

            _ = try await RemedyService(context: .commandLine(app)).record(.init(kind: "severance_paid", stage: "delivered", amount: "40000", currency: "BDT", onDate: "2026-11-01"),
                                                                            on: file, principal: try s.caseworker.principal())
            _ = try await RemedyService(context: .commandLine(app)).record(.init(kind: "severance_paid", stage: "promised", amount: "100000", currency: "BDT", onDate: "2026-10-01"),
                                                                            on: single, principal: try s.caseworker.principal())
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/remedies/totals", headers: s.headers).status == .forbidden)
            let coordinator = try await CaseListSetting.headers(app, s.coordinator)
            let totals = try await app.testing().sendRequest(.GET, "/api/v1/remedies/totals", headers: coordinator).content.decode([RemedyTotalsAPIController.LineDTO].self)
            #expect(totals.count == 1)
            #expect(totals.first?.owed_minor == 16_500_050 && totals.first?.promised_minor == 10_000_000 && totals.first?.delivered_minor == 4_000_000)
            let other = try await Fixtures.office(app, code: "GZP", name: "Gazipur")
            let elsewhere = try await Fixtures.user(app, role: .coordinator, office: other.id)
            let none = try await app.testing().sendRequest(.GET, "/api/v1/remedies/totals", headers: try await CaseListSetting.headers(app, elsewhere))
            #expect(try none.content.decode([RemedyTotalsAPIController.LineDTO].self).isEmpty)
            // A worker added by mistake comes off again; one named by a remedy, or the last one, stays.
            let mistaken = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(file.id!)/workers", headers: s.headers, body: ByteBuffer(string: #"{"worker":"\#(s.workers[2].code)"}"#))
            #expect(mistaken.status == .created)
            #expect(try await app.testing().sendRequest(.DELETE, "/api/v1/cases/\(file.id!)/workers/\(s.workers[2].id!)", headers: s.headers).status == .noContent)
            _ = try await RemedyService(context: .commandLine(app)).record(.init(workerID: s.workers[1].id!.uuidString, kind: "apology", stage: "promised", onDate: "2026-11-02"),
                                                                            on: file, principal: try s.caseworker.principal())
            let named = try await browser.post("/cases/\(file.id!)/workers/\(s.workers[1].id!)/remove")
            #expect(named.status == .unprocessableEntity && named.text.contains("id=\"worker-error\""))
            let last = try await app.testing().sendRequest(.DELETE, "/api/v1/cases/\(single.id!)/workers/\(s.workers[1].id!)", headers: s.headers)
            #expect(last.status == .unprocessableEntity)
            #expect(try await CaseWorkerLink.query(on: app.db).filter(\.$caseID == file.id!).count() == 2)
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "case.worker_remove").count() == 1)

            let totalsPage = try await Fixtures.session(app, for: s.coordinator).get("/cases/totals")
            #expect(totalsPage.status == .ok && totalsPage.text.contains("BDT 165,000.50") && totalsPage.text.contains("BDT 40,000.00"))
        }
    }
}

@Suite("CSV export")
struct CaseExportTests {
    @Test func identifiersOnlyWhenAskedAndAllowedAndCellsAreGuarded() async throws {
        try await withTestApp { app, _ in
            let s = try await CaseListSetting.make(app)
            let file = try await s.open(app, summary: "Narrative that must never be exported.", employer: "=HYPERLINK(\"http://x.example\",\"click\")")
            _ = file
            let plain = try await app.testing().sendRequest(.GET, "/api/v1/cases/export", headers: s.headers)
            #expect(plain.status == .ok)
            #expect(plain.headers.contentType?.subType == "csv")
            #expect(plain.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            let text = plain.body.string
            #expect(text.contains("\"'=HYPERLINK(\"\"http://x.example\"\",\"\"click\"\")\""))
            #expect(!text.contains("Narrative that must never") && !text.contains("Rahima Begum"))
            #expect(text.contains(s.workers[0].code))

            let named = try await app.testing().sendRequest(.GET, "/api/v1/cases/export?identifiers=true", headers: s.headers)
            #expect(named.body.string.contains("Rahima Begum") && named.body.string.contains("01712000000"))
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "worker.export").filter(\.$resourceID == s.workers[0].id!.uuidString).count() == 1)
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "case.export_identifiers").count() == 1)

            let officer = try await Fixtures.user(app, role: .programmeOfficer, office: s.office.id)
            let officerHeaders = try await CaseListSetting.headers(app, officer)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/cases/export", headers: officerHeaders).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/cases/export?identifiers=true", headers: officerHeaders).status == .forbidden)
            let viewer = try await Fixtures.user(app, role: .viewer, office: s.office.id)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/cases/export", headers: try await CaseListSetting.headers(app, viewer)).status == .forbidden)

            let browser = try await Fixtures.session(app, for: s.caseworker)
            let download = try await browser.get("/cases/export.csv?identifiers=on&q=\(s.workers[0].code)")
            #expect(download.status == .ok && download.body.string.contains("Rahima Begum"))
        }
    }
}
