import Fluent
import Foundation
import SonghotiCore
import Vapor

/// `/imports`: upload a supplier list, read its report, and work through the review queue.
struct ImportsWebController: RouteCollection {
    typealias Option = SupplyChainWeb.Option
    static let maximumBytes = EvidenceType.maximumBytes

    func boot(routes: any RoutesBuilder) throws {
        let imports = routes.grouped("imports")
        imports.get(use: index)
        imports.on(.POST, body: .collect(maxSize: ByteCount(integerLiteral: Self.maximumBytes + 64 * 1024)), use: upload)
        imports.get("review", use: review)
        imports.get("rows", ":rowID", use: row)
        imports.post("rows", ":rowID", use: decide)
        imports.get(":importID", use: report)
    }

    struct ImportRow: Encodable { let id: String; let filename: String; let brand: String; let when: String; let matched: Int; let review: Int; let created: Int; let rejected: Int }
    struct IndexView: Encodable {
        let imports: [ImportRow]; let hasImports: Bool; let pending: Int; let canEdit: Bool
        let brands: [Option]; let formats: [Option]; let errors: [String: String]
    }

    func index(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .view)
        return try await indexPage(req)
    }

    private func indexPage(_ req: Request, errors: [String: String] = [:], status: HTTPStatus = .ok) async throws -> Response {
        let imports = try await SupplierImport.query(on: req.db).sort(\.$createdAt, .descending).limit(50).all()
        let brands = try await Brand.query(on: req.db).sort(\.$name).all()
        let names = Dictionary(uniqueKeysWithValues: brands.map { ($0.id!, $0.name) })
        let rows = imports.map {
            ImportRow(id: $0.id!.uuidString, filename: $0.filename, brand: $0.brandID.flatMap { names[$0] } ?? "—", when: $0.createdAt.map(req.format.dateTime) ?? "",
                      matched: $0.matched, review: $0.review, created: $0.created, rejected: $0.rejected)
        }
        let pending = try await SupplierImportRow.query(on: req.db).filter(\.$resolution == SupplierImportRow.Resolution.pending.rawValue).count()
        let view = IndexView(imports: rows, hasImports: !rows.isEmpty, pending: pending, canEdit: SupplyChainWeb.can(req, .edit),
                             brands: [Option(value: "", label: req.t("imports.no_brand"), selected: true)] + brands.map { Option(value: $0.id!.uuidString, label: $0.name, selected: false) },
                             formats: CasesWebController.options(Array(SupplierListFormat.allCases.reversed()), req, key: { (format: SupplierListFormat) in "imports.format.\(format.rawValue)" }, selected: SupplierListFormat.auto.rawValue),
                             errors: errors)
        return try await req.page("imports", titleKey: "imports.title", view, status: status)
    }

    struct UploadForm: Content { var file: File?; var brand_id: String?; var format: String?; var dry_run: String? }

    func upload(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .edit)
        let form = try? req.content.decode(UploadForm.self)
        guard let file = form?.file, file.data.readableBytes > 0 else { return try await indexPage(req, errors: ["file": req.t("imports.error.file")], status: .unprocessableEntity) }
        guard let text = String(data: Data(buffer: file.data), encoding: .utf8) else {
            return try await indexPage(req, errors: ["file": req.t("imports.error.encoding")], status: .unprocessableEntity)
        }
        let brandID = (form?.brand_id).flatMap(UUID.init(uuidString:))
        let format = SupplierListFormat(rawValue: form?.format ?? "auto") ?? .auto
        let options = SupplierImportService.Options(filename: String(file.filename.suffix(200)), brandID: brandID, format: format, dryRun: form?.dry_run == "on")
        let report: SupplierImportService.Report
        do {
            report = try await SupplierImportService(context: req.change).run(text, options: options, principal: principal)
        } catch let error as SupplierListError {
            return try await indexPage(req, errors: ["file": Self.describe(error, req)], status: .unprocessableEntity)
        } catch let invalid as Invalid {
            return try await indexPage(req, errors: invalid.translated(req), status: .unprocessableEntity)
        }
        if let id = report.import_id { return req.seeOther("/imports/\(id)?notice=import_done") }
        return try await reportPage(req, report, status: .ok)
    }

    static func describe(_ error: SupplierListError, _ req: Request) -> String {
        switch error {
        case .empty: return req.t("imports.error.empty")
        case .missingColumns(let columns): return req.t("imports.error.columns", columns.joined(separator: ", "))
        case .unrecognisedFormat: return req.t("imports.error.format")
        case .malformed(let row): return req.t("imports.error.malformed", "\(row)")
        }
    }

    struct ReportRow: Encodable { let row: Int; let name: String; let country: String; let outcome: String; let outcomeKey: String; let factoryID: String?; let osID: String; let score: String; let reason: String; let reviewID: String? }
    struct ReportView: Encodable { let filename: String; let dryRun: Bool; let format: String; let counts: [Option]; let rows: [ReportRow] }

    private func reportPage(_ req: Request, _ report: SupplierImportService.Report, reviewIDs: [Int: UUID] = [:], status: HTTPStatus) async throws -> Response {
        let rows = report.rows.map { row in
            ReportRow(row: row.row, name: row.name, country: row.country, outcome: req.t("imports.outcome.\(row.outcome)"), outcomeKey: row.outcome,
                      factoryID: row.factory_id?.uuidString, osID: row.os_id ?? "", score: row.score.map { String(format: "%.2f", $0) } ?? "",
                      reason: Self.reason(row.reason, problems: row.problems, req), reviewID: reviewIDs[row.row]?.uuidString)
        }
        let counts = ["matched", "review", "new", "rejected"].map { Option(value: "\(report.counts[$0] ?? 0)", label: req.t("imports.outcome.\($0)"), selected: false) }
        return try await req.page("import", titleKey: "imports.report", ReportView(filename: report.filename, dryRun: report.dry_run, format: req.t("imports.format.\(report.format)"), counts: counts, rows: rows), status: status)
    }

    static func reason(_ code: String, problems: [String], _ req: Request) -> String {
        ([code] + problems).map { req.t("imports.reason.\($0)") }.joined(separator: "; ")
    }

    func report(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .view)
        guard let id = req.parameters.get("importID", as: UUID.self), let (report, reviewIDs) = try await SupplierImportService.storedReport(id, on: req.db) else {
            throw Abort(.notFound)
        }
        return try await reportPage(req, report, reviewIDs: reviewIDs, status: .ok)
    }

    struct QueueRow: Encodable { let id: String; let row: Int; let filename: String; let name: String; let country: String; let score: String }
    struct QueueView: Encodable { let rows: [QueueRow]; let hasRows: Bool }

    func review(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .view)
        let pending = try await SupplierImportRow.query(on: req.db).filter(\.$resolution == SupplierImportRow.Resolution.pending.rawValue).sort(\.$importID).sort(\.$row).limit(200).all()
        var files: [UUID: String] = [:]
        for id in Set(pending.map(\.importID)) { files[id] = try await SupplierImport.find(id, on: req.db)?.filename }
        let rows = pending.map { QueueRow(id: $0.id!.uuidString, row: $0.row, filename: files[$0.importID] ?? "", name: $0.name, country: $0.country, score: $0.score.map { String(format: "%.2f", $0) } ?? "") }
        return try await req.page("import-review", titleKey: "imports.review", QueueView(rows: rows, hasRows: !rows.isEmpty))
    }

    struct Side: Encodable { let id: String; let name: String; let otherNames: String; let address: String; let country: String; let osID: String; let score: String; let reason: String }
    struct RowView: Encodable { let id: String; let row: Int; let filename: String; let incoming: Side; let candidates: [Side]; let hasCandidates: Bool; let resolved: String?; let canEdit: Bool; let errors: [String: String] }

    private func loadRow(_ req: Request) async throws -> SupplierImportRow {
        guard let id = req.parameters.get("rowID", as: UUID.self), let row = try await SupplierImportRow.find(id, on: req.db) else { throw Abort(.notFound) }
        return row
    }

    func row(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .view)
        return try await rowPage(req, try await loadRow(req))
    }

    private func rowPage(_ req: Request, _ row: SupplierImportRow, errors: [String: String] = [:], status: HTTPStatus = .ok) async throws -> Response {
        let batch = try await SupplierImport.find(row.importID, on: req.db)
        let candidates = row.resolution == SupplierImportRow.Resolution.pending.rawValue
            ? try await SupplierImportService.currentCandidates(for: row, on: req.db)
            : (try? JSONDecoder().decode([SupplierImportService.Candidate].self, from: Data(row.candidates.utf8))) ?? []
        var sides: [Side] = []
        for candidate in candidates {
            guard let factory = try await FactoryService.live(candidate.factory_id, on: req.db) else { continue }
            let names = try await FactoryName.query(on: req.db).filter(\.$factoryID == factory.requireID()).all().map(\.name)
            sides.append(Side(id: factory.id!.uuidString, name: factory.name, otherNames: names.joined(separator: "; "), address: factory.address, country: factory.country,
                              osID: factory.osID ?? "", score: String(format: "%.2f (%.2f / %.2f)", candidate.score, candidate.name_score, candidate.address_score),
                              reason: req.t("imports.reason.\(candidate.reason)")))
        }
        let incoming = Side(id: "", name: row.name, otherNames: "", address: row.address, country: row.countryCode ?? row.country, osID: row.osID ?? "", score: "", reason: "")
        let resolved = row.resolution == SupplierImportRow.Resolution.pending.rawValue ? nil : req.t("imports.resolution.\(row.resolution)")
        let view = RowView(id: row.id!.uuidString, row: row.row, filename: batch?.filename ?? "", incoming: incoming, candidates: sides, hasCandidates: !sides.isEmpty,
                           resolved: resolved, canEdit: SupplyChainWeb.can(req, .edit), errors: errors)
        return try await req.page("import-row", titleKey: "imports.compare", view, status: status)
    }

    func decide(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .edit)
        let row = try await loadRow(req)
        let raw = SupplyChainWeb.form(req, "decision")
        guard let decision = SupplierImportService.Decision(rawValue: raw) else {
            return try await rowPage(req, row, errors: ["decision": req.t("form.error.choose")], status: .unprocessableEntity)
        }
        do {
            try await SupplierImportService(context: req.change).resolve(row, decision: decision, factoryID: UUID(uuidString: SupplyChainWeb.form(req, "factory_id")), principal: principal)
        } catch let invalid as Invalid {
            return try await rowPage(req, row, errors: invalid.translated(req), status: .unprocessableEntity)
        }
        return req.seeOther("/imports/review?notice=review_decided")
    }
}
