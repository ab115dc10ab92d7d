import Fluent
import Foundation
import SQLKit
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

/// The real Open Supply Hub sample data, read from ../shared/data (never copied into the repository).
enum SharedData {
    static let directory: String = {
        var url = URL(fileURLWithPath: packageRoot)
        url.deleteLastPathComponent()
        return url.path + "/shared/data/opensupplyhub/"
    }()
    static var available: Bool { FileManager.default.fileExists(atPath: directory + "facilities-2022.csv") }
    static func text(_ name: String) throws -> String { try String(contentsOfFile: directory + name, encoding: .utf8) }
}

@Suite("Supply chain: factories, brands, links, imports, escalations, ledger")
struct SupplyChainTests {
    struct Setting {
        let office: Office
        let caseworker: User
        let coordinator: User
        let token: String
        let coordinatorToken: String
    }

    func setting(_ app: Application) async throws -> Setting {
        let office = try await Fixtures.office(app)
        let caseworker = try await Fixtures.user(app, role: .caseworker, office: office.id)
        let coordinator = try await Fixtures.user(app, role: .coordinator, office: office.id)
        return Setting(office: office, caseworker: caseworker, coordinator: coordinator,
                       token: try await Fixtures.apiToken(app, for: caseworker), coordinatorToken: try await Fixtures.apiToken(app, for: coordinator))
    }

    func json(_ token: String) -> HTTPHeaders {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        headers.contentType = .json
        return headers
    }

    func send<T: Encodable>(_ app: Application, _ method: HTTPMethod, _ path: String, token: String, _ body: T) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(method, path, headers: json(token), body: ByteBuffer(data: try JSONEncoder().encode(body)))
    }

    /// A valid OS ID for a country and seed, computed with the documented check character.
    static func osID(_ country: String, _ middle: String) -> String {
        let first14 = country + middle
        return first14 + String(OpenSupplyHubID.checkCharacter(forFirst14: first14)!)
    }

    @Test func factoriesThroughTheAPIValidateTheOSIDAndKeepOtherNames() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let good = Self.osID("BD", "2019067X1K87")
            let wrongCheck = String(good.dropLast()) + (good.last == "0" ? "1" : "0")
            let refused = try await send(app, .POST, "/api/v1/factories", token: s.token, ["name": "Abanti Colour Tex Ltd.", "country": "Bangladesh", "os_id": wrongCheck])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(refused.text.contains("os_id"))
            struct Body: Encodable { let name: String; let country: String; let os_id: String; let other_names: [String]; let identifiers: [[String: String]]; let address: String }
            let created = try await send(app, .POST, "/api/v1/factories", token: s.token,
                                         Body(name: "Abanti Colour Tex Ltd.", country: "Bangladesh", os_id: good.lowercased(), other_names: ["ABANTI COLOR TEX LTD."],
                                              identifiers: [["scheme": "bgmea", "value": "1234"]], address: "Gazipur"))
            #expect(created.status == .created)
            let factory = try created.content.decode(SupplyChainAPIController.FactoryDTO.self)
            #expect(factory.country == "BD")
            #expect(factory.os_id == good)
            #expect(factory.other_names == ["ABANTI COLOR TEX LTD."])
            #expect(factory.identifiers.map(\.value) == ["1234"])
            let viewer = try await Fixtures.user(app, role: .viewer)
            let viewerToken = try await Fixtures.apiToken(app, for: viewer)
            #expect(try await send(app, .POST, "/api/v1/factories", token: viewerToken, ["name": "X", "country": "BD"]).status == .forbidden)
            let found = try await app.testing().sendRequest(.GET, "/api/v1/factories?q=abanti%20color", headers: json(viewerToken))
            #expect(try found.content.decode(PageDTO<SupplyChainAPIController.FactoryDTO>.self).items.map(\.id) == [factory.id])
            let byOSID = try await app.testing().sendRequest(.GET, "/api/v1/factories?q=\(good)", headers: json(viewerToken))
            #expect(try byOSID.content.decode(PageDTO<SupplyChainAPIController.FactoryDTO>.self).items.count == 1)
        }
    }

    @Test func mergingMovesCasesLinksAndNamesAndCanBeUndone() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let principal = try s.caseworker.principal()
            let service = FactoryService(context: .commandLine(app))
            let survivor = try await service.create(.init(name: "AKH Apparels Ltd", country: "BD", osID: Self.osID("BD", "2019001AAAAA")), principal: principal)
            let duplicate = try await service.create(.init(name: "A.K.H. Apparels Limited", address: "128 Hemayetpur, Savar", country: "BD",
                                                           osID: Self.osID("BD", "2020002BBBBB"), identifiers: ["accord:A-77"]), principal: principal)
            let worker = try await WorkerService(context: .commandLine(app)).create(.init(fullName: "Rahima Begum", phone: "01711000001", officeID: s.office.id),
                                                                                   principal: principal, confirmedNew: false)
            let file = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: s.office.id, category: "unpaid_wages", channel: "phone", summary: "Wages unpaid.", workers: [worker.code]), principal: principal)
            file.factoryID = duplicate.id
            try await file.update(on: app.db)
            let brand = try await BrandService(context: .commandLine(app)).create(.init(name: "Brand A"), principal: principal)
            let link = try await BrandService(context: .commandLine(app)).link(.init(brandID: brand.id!.uuidString, factoryID: duplicate.id!.uuidString, evidence: "label",
                                                                                     sourceNote: "Label photographed by workers"), principal: principal)

            // Only coordinators merge.
            let refused = try await send(app, .POST, "/api/v1/factories/\(survivor.id!)/merge", token: s.token, ["duplicate_id": duplicate.id!])
            #expect(refused.status == .forbidden)
            let merged = try await send(app, .POST, "/api/v1/factories/\(survivor.id!)/merge", token: s.coordinatorToken, ["duplicate_id": duplicate.id!])
            #expect(merged.status == .created)
            let merge = try merged.content.decode(SupplyChainAPIController.MergeDTO.self)
            #expect(merge.moved_cases == 1 && merge.moved_links == 1)
            #expect(try await CaseFile.find(file.id, on: app.db)?.factoryID == survivor.id)
            #expect(try await SourcingLink.find(link.id, on: app.db)?.factoryID == survivor.id)
            // The old id redirects, in the API and in the browser; names and identifiers became aliases.
            let old = try await app.testing().sendRequest(.GET, "/api/v1/factories/\(duplicate.id!)", headers: json(s.token))
            #expect(old.status == .movedPermanently)
            #expect(old.headers.first(name: .location) == "/api/v1/factories/\(survivor.id!)")
            let browser = try await Fixtures.session(app, for: s.caseworker)
            #expect(try await browser.get("/factories/\(duplicate.id!)").headers.first(name: .location) == "/factories/\(survivor.id!)")
            let shown = try await app.testing().sendRequest(.GET, "/api/v1/factories/\(survivor.id!)", headers: json(s.token)).content.decode(SupplyChainAPIController.FactoryDTO.self)
            #expect(shown.other_names.contains("A.K.H. Apparels Limited"))
            #expect(Set(shown.identifiers.map(\.value)) == [duplicate.osID!, "A-77"])
            // Searching by the duplicate's OS ID finds the survivor.
            let search = try await app.testing().sendRequest(.GET, "/api/v1/factories?q=\(duplicate.osID!)", headers: json(s.token))
            #expect(try search.content.decode(PageDTO<SupplyChainAPIController.FactoryDTO>.self).items.map(\.id) == [survivor.id!])

            // Undo puts everything back.
            let undone = try await app.testing().sendRequest(.POST, "/api/v1/factory-merges/\(merge.id)/undo", headers: json(s.coordinatorToken))
            #expect(undone.status == .ok)
            #expect(try await CaseFile.find(file.id, on: app.db)?.factoryID == duplicate.id)
            #expect(try await SourcingLink.find(link.id, on: app.db)?.factoryID == duplicate.id)
            let back = try await app.testing().sendRequest(.GET, "/api/v1/factories/\(duplicate.id!)", headers: json(s.token))
            #expect(back.status == .ok)
            #expect(try back.content.decode(SupplyChainAPIController.FactoryDTO.self).identifiers.map(\.value) == ["A-77"])
            let again = try await app.testing().sendRequest(.GET, "/api/v1/factories/\(survivor.id!)", headers: json(s.token)).content.decode(SupplyChainAPIController.FactoryDTO.self)
            #expect(again.other_names.isEmpty && again.identifiers.isEmpty)
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/factory-merges/\(merge.id)/undo", headers: json(s.coordinatorToken)).status == .conflict)
        }
    }

    static let list = """
        country,name,address,sector,lat,lng
        Bangladesh,Epyllion Style Ltd.,"Mulaid, Mawna, Sreepur, Gazipur",Apparel,24.2,90.4
        Bangladesh,Eypllion Style Ltd.,"Mulaid, Mawna, Sreepur, Gazipur",Apparel,24.2,90.4
        BD,Fakir Knitwears Ltd. second branch,"Kanchpur, Narayanganj",Apparel,,
        Atlantis,Nowhere Garments,Somewhere,Apparel,,
        ,No Country Ltd,Dhaka,Apparel,,
        KH,Injae Garment Co. Ltd.,"Toul Kor Village, Phnom Penh",Apparel,,
        """

    @Test func importReportsEveryRowAndADryRunChangesNothing() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let principal = try s.caseworker.principal()
            _ = try await FactoryService(context: .commandLine(app)).create(.init(name: "Fakir Knitwears Ltd.", address: "Kanchpur, Narayanganj", country: "BD"), principal: principal)
            let brand = try await BrandService(context: .commandLine(app)).create(.init(name: "Brand A"), principal: principal)
            let before = try await FactoryRecord.query(on: app.db).count()
            var headers = json(s.token)
            headers.contentType = HTTPMediaType(type: "text", subType: "csv")
            let dry = try await app.testing().sendRequest(.POST, "/api/v1/supplier-imports?dry_run=true&brand_id=\(brand.id!)", headers: headers, body: ByteBuffer(string: Self.list))
            #expect(dry.status == .ok)
            let dryReport = try dry.content.decode(SupplierImportService.Report.self)
            #expect(dryReport.rows.map(\.row) == [1, 2, 3, 4, 5, 6])
            #expect(try await FactoryRecord.query(on: app.db).count() == before)
            #expect(try await SourcingLink.query(on: app.db).count() == 0)
            #expect(try await SupplierImport.query(on: app.db).count() == 0)

            let real = try await app.testing().sendRequest(.POST, "/api/v1/supplier-imports?brand_id=\(brand.id!)&filename=brand-a.csv", headers: headers, body: ByteBuffer(string: Self.list))
            #expect(real.status == .created)
            let report = try real.content.decode(SupplierImportService.Report.self)
            let outcome = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.row, $0) })
            #expect(outcome[1]?.outcome == "new")
            // The misspelt second row meets the factory the first row created.
            #expect(outcome[2]?.outcome == "matched")
            #expect(outcome[2]?.factory_id == outcome[1]?.factory_id)
            // "… second branch" is not auto-matched to the existing factory.
            #expect(outcome[3]?.outcome != "matched")
            #expect(outcome[4]?.outcome == "rejected" && outcome[4]?.reason == "unknown_country")
            #expect(outcome[5]?.outcome == "rejected" && outcome[5]?.reason == "missing_country")
            #expect(outcome[6]?.outcome == "new")
            // Every row has every key, null where unknown.
            let rawRows = try #require((try JSONSerialization.jsonObject(with: Data(buffer: real.body)) as? [String: Any])?["rows"] as? [[String: Any]])
            #expect(rawRows.allSatisfy { Set($0.keys).isSuperset(of: ["row", "outcome", "factory_id", "os_id", "score", "reason"]) })
            #expect(report.counts.values.reduce(0, +) == 6)
            let links = try await SourcingLink.query(on: app.db).filter(\.$brandID == brand.id!).all()
            #expect(Set(links.map(\.factoryID)) == Set([outcome[1]?.factory_id, outcome[6]?.factory_id, outcome[3]?.factory_id].compactMap { $0 }))
            // The variant spelling is now another name of the factory.
            #expect(try await FactoryName.query(on: app.db).filter(\.$name == "Eypllion Style Ltd.").count() == 1)
            // The stored report says the same.
            let stored = try await app.testing().sendRequest(.GET, "/api/v1/supplier-imports/\(report.import_id!)", headers: json(s.token)).content.decode(SupplierImportService.Report.self)
            #expect(stored.rows.map(\.outcome) == report.rows.map(\.outcome))

            // A header without the required columns is refused with the names of the missing ones.
            let bad = try await app.testing().sendRequest(.POST, "/api/v1/supplier-imports", headers: headers, body: ByteBuffer(string: "factory,city\nA,B\n"))
            #expect(bad.status == .unprocessableEntity)
        }
    }

    @Test func uploadingAListInTheBrowser() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let brand = try await BrandService(context: .commandLine(app)).create(.init(name: "Brand U"), principal: try s.caseworker.principal())
            let browser = try await Fixtures.session(app, for: s.caseworker)
            var (headers, body) = multipart(file: Data(Self.list.utf8), filename: "brand-u.csv", contentType: "text/csv",
                                            fields: ["csrf_token": browser.csrf!, "brand_id": brand.id!.uuidString, "format": "auto"])
            let done = try await app.testing().sendRequest(.POST, "/imports", headers: browser.headers(headers), body: body)
            #expect(done.status == .seeOther)
            let location = try #require(done.headers.first(name: .location))
            #expect(location.hasPrefix("/imports/"))
            let report = try await browser.get(String(location.split(separator: "?")[0]))
            #expect(report.status == .ok)
            #expect(report.text.contains(htmlEscaped("Eypllion Style Ltd.")) && report.text.contains(app.catalog.string("imports.reason.unknown_country", .english)))
            // A dry run shows the report and stores nothing.
            (headers, body) = multipart(file: Data(Self.list.utf8), filename: "again.csv", contentType: "text/csv",
                                        fields: ["csrf_token": browser.csrf!, "format": "auto", "dry_run": "on"])
            let dry = try await app.testing().sendRequest(.POST, "/imports", headers: browser.headers(headers), body: body)
            #expect(dry.status == .ok && dry.text.contains(app.catalog.string("imports.dry_run_notice", .english)))
            #expect(try await SupplierImport.query(on: app.db).count() == 1)
            // A file that is not a supplier list comes back with the reason beside the field.
            (headers, body) = multipart(file: Data("a,b\n1,2\n".utf8), filename: "x.csv", contentType: "text/csv", fields: ["csrf_token": browser.csrf!])
            let refused = try await app.testing().sendRequest(.POST, "/imports", headers: browser.headers(headers), body: body)
            #expect(refused.status == .unprocessableEntity && refused.text.contains("file-error"))
        }
    }

    /// Through a real HTTP server, where a large body arrives in pieces: the CSRF check must read the token
    /// from a multipart body that is still streaming.
    @Test func largeUploadThroughARunningServer() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let browser = try await Fixtures.session(app, for: s.caseworker)
            var text = "country,name,address\n"
            for index in 1...4000 { text += "BD,Generated Knit Composite \(index) Ltd.,\"Plot \(index), Road \(index % 40), BSCIC, Narayanganj\"\n" }
            #expect(text.utf8.count > 256 * 1024)
            let (headers, body) = multipart(file: Data(text.utf8), filename: "big.csv", contentType: "text/csv", fields: ["csrf_token": browser.csrf!, "dry_run": "on"])
            let live = try app.testing(method: .running(hostname: "127.0.0.1", port: Int.random(in: 20_000...40_000)))
            let response = try await live.performTest(request: TestingHTTPRequest(method: .POST, url: URI(path: "/imports"), headers: browser.headers(headers), body: body))
            #expect(response.status == .ok)
            #expect(response.body.string.contains("Generated Knit Composite 4000"))
        }
    }

    @Test func sourceDocumentsAreSealedAndFollowTheirOwnersAccess() async throws {
        try await withTestApp { app, environment in
            let s = try await setting(app)
            let principal = try s.caseworker.principal()
            let factory = try await FactoryService(context: .commandLine(app)).create(.init(name: "Rupa Knit", country: "BD"), principal: principal)
            let brand = try await BrandService(context: .commandLine(app)).create(.init(name: "Brand D"), principal: principal)
            let label = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data("photo of a Brand D label found by workers".utf8)
            let browser = try await Fixtures.session(app, for: s.caseworker)
            // In the browser: the evidence form takes a document instead of a URL or note.
            var (headers, body) = multipart(file: label, filename: "label.png", contentType: "image/png",
                                            fields: ["csrf_token": browser.csrf!, "brand_id": brand.id!.uuidString, "evidence": "label", "confidence": "confirmed"], name: "document")
            headers = browser.headers(headers)
            let saved = try await app.testing().sendRequest(.POST, "/factories/\(factory.id!)/links", headers: headers, body: body)
            #expect(saved.status == .seeOther, "\(saved.text.components(separatedBy: "field-error").dropFirst().map { String($0.prefix(200)) })")
            let link = try #require(try await SourcingLink.query(on: app.db).first())
            let documentID = try #require(link.documentID)
            let onDisk = try #require(FileManager.default.contents(atPath: environment.settings.evidenceDirectory + "/" + documentID.uuidString.lowercased() + ".sealed"))
            #expect(!String(decoding: onDisk, as: UTF8.self).contains("Brand D label"))
            let viewer = try await Fixtures.session(app, for: try await Fixtures.user(app, role: .viewer))
            let download = try await viewer.get("/documents/\(documentID)")
            #expect(download.status == .ok && Data(buffer: download.body) == label)
            #expect(try await browser.get("/factories/\(factory.id!)").text.contains("/documents/\(documentID)"))
            // A script renamed .png is refused, with the reason beside the field.
            (headers, body) = multipart(file: Data("#!/bin/sh\nrm -rf /\n".utf8), filename: "label.png", contentType: "image/png",
                                        fields: ["csrf_token": browser.csrf!, "brand_id": brand.id!.uuidString, "evidence": "label", "confidence": "likely"], name: "document")
            let refused = try await app.testing().sendRequest(.POST, "/factories/\(factory.id!)/links", headers: browser.headers(headers), body: body)
            #expect(refused.status == .unprocessableEntity && refused.text.contains("document-error"))
            #expect(try await SourcingLink.query(on: app.db).count() == 1)

            // Through the API: a document with a brand's answer on a restricted case is for the case's team only.
            let worker = try await WorkerService(context: .commandLine(app)).create(.init(fullName: "Worker R", phone: "01711000021", officeID: s.office.id), principal: principal, confirmedNew: false)
            let file = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: s.office.id, category: "gender_based_violence", channel: "phone", summary: "Restricted.", workers: [worker.code], employer: "Rupa Knit"), principal: principal)
            let escalation = try await EscalationService(context: .commandLine(app)).create(.init(brandIDs: [brand.id!.uuidString], sentOn: "2026-11-01"), for: file, principal: principal)[0]
            let answer = try await EscalationService(context: .commandLine(app)).respond(.init(kind: "acknowledged", onDate: "2026-11-05"), to: escalation, principal: principal)
            var upload = multipart(file: Data("%PDF-1.4\nreply from Brand D".utf8), filename: "reply.pdf", contentType: "application/pdf")
            upload.0.replaceOrAdd(name: .authorization, value: "Bearer \(s.token)")
            let attached = try await app.testing().sendRequest(.POST, "/api/v1/escalations/\(escalation.id!)/responses/\(answer.id!)/document", headers: upload.0, body: upload.1)
            #expect(attached.status == .ok)
            let replyID = try #require(try await EscalationResponse.find(answer.id, on: app.db)?.documentID)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/documents/\(replyID)", headers: json(s.token)).status == .ok)
            let colleague = try await Fixtures.user(app, role: .caseworker, office: s.office.id)
            let colleagueToken = try await Fixtures.apiToken(app, for: colleague)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/documents/\(replyID)", headers: json(colleagueToken)).status == .forbidden)
            // The evidence document is open to anyone who may read the registry.
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/documents/\(documentID)", headers: json(colleagueToken)).status == .ok)
        }
    }

    @Test func reviewRowsAreDecidedSideBySide() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let principal = try s.caseworker.principal()
            let existing = try await FactoryService(context: .commandLine(app)).create(.init(name: "Fakir Knitwears Ltd.", address: "Kanchpur, Narayanganj", country: "BD"), principal: principal)
            let brand = try await BrandService(context: .commandLine(app)).create(.init(name: "Brand B"), principal: principal)
            let report = try await SupplierImportService(context: .commandLine(app)).run(
                "country,name,address\nBD,Fakir Knitwears Ltd. Unit 2,\"Kanchpur, Narayanganj\"\n", options: .init(filename: "b.csv", brandID: brand.id), principal: principal)
            #expect(report.rows[0].outcome == "review")
            #expect(report.rows[0].candidates.first?.factory_id == existing.id)
            #expect(report.rows[0].factory_id == nil)
            // A factory recorded after the import is offered too: candidates are looked up again at review time.
            let later = try await FactoryService(context: .commandLine(app)).create(.init(name: "Fakir Knitwears Ltd. Unit 2", address: "Kanchpur, Narayanganj", country: "BD"), principal: principal)
            let queue = try await app.testing().sendRequest(.GET, "/api/v1/supplier-imports/review", headers: json(s.token)).content.decode([SupplyChainAPIController.ReviewRowDTO].self)
            let row = try #require(queue.first)
            #expect(row.candidates.first?.factory_id == later.id)
            #expect(Set(row.candidates.map(\.factory_id)).isSuperset(of: [later.id!, existing.id!]))
            let browser = try await Fixtures.session(app, for: s.caseworker)
            let page = try await browser.get("/imports/rows/\(row.id)")
            #expect(page.status == .ok)
            #expect(page.text.contains(htmlEscaped("Fakir Knitwears Ltd. Unit 2")) && page.text.contains(htmlEscaped("Fakir Knitwears Ltd.")))
            let decided = try await browser.post("/imports/rows/\(row.id)", ["decision": "new_factory"])
            #expect(decided.status == .seeOther)
            let stored = try #require(try await SupplierImportRow.find(row.id, on: app.db))
            #expect(stored.resolution == "new_factory")
            #expect(stored.factoryID != nil && stored.factoryID != existing.id)
            #expect(try await SourcingLink.query(on: app.db).filter(\.$factoryID == stored.factoryID!).count() == 1)
            #expect(try await browser.post("/imports/rows/\(row.id)", ["decision": "reject"]).status == .unprocessableEntity)
        }
    }

    @Test(.enabled(if: SharedData.available, "needs ../shared/data/opensupplyhub"))
    func realListsAgainstTheRealRegistry() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let principal = try s.caseworker.principal()
            let service = SupplierImportService(context: .commandLine(app))
            let registry = try await service.run(try SharedData.text("facilities-2022.csv"), options: .init(filename: "facilities-2022.csv"), principal: principal)
            #expect(registry.rows.count == 5443)
            #expect(registry.counts["rejected"] == 0)
            let files = try FileManager.default.contentsOfDirectory(atPath: SharedData.directory + "list_files").filter { $0.hasSuffix(".csv") }.sorted()
            #expect(files.count == 14)
            var rows = 0
            for file in files {
                let text = try SharedData.text("list_files/" + file)
                let report = try await service.run(text, options: .init(filename: file, dryRun: true), principal: principal)
                let dataLines = text.split(whereSeparator: \.isNewline).count - 1
                #expect(report.rows.count == dataLines, "\(file): every row is reported")
                #expect(report.rows.allSatisfy { !$0.reason.isEmpty }, "\(file)")
                rows += report.rows.count
            }
            #expect(rows >= 900)
            // The true variant in one list is matched to its partner; the hard negative is not auto-matched.
            let winter = try await service.run(try SharedData.text("list_files/Winter 2019 Compliance List V2.csv"), options: .init(filename: "v2"), principal: principal)
            let epyllion = winter.rows.filter { $0.name.lowercased().contains("epyllion style") || $0.name.lowercased().contains("eypllion style") }
            if epyllion.count >= 2 { #expect(Set(epyllion.compactMap(\.factory_id)).count == 1, "Epyllion / Eypllion Style meet") }
        }
    }

    @Test func escalationLettersHonourConsentAndLateAnswersShowAsOverdue() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let principal = try s.caseworker.principal()
            let workers = WorkerService(context: .commandLine(app))
            let consenting = try await workers.create(.init(fullName: "Rahima Begum", phone: "01711000001", officeID: s.office.id), principal: principal, confirmedNew: false)
            let silent = try await workers.create(.init(fullName: "Kulsum Akter", phone: "01711000002", officeID: s.office.id), principal: principal, confirmedNew: false)
            _ = try await workers.recordConsent(.init(purpose: "brand_disclosure", partner: "", givenOn: "2026-01-01", method: "written"), for: consenting, principal: principal)
            let file = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: s.office.id, kind: "collective", category: "termination_benefits", channel: "phone", summary: "Forty workers dismissed without their benefits.",
                      workers: [consenting.code, silent.code], employer: "Abanti Colour Tex"), principal: principal)
            let factoryID = try #require(file.factoryID)
            let brands = BrandService(context: .commandLine(app))
            let first = try await brands.create(.init(name: "Brand One"), principal: principal)
            let second = try await brands.create(.init(name: "Brand Two"), principal: principal)
            let unrelated = try await brands.create(.init(name: "Brand Three"), principal: principal)
            for brand in [first, second] {
                _ = try await brands.link(.init(brandID: brand.id!.uuidString, factoryID: factoryID.uuidString, evidence: "published_list", sourceURL: "https://example.org/list.pdf"), principal: principal)
            }
            // The two sourcing brands are suggested, not the third.
            let suggested = try await app.testing().sendRequest(.GET, "/api/v1/cases/\(file.id!)/escalations", headers: json(s.token)).content.decode(SupplyChainAPIController.SuggestionsDTO.self)
            #expect(Set(suggested.suggested_brand_ids) == [first.id!, second.id!])
            #expect(!suggested.suggested_brand_ids.contains(unrelated.id!))

            // Without include_names nobody is named; with it, only the worker who consented.
            struct Escalate: Encodable { let brand_ids: [UUID]; let language: String; let sent_on: String; let include_names: Bool; let deadline_days: Int? }
            let anonymous = try await send(app, .POST, "/api/v1/cases/\(file.id!)/escalations", token: s.token,
                                           Escalate(brand_ids: [first.id!], language: "en", sent_on: "2026-10-01", include_names: false, deadline_days: nil))
            #expect(anonymous.status == .created)
            let plain = try anonymous.content.decode([SupplyChainAPIController.EscalationDTO].self)[0]
            #expect(!plain.letter.contains("Rahima") && !plain.letter.contains("Kulsum"))
            #expect(plain.letter.contains("Worker 1 (name withheld)"))
            #expect(plain.deadline == "2026-10-15")
            let named = try await send(app, .POST, "/api/v1/cases/\(file.id!)/escalations", token: s.token,
                                       Escalate(brand_ids: [first.id!, second.id!], language: "bn", sent_on: CalendarDate.today(in: app.songhotiSettings.timeZone), include_names: true, deadline_days: 30))
            let letters = try named.content.decode([SupplyChainAPIController.EscalationDTO].self)
            #expect(letters.count == 2)
            for letter in letters {
                #expect(letter.letter.contains("Rahima Begum"))
                #expect(!letter.letter.contains("Kulsum"))
                #expect(letter.letter.contains("শ্রমিক"))
                #expect(letter.names_included == 1)
                #expect(!letter.overdue)
            }
            // The letter is sealed at rest.
            let raw = try await app.db.sql.select().column("letter_sealed").from(Escalation.schema).all()
            #expect(raw.count == 3)
            for row in raw { #expect(!String(decoding: try row.decode(column: "letter_sealed", as: Data.self), as: UTF8.self).contains("Forty workers")) }

            // The first letter's deadline has passed with no answer: overdue in the API and on the coordinator's page.
            #expect(plain.overdue)
            let overdue = try await app.testing().sendRequest(.GET, "/api/v1/escalations/overdue", headers: json(s.coordinatorToken)).content.decode([SupplyChainAPIController.OverdueDTO].self)
            #expect(overdue.map(\.id) == [plain.id])
            let coordinator = try await Fixtures.session(app, for: s.coordinator)
            #expect(try await coordinator.get("/work").text.contains("/escalations/\(plain.id)"))
            // A late "no response" check keeps it overdue; an acknowledgement ends it, and the brand's statistics count it.
            _ = try await send(app, .POST, "/api/v1/escalations/\(plain.id)/responses", token: s.token, ["kind": "no_response", "on_date": "2026-10-20"])
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/escalations/overdue", headers: json(s.coordinatorToken)).content.decode([SupplyChainAPIController.OverdueDTO].self).count == 1)
            let early = try await send(app, .POST, "/api/v1/escalations/\(plain.id)/responses", token: s.token, ["kind": "acknowledged", "on_date": "2026-09-01"])
            #expect(early.status == .unprocessableEntity)
            _ = try await send(app, .POST, "/api/v1/escalations/\(plain.id)/responses", token: s.token, ["kind": "acknowledged", "on_date": "2026-10-21"])
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/escalations/overdue", headers: json(s.coordinatorToken)).content.decode([SupplyChainAPIController.OverdueDTO].self).isEmpty)
            let stats = try await app.testing().sendRequest(.GET, "/api/v1/brands/\(first.id!)", headers: json(s.token)).content.decode(SupplyChainAPIController.BrandDTO.self)
            #expect(stats.response_statistics?.letters == 2)
            #expect(stats.response_statistics?.answered == 1)
            #expect(stats.response_statistics?.median_days_to_first_response == 20)
            // The printable letter page shows the letter in Bangla.
            let browser = try await Fixtures.session(app, for: s.caseworker)
            let page = try await browser.get("/escalations/\(letters[0].id)")
            #expect(page.status == .ok && page.text.contains("Rahima Begum") && page.text.contains("article class=\"letter\""))
        }
    }

    @Test func templatesRefuseUnknownPlaceholders() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let refused = try await send(app, .PUT, "/api/v1/letter-templates/en", token: s.coordinatorToken, ["subject": "About {{reference}}", "body": "Phone: {{worker_phone}}"])
            #expect(refused.status == .unprocessableEntity)
            let saved = try await send(app, .PUT, "/api/v1/letter-templates/en", token: s.coordinatorToken, ["subject": "About {{reference}}", "body": "Dear {{brand}}, see {{reference}}."])
            #expect(saved.status == .ok)
            #expect(try await send(app, .PUT, "/api/v1/letter-templates/en", token: s.token, ["subject": "x", "body": "y"]).status == .forbidden)
            let template = try await EscalationService.template(.english, app: app, on: app.db)
            #expect(template.body == "Dear {{brand}}, see {{reference}}.")
        }
    }

    @Test func ledgerTotalsPerFactoryAndBrand() async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            let principal = try s.caseworker.principal()
            let workers = WorkerService(context: .commandLine(app))
            let a = try await workers.create(.init(fullName: "Worker A", phone: "01711000011", officeID: s.office.id), principal: principal, confirmedNew: false)
            let b = try await workers.create(.init(fullName: "Worker B", phone: "01711000012", officeID: s.office.id), principal: principal, confirmedNew: false)
            let file = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: s.office.id, kind: "collective", category: "unpaid_wages", channel: "phone", summary: "Unpaid.", workers: [a.code, b.code], employer: "Rupa Knit"), principal: principal)
            let claims = CaseClaims(context: .commandLine(app))
            let links = try await CaseWorkerLink.query(on: app.db).filter(\.$caseID == file.id!).all()
            try await claims.update(links[0], of: file, with: .init(owed: "10000.50", currency: "BDT", component: "wages"))
            try await claims.update(links[1], of: file, with: .init(owed: "2500", currency: "BDT", component: "overtime"))
            _ = try await RemedyService(context: .commandLine(app)).record(.init(kind: "wages_paid", stage: "promised", amount: "8000", currency: "BDT", onDate: "2026-11-01"), on: file, principal: principal)
            _ = try await RemedyService(context: .commandLine(app)).record(.init(kind: "wages_paid", stage: "delivered", amount: "5000", currency: "BDT", onDate: "2026-11-10"), on: file, principal: principal)
            let brand = try await BrandService(context: .commandLine(app)).create(.init(name: "Brand L"), principal: principal)
            _ = try await BrandService(context: .commandLine(app)).link(.init(brandID: brand.id!.uuidString, factoryID: file.factoryID!.uuidString, evidence: "label", sourceNote: "label"), principal: principal)

            let lines = try await app.testing().sendRequest(.GET, "/api/v1/ledger", headers: json(s.coordinatorToken)).content.decode([SupplyChainAPIController.LedgerLineDTO].self)
            let factory = try #require(lines.first { $0.kind == "factory" })
            #expect(factory.id == file.factoryID)
            #expect(factory.owed_minor == ["wages": 1_000_050, "overtime": 250_000])
            #expect(factory.owed_total_minor == 1_250_050 && factory.promised_minor == 800_000 && factory.delivered_minor == 500_000 && factory.outstanding_minor == 750_050)
            let brandLine = try #require(lines.first { $0.kind == "brand" })
            #expect(brandLine.id == brand.id && brandLine.owed_total_minor == 1_250_050)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/ledger", headers: json(s.token)).status == .forbidden)
            let csv = try await app.testing().sendRequest(.GET, "/api/v1/ledger/export", headers: json(s.coordinatorToken))
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.text.contains("factory,\(file.factoryID!.uuidString),Rupa Knit,,BDT,10000.50,2500.00,0.00,0.00,0.00,0.00,0.00,12500.50,8000.00,5000.00,7500.50"))
        }
    }

    func pagesRender(_ language: Language) async throws {
        try await withTestApp { app, _ in
            let s = try await setting(app)
            for user in [s.caseworker, s.coordinator] {
                let stored = try #require(try await User.find(user.id, on: app.db))
                stored.language = language.rawValue
                try await stored.update(on: app.db)
            }
            let principal = try s.caseworker.principal()
            let worker = try await WorkerService(context: .commandLine(app)).create(.init(fullName: "Rahima Begum", phone: "01711000001", officeID: s.office.id), principal: principal, confirmedNew: false)
            let file = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: s.office.id, category: "unpaid_wages", channel: "phone", summary: "Unpaid.", workers: [worker.code], employer: "Rupa Knit"), principal: principal)
            let brand = try await BrandService(context: .commandLine(app)).create(.init(name: "Brand P", accordSignatory: true, accordFrom: "2021-09-01"), principal: principal)
            _ = try await BrandService(context: .commandLine(app)).link(.init(brandID: brand.id!.uuidString, factoryID: file.factoryID!.uuidString, evidence: "label", sourceNote: "label"), principal: principal)
            _ = try await BrandService(context: .commandLine(app)).addCommitment(.init(kind: "pay_wages_owed", statement: "Will pay.", madeOn: "2026-01-01", source: "press release"), to: brand, principal: principal)
            let escalation = try await EscalationService(context: .commandLine(app)).create(.init(brandIDs: [brand.id!.uuidString], language: language == .bangla ? "bn" : "en", sentOn: "2026-10-01"), for: file, principal: principal)[0]
            let report = try await SupplierImportService(context: .commandLine(app)).run("country,name,address\nBD,Rupa Knit Unit 2,Dhaka\n", options: .init(filename: "p.csv", brandID: brand.id), principal: principal)
            let row = try #require(try await SupplierImportRow.query(on: app.db).first())
            let caseworker = try await Fixtures.session(app, for: try #require(try await User.find(s.caseworker.id, on: app.db)))
            let coordinator = try await Fixtures.session(app, for: try #require(try await User.find(s.coordinator.id, on: app.db)))
            let pages: [(Browser, String, String)] = [
                (caseworker, "/factories", "factories.title"), (caseworker, "/factories?q=rupa", "factories.title"), (caseworker, "/factories/new", "factory.new"),
                (caseworker, "/factories/\(file.factoryID!)", "factory.title"), (caseworker, "/factories/\(file.factoryID!)/edit", "factory.edit"),
                (caseworker, "/brands", "brands.title"), (caseworker, "/brands/new", "brand.new"), (caseworker, "/brands/\(brand.id!)", "brand.title"),
                (caseworker, "/brands/\(brand.id!)/edit", "brand.edit"), (caseworker, "/imports", "imports.title"), (caseworker, "/imports/\(report.import_id!)", "imports.report"),
                (caseworker, "/imports/review", "imports.review"), (caseworker, "/imports/rows/\(row.id!)", "imports.compare"),
                (caseworker, "/cases/\(file.id!)/escalations/new", "escalation.new"), (caseworker, "/escalations/\(escalation.id!)", "escalation.title"),
                (caseworker, "/cases/\(file.id!)", "cases.detail_title"), (caseworker, "/cases/\(file.id!)/workers/\(worker.id!)/edit", "claims.edit_title"),
                (coordinator, "/ledger", "ledger.title"), (coordinator, "/admin/letters", "letters.title"), (coordinator, "/work", "work.title"),
            ]
            for (browser, path, titleKey) in pages {
                let response = try await browser.get(path)
                #expect(response.status == .ok, "\(path)")
                let html = response.text
                #expect(html.contains("<html lang=\"\(language.rawValue)\">"), "\(path)")
                #expect(html.contains("<title>\(app.catalog.string(titleKey, language)) · Songhoti</title>"), "\(path)")
                #expect(!html.contains("⟦") && !html.contains("#("), "\(path)")
            }
            // Forms come back filled in with the reason beside the field.
            let bad = try await caseworker.post("/factories", ["name": "Typo Garments", "country": "BD", "os_id": "BD2019067X1K87A"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("value=\"Typo Garments\""))
            #expect(bad.text.contains("id=\"os_id-error\""))
        }
    }

    @Test func pagesRenderInEnglish() async throws { try await pagesRender(.english) }
    @Test func pagesRenderInBangla() async throws { try await pagesRender(.bangla) }
}
