import Fluent
import Foundation
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

/// The calculator through the web page, the API, the command line, and saved to a worker's claim.
@Suite("Entitlements calculator")
struct EntitlementsTests {
    /// A dismissed Bangladeshi sewing operator (grade 5), with every section filled.
    static let dismissedOperator = #"""
    {
      "regime": "bd-bla",
      "employment": { "start": "2018-03-01", "end": "2026-01-31", "type": "permanent", "monthly_rated": true, "sector": "garment", "grade": "5" },
      "pay": { "basic": "6700", "house_rent": "3350", "medical": "750", "transport": "450", "food": "1250" },
      "termination": { "cause": "termination_by_employer", "notice_given_days": 0, "gratuity_scheme": "no" },
      "underpayment": { "months": [ { "month": "2024-11", "paid": "11000" }, { "month": "2024-12", "paid": "11000" } ] },
      "overtime": { "period_end": "2025-12-31", "hours": "52", "paid": "1500" },
      "leave": { "periods": [ { "from": "2025-02-01", "to": "2025-11-16", "days_worked": 230 }, { "from": "2025-11-17", "to": "2026-01-31", "days_worked": 60 } ], "days_taken": "3" },
      "festival_bonus": { "festivals": [ { "date": "2025-03-31", "paid": "0" }, { "date": "2025-06-07", "paid": "3000" } ] }
    }
    """#

    struct Setting {
        let office: Office
        let caseworker: User
        let token: String
        let file: CaseFile
        let worker: Worker
    }

    static func setting(_ app: Application, language: Language = .english, restricted: Bool = false) async throws -> Setting {
        let office = try await Fixtures.office(app)
        let caseworker = try await Fixtures.user(app, role: .caseworker, office: office.id, language: language)
        let principal = try caseworker.principal()
        let worker = try await WorkerService(context: .commandLine(app)).create(.init(fullName: "Shirin Akter", phone: "01711000009", officeID: office.id),
                                                                               principal: principal, confirmedNew: false)
        let file = try await CaseService(context: .commandLine(app)).create(
            .init(officeID: office.id, category: "unpaid_wages", channel: "phone", summary: "Dismissed without benefits.", restricted: restricted,
                  workers: [worker.code], employer: "Rupa Knit"), principal: principal)
        return Setting(office: office, caseworker: caseworker, token: try await Fixtures.apiToken(app, for: caseworker), file: file, worker: worker)
    }

    static func json(_ token: String) -> HTTPHeaders {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        headers.contentType = .json
        return headers
    }

    @Test func theAPIAndTheCommandLineGiveTheSameReport() async throws {
        try await withTestApp { app, _ in
            let s = try await Self.setting(app)
            for language in [Language.english, .bangla] {
                let response = try await app.testing().sendRequest(.POST, "/api/v1/entitlements/calculate?lang=\(language.rawValue)", headers: Self.json(s.token),
                                                                   body: ByteBuffer(string: Self.dismissedOperator))
                #expect(response.status == .ok)
                let cli = try EntitlementsCommand.report(Data(Self.dismissedOperator.utf8), app: app, language: language)
                #expect(Data(buffer: response.body) == cli)
                let report = try JSONDecoder().decode(ReportShape.self, from: cli)
                #expect(report.language == language.rawValue)
                #expect(report.lines.map(\.kind) == ["underpayment", "overtime", "termination.notice", "termination.compensation", "leave", "festival_bonus"])
                #expect(report.has_unverified)
                #expect(!report.lines.flatMap(\.working).contains { $0.contains("⟦") || $0.contains("⟨") })
            }
            let report = try JSONDecoder().decode(ReportShape.self, from: try EntitlementsCommand.report(Data(Self.dismissedOperator.utf8), app: app, language: .english))
            // s.26: 120 days' gross in lieu of notice; 30 days' basic for each of 7 completed years.
            #expect(report.lines.first { $0.kind == "termination.notice" }?.owed == "50000.00")
            #expect(report.lines.first { $0.kind == "termination.compensation" }?.owed == "46900.00")
            #expect(report.lines.first { $0.kind == "underpayment" }?.owed == "3904.50")
            #expect(report.owed_total == "118914.29")
            #expect(report.lines.first { $0.kind == "termination.notice" }?.verified == false)
        }
    }

    struct ReportShape: Decodable {
        struct Line: Decodable { let kind: String; let outcome: String; let owed: String?; let verified: Bool; let working: [String]; let missing: [String] }
        let language: String
        let has_unverified: Bool
        let owed_total: String
        let lines: [Line]
    }

    @Test func badInputIsAProblemDocumentNamingEachField() async throws {
        try await withTestApp { app, _ in
            let s = try await Self.setting(app)
            let body = #"{"regime": "bd-bla", "employment": {"start": "2025-13-01"}, "overtme": {}}"#
            let response = try await app.testing().sendRequest(.POST, "/api/v1/entitlements/calculate", headers: Self.json(s.token), body: ByteBuffer(string: body))
            #expect(response.status == .unprocessableEntity)
            #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
            #expect(Set(problem.errors?.map(\.field) ?? []) == ["employment.start", "overtme"])
            let rules = try await app.testing().sendRequest(.GET, "/api/v1/entitlements/rules", headers: Self.json(s.token))
            #expect(rules.status == .ok)
            #expect(rules.body.string.contains("bd-bla.resignation.s27.2025"))
        }
    }

    @Test func thePageWorksInEnglishAndBanglaAndKeepsWhatWasTyped() async throws {
        try await withTestApp { app, _ in
            for language in [Language.english, .bangla] {
                let user = try await Fixtures.user(app, role: .viewer, language: language)
                let browser = try await Fixtures.session(app, for: user)
                let blank = try await browser.get("/entitlements")
                #expect(blank.status == .ok)
                #expect(!blank.body.string.contains("⟦"), "missing translation on the \(language.rawValue) page")
                #expect(blank.body.string.contains(app.catalog.string("ent.field.employment.start", language)))
                let form: [String: String] = [
                    "regime": "bd-bla", "employment.start": "2018-03-01", "employment.end": "2026-01-31", "employment.type": "permanent",
                    "employment.monthly_rated": "true", "employment.sector": "garment", "employment.grade": "5", "pay.basic": "6700", "pay.gross": "12500",
                    "with_termination": "on", "termination.cause": "termination_by_employer", "termination.notice_given_days": "0", "termination.gratuity_scheme": "no",
                    "with_underpayment": "on", "underpayment.months": "2024-11 11000\n2024-12 11000",
                ]
                let result = try await browser.post("/entitlements", form)
                #expect(result.status == .ok)
                let html = result.body.string
                #expect(!html.contains("⟦") && !html.contains("⟨"))
                #expect(html.contains(app.catalog.string("ent.kind.termination.compensation", language)))
                #expect(html.contains(app.catalog.string("ent.not_verified", language)))
                #expect(html.contains("Bangladesh Labour Act 2006, s.26(1), s.26(4)"))
                #expect(html.contains(LocalizedFormat(language: language, timeZone: .gmt).money(Money(minorUnits: 4_690_000, currency: "BDT"))))
                // Wrong input comes back with everything typed and the reason beside the field.
                var bad = form
                bad["employment.start"] = "2018-02-30"
                bad["underpayment.months"] = "2024-11 11000\n2024-12 lots"
                let refused = try await browser.post("/entitlements", bad)
                #expect(refused.status == .unprocessableEntity)
                let page = refused.body.string
                #expect(page.contains("value=\"2018-02-30\""))
                #expect(page.contains("2024-12 lots"))
                #expect(page.contains(app.catalog.string("ent.input.not_a_date", language)))
                #expect(page.contains(app.catalog.string("ent.row_error", language, arguments: [LocalizedFormat(language: language, timeZone: .gmt).number(2), app.catalog.string("ent.input.not_an_amount", language)])))
            }
        }
    }

    @Test func aCalculationSavedToAClaimFeedsTheTotalsAndTheLedger() async throws {
        try await withTestApp { app, environment in
            let s = try await Self.setting(app, restricted: true)
            let browser = try await Fixtures.session(app, for: s.caseworker)
            let path = "/cases/\(s.file.id!)/workers/\(s.worker.id!)/entitlements"
            #expect(try await browser.get(path).status == .ok)
            // Missing facts: not saved.
            let incomplete = try await browser.post(path, ["regime": "bd-bla", "employment.start": "2018-03-01", "employment.end": "2026-01-31",
                                                           "with_termination": "on", "termination.cause": "retrenchment", "action": "save"])
            #expect(incomplete.status == .unprocessableEntity)
            #expect(incomplete.body.string.contains(app.catalog.string("ent.error.incomplete", .english)))
            #expect(try await EntitlementCalculation.query(on: app.db).count() == 0)
            // Through the API.
            let saved = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(s.file.id!)/workers/\(s.worker.id!)/entitlements", headers: Self.json(s.token),
                                                            body: ByteBuffer(string: Self.dismissedOperator))
            #expect(saved.status == .created)
            let record = try #require(try await EntitlementCalculation.query(on: app.db).first())
            #expect(record.owedTotalMinor == 11_891_429)
            #expect(record.components[.severance] == 9_690_000)
            #expect(record.hasUnverified)
            // Sealed: the worker's dates and pay are not in the row in clear.
            #expect(!String(decoding: record.inputSealed, as: UTF8.self).contains("2018-03-01"))
            let link = try #require(try await CaseWorkerLink.query(on: app.db).filter(\.$caseID == s.file.id!).first())
            #expect(link.owedMinor == 11_891_429 && link.owedCurrency == "BDT" && link.calculationID == record.id)
            let totals = try await RemedyTotals.lines(principal: try s.caseworker.principal(), on: app.db)
            #expect(totals.first?.owed == 11_891_429)
            let ledger = try await LedgerService(context: .commandLine(app)).figures(for: try s.caseworker.principal())
            let line = try #require(ledger.factories.lines.first)
            #expect(line.owed[.severance] == 9_690_000 && line.owed[.wages] == 390_450 && line.owed[.overtime] == 185_000)
            #expect(line.owedTotal == 11_891_429)
            // The saved calculation is shown on the case, and in Bangla.
            let list = try await app.testing().sendRequest(.GET, "/api/v1/cases/\(s.file.id!)/entitlements", headers: Self.json(s.token))
            #expect(list.body.string.contains("\"current\":true"))
            let detail = try await app.testing().sendRequest(.GET, "/api/v1/cases/\(s.file.id!)/entitlements/\(record.id!)?lang=bn", headers: Self.json(s.token))
            #expect(detail.status == .ok && detail.body.string.contains("\"language\":\"bn\"") && detail.body.string.contains("2018-03-01"))
            let page = try await browser.get("/cases/\(s.file.id!)/entitlements/\(record.id!)")
            #expect(page.status == .ok && !page.body.string.contains("⟦"))
            let casePage = try await browser.get("/cases/\(s.file.id!)").body.string
            #expect(casePage.contains("/entitlements/\(record.id!)") && casePage.contains("unverified-tag"))
            // Editing the owed amount by hand detaches the claim from the calculation; the calculation stays.
            let edit = try await browser.post("/cases/\(s.file.id!)/workers/\(s.worker.id!)", ["claim": "Dismissal dues", "owed": "90000", "currency": "BDT", "component": "severance"])
            #expect(edit.status == .seeOther)
            let edited = try #require(try await CaseWorkerLink.query(on: app.db).filter(\.$caseID == s.file.id!).first())
            #expect(edited.calculationID == nil && edited.owedMinor == 9_000_000)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/cases/\(s.file.id!)/entitlements", headers: Self.json(s.token)).body.string.contains("\"current\":false"))
            // Saving from the web form again attaches the new calculation.
            let form: [String: String] = ["regime": "bd-bla", "employment.start": "2018-03-01", "employment.end": "2026-01-31", "employment.type": "permanent",
                                          "employment.monthly_rated": "true", "pay.basic": "6700", "pay.gross": "12500", "with_termination": "on",
                                          "termination.cause": "retrenchment", "termination.notice_given_days": "30", "termination.gratuity_scheme": "no", "action": "save"]
            #expect(try await browser.post(path, form).status == .seeOther)
            let again = try #require(try await CaseWorkerLink.query(on: app.db).filter(\.$caseID == s.file.id!).first())
            #expect(again.owedMinor == 4_690_000 && again.calculationID != nil)
            // Key rotation re-seals saved calculations, which still open afterwards.
            let rotated = app.fieldProtection.keyRing.rotated(now: Date())
            try KeyFile(settings: environment.settings).save(rotated)
            let protection = FieldProtection(keyRing: rotated)
            try await protection.recordChecks(app, existing: [1], now: Date())
            app.fieldProtection = protection
            _ = try await EncryptedColumns.reencrypt(app, cipher: protection.cipher, activeKeyID: rotated.activeKeyID, batchSize: 50) { _, _ in }
            #expect(try await EncryptedColumns.census(on: app.db)["entitlement_calculations.result_sealed"] == [2: 2])
            let reopened = try #require(try await EntitlementCalculation.find(record.id, on: app.db))
            #expect(try EntitlementService(context: .commandLine(app)).result(of: reopened).owedTotal == 11_891_429)
            // Someone who may not change the case may not save to it.
            let viewer = try await Fixtures.user(app, role: .viewer)
            let viewerToken = try await Fixtures.apiToken(app, for: viewer)
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/cases/\(s.file.id!)/workers/\(s.worker.id!)/entitlements", headers: Self.json(viewerToken),
                                                        body: ByteBuffer(string: Self.dismissedOperator)).status == .forbidden)
        }
    }

    @Test func aBadRulesFileStopsTheStartNamingTheRule() async throws {
        let environment = try TestEnvironment.make()
        let directory = environment.directory + "rules/"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let shipped = packageRoot + "Resources/Entitlements/"
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped) where name.hasSuffix(".json") {
            var text = try String(contentsOfFile: shipped + name, encoding: .utf8)
            if name == "bd-bla.json" { text = text.replacingOccurrences(of: "\"provision\": \"Bangladesh Labour Act 2006, s.22\",", with: "") }
            try text.write(toFile: directory + name, atomically: true, encoding: .utf8)
        }
        var settings = environment.settings
        settings.rulesDirectory = directory
        let broken = TestEnvironment(directory: environment.directory, settings: settings)
        do {
            let app = try await broken.makeApp()
            try? await app.asyncShutdown()
            Issue.record("the server started with a rules file missing a citation")
        } catch {
            #expect(String(describing: error).contains("bd-bla.discharge.s22"), "\(error)")
            #expect(String(describing: error).contains("bd-bla.json"))
        }
        try? FileManager.default.removeItem(atPath: environment.directory)
    }
}
