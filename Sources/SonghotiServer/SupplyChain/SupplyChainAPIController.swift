import Fluent
import Foundation
import SonghotiCore
import Vapor

/// `/api/v1`: factories, brands, sourcing links, supplier-list imports, escalations and the ledger.
struct SupplyChainAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let factories = routes.grouped("factories")
        factories.get(use: listFactories)
        factories.post(use: createFactory)
        factories.get(":factoryID", use: showFactory)
        factories.patch(":factoryID", use: updateFactory)
        factories.post(":factoryID", "merge", use: merge)
        routes.post("factory-merges", ":mergeID", "undo", use: undo)
        let brands = routes.grouped("brands")
        brands.get(use: listBrands)
        brands.post(use: createBrand)
        brands.get(":brandID", use: showBrand)
        brands.patch(":brandID", use: updateBrand)
        brands.post(":brandID", "commitments", use: addCommitment)
        routes.get("sourcing-links", use: listLinks)
        routes.on(.POST, "sourcing-links", ":linkID", "document", body: .collect(maxSize: ByteCount(integerLiteral: BodyLimit.uploadBytes)), use: linkDocument)
        routes.on(.POST, "escalations", ":escalationID", "responses", ":responseID", "document", body: .collect(maxSize: ByteCount(integerLiteral: BodyLimit.uploadBytes)),
                  use: responseDocument)
        routes.get("documents", ":documentID") { try await SupplyChainDocuments.download($0) }
        routes.post("sourcing-links", use: createLink)
        routes.on(.POST, "supplier-imports", body: .collect(maxSize: ByteCount(integerLiteral: ImportsWebController.maximumBytes)), use: runImport)
        routes.get("supplier-imports", "review", use: reviewQueue)
        routes.post("supplier-imports", "rows", ":rowID", use: decide)
        routes.get("supplier-imports", ":importID", use: importReport)
        routes.get("cases", ":caseID", "escalations", use: caseEscalations)
        routes.post("cases", ":caseID", "escalations", use: escalate)
        routes.get("escalations", "overdue", use: overdue)
        routes.get("escalations", ":escalationID", use: showEscalation)
        routes.post("escalations", ":escalationID", "responses", use: respond)
        routes.get("ledger", use: ledger)
        routes.get("ledger", "export", use: ledgerCSV)
        routes.get("letter-templates", use: templates)
        routes.put("letter-templates", ":language", use: saveTemplate)
    }

    private func authorize(_ req: Request, _ action: SupplyChainPolicy.Action) throws -> Principal {
        let principal = try req.principal()
        try req.authorize(SupplyChainPolicy.decide(principal, action))
        return principal
    }

    private func invalid<T>(_ req: Request, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let invalid as Invalid { throw ValidationFailure(errors: invalid.fieldErrors(req)) }
    }

    // MARK: factories

    struct IdentifierDTO: Content { let scheme: String; let value: String; let source: String }
    struct FactoryDTO: Content {
        let id: UUID; let name: String; let other_names: [String]; let address: String; let country: String
        let division: String; let district: String; let upazila: String; let latitude: Double?; let longitude: Double?
        let os_id: String?; let identifiers: [IdentifierDTO]; let worker_band: String?; let products: String; let parent_company: String
        let union_presence: String; let closed: Bool; let source: String; let created_by: UUID?; let created_at: Date?; let updated_at: Date?
    }

    static func dto(_ factory: FactoryRecord, on db: any Database) async throws -> FactoryDTO {
        let id = try factory.requireID()
        let names = try await FactoryName.query(on: db).filter(\.$factoryID == id).sort(\.$name).all().map(\.name)
        let identifiers = try await FactoryIdentifier.query(on: db).filter(\.$factoryID == id).all().map { IdentifierDTO(scheme: $0.scheme, value: $0.value, source: $0.source) }
        return FactoryDTO(id: id, name: factory.name, other_names: names, address: factory.address, country: factory.country, division: factory.division,
                          district: factory.district, upazila: factory.upazila, latitude: factory.latitude, longitude: factory.longitude, os_id: factory.osID,
                          identifiers: identifiers, worker_band: factory.workerBand, products: factory.products, parent_company: factory.parentCompany,
                          union_presence: factory.unionPresence, closed: factory.closed, source: factory.source, created_by: factory.createdBy,
                          created_at: factory.createdAt, updated_at: factory.updatedAt)
    }

    func listFactories(req: Request) async throws -> PageDTO<FactoryDTO> {
        _ = try authorize(req, .view)
        let limit = try Cursor.limit(req)
        let offset = try req.query[String.self, at: "cursor"].map { raw -> Int in
            guard let data = Data(base64Encoded: raw), let value = Int(String(decoding: data, as: UTF8.self)), value >= 0 else {
                throw ValidationFailure(errors: [FieldError(field: "cursor", message: "not a cursor from this API")])
            }
            return value
        } ?? 0
        let found = try await FactoriesWebController.search(q: req.query[String.self, at: "q"] ?? "", country: (req.query[String.self, at: "country"] ?? "").uppercased(),
                                                            offset: offset, limit: limit + 1, on: req.db)
        var items: [FactoryDTO] = []
        for factory in found.prefix(limit) { items.append(try await Self.dto(factory, on: req.db)) }
        return PageDTO(items: items, next_cursor: found.count > limit ? Data("\(offset + limit)".utf8).base64EncodedString() : nil)
    }

    struct FactoryBody: Content {
        var name: String?; var other_names: [String]?; var address: String?; var country: String?; var division: String?; var district: String?; var upazila: String?
        var latitude: Double?; var longitude: Double?; var os_id: String?; var identifiers: [IdentifierBody]?; var worker_band: String?; var products: String?
        var parent_company: String?; var union_presence: String?; var closed: Bool?; var source: String?
    }
    struct IdentifierBody: Content { var scheme: String; var value: String }

    private func input(_ body: FactoryBody) -> FactoryService.Input {
        FactoryService.Input(name: body.name, otherNames: body.other_names, address: body.address, country: body.country, division: body.division,
                             district: body.district, upazila: body.upazila,
                             latitude: body.latitude.map { String($0) } ?? (body.longitude != nil ? "" : nil),
                             longitude: body.longitude.map { String($0) } ?? (body.latitude != nil ? "" : nil),
                             osID: body.os_id, identifiers: body.identifiers?.map { "\($0.scheme):\($0.value)" }, workerBand: body.worker_band,
                             products: body.products, parentCompany: body.parent_company, unionPresence: body.union_presence, closed: body.closed, source: body.source)
    }

    func createFactory(req: Request) async throws -> Response {
        let principal = try authorize(req, .edit)
        let body = try req.decodeJSON(FactoryBody.self)
        let factory = try await invalid(req) { try await FactoryService(context: req.change).create(input(body), principal: principal) }
        return try await req.created(try await Self.dto(factory, on: req.db), at: "/api/v1/factories/\(try factory.requireID())")
    }

    /// A merged id answers 301 with the surviving factory's address.
    private func loadFactory(_ req: Request) async throws -> (FactoryRecord, moved: Bool) {
        guard let id = req.parameters.get("factoryID", as: UUID.self), let factory = try await FactoryService.live(id, on: req.db) else { throw Abort(.notFound) }
        return (factory, factory.id != id)
    }

    func showFactory(req: Request) async throws -> Response {
        _ = try authorize(req, .view)
        let (factory, moved) = try await loadFactory(req)
        if moved { return req.redirect(to: "/api/v1/factories/\(factory.id!)", redirectType: .permanent) }
        return try await Self.dto(factory, on: req.db).encodeResponse(for: req)
    }

    func updateFactory(req: Request) async throws -> FactoryDTO {
        let principal = try authorize(req, .edit)
        let (factory, moved) = try await loadFactory(req)
        if moved { throw Abort(.conflict, reason: "This factory was merged into \(factory.id!); change that one.") }
        let body = try req.decodeJSON(FactoryBody.self)
        try await invalid(req) { try await FactoryService(context: req.change).update(factory, with: input(body), principal: principal) }
        return try await Self.dto(factory, on: req.db)
    }

    struct MergeBody: Content { var duplicate_id: UUID }
    struct MergeDTO: Content { let id: UUID; let survivor_id: UUID; let merged_id: UUID; let moved_cases: Int; let moved_links: Int; let undone: Bool }

    func merge(req: Request) async throws -> Response {
        let principal = try authorize(req, .merge)
        let (survivor, moved) = try await loadFactory(req)
        if moved { throw Abort(.conflict, reason: "This factory was itself merged into \(survivor.id!).") }
        let body = try req.decodeJSON(MergeBody.self)
        guard let duplicate = try await FactoryRecord.find(body.duplicate_id, on: req.db) else {
            throw ValidationFailure(errors: [FieldError(field: "duplicate_id", message: req.t("factory.error.duplicate"))])
        }
        do {
            let merge = try await FactoryService(context: req.change).merge(duplicate, into: survivor, principal: principal)
            let movedItems = try JSONDecoder().decode(FactoryMerge.Moved.self, from: Data(merge.moved.utf8))
            return try await req.created(MergeDTO(id: merge.id!, survivor_id: merge.survivorID, merged_id: merge.mergedID, moved_cases: movedItems.cases.count,
                                                  moved_links: movedItems.links.count, undone: false), at: "/api/v1/factories/\(merge.survivorID)")
        } catch is FactoryService.MergeRefusal {
            throw ValidationFailure(errors: [FieldError(field: "duplicate_id", message: req.t("factory.error.duplicate"))])
        }
    }

    func undo(req: Request) async throws -> MergeDTO {
        let principal = try authorize(req, .merge)
        guard let id = req.parameters.get("mergeID", as: UUID.self), let merge = try await FactoryMerge.find(id, on: req.db) else { throw Abort(.notFound) }
        do { try await FactoryService(context: req.change).undo(merge, principal: principal) } catch is FactoryService.MergeRefusal {
            throw Abort(.conflict, reason: "This merge cannot be undone now: it is already undone, or the surviving factory was itself merged since.")
        }
        let moved = try JSONDecoder().decode(FactoryMerge.Moved.self, from: Data(merge.moved.utf8))
        return MergeDTO(id: id, survivor_id: merge.survivorID, merged_id: merge.mergedID, moved_cases: moved.cases.count, moved_links: moved.links.count, undone: true)
    }

    // MARK: brands

    struct CommitmentDTO: Content { let id: UUID; let kind: String; let statement: String; let made_on: String; let source: String; let recorded_by: UUID; let recorded_at: Date? }
    struct BrandDTO: Content {
        let id: UUID; let name: String; let other_names: [String]; let headquarters: String; let website: String; let parent_company: String
        let accord_signatory: Bool; let accord_from: String; let accord_to: String; let accord_source: String; let pledge: String; let pledge_source: String
        let commitments: [CommitmentDTO]?; let response_statistics: Statistics?; let created_by: UUID?; let created_at: Date?
    }
    struct Statistics: Content { let letters: Int; let answered: Int; let response_rate: Double?; let median_days_to_first_response: Double?; let remedy_delivered: Int }

    private func brandDTO(_ brand: Brand, detail: Bool, _ req: Request) async throws -> BrandDTO {
        var commitments: [CommitmentDTO]?
        var statistics: Statistics?
        if detail {
            let id = try brand.requireID()
            commitments = try await BrandCommitment.query(on: req.db).filter(\.$brandID == id).sort(\.$madeOn).all().map {
                CommitmentDTO(id: $0.id!, kind: $0.kind, statement: $0.statement, made_on: $0.madeOn, source: $0.source, recorded_by: $0.recordedBy, recorded_at: $0.createdAt)
            }
            let principal = try req.principal()
            let service = CaseService(context: req.change)
            var visible: [Escalation] = []
            for escalation in try await Escalation.query(on: req.db).filter(\.$brandID == id).all() {
                if let file = try await CaseFile.find(escalation.caseID, on: req.db), CasePolicy.listable(principal, facts: try await service.facts(file, on: req.db)) { visible.append(escalation) }
            }
            let responses = try await EscalationService.responses(for: visible, on: req.db)
            let stats = BrandResponseStatistics(visible.map { EscalationService.record($0, responses: responses[$0.id!] ?? []) })
            statistics = Statistics(letters: stats.letters, answered: stats.answered, response_rate: stats.responseRate,
                                    median_days_to_first_response: stats.medianDaysToFirstAnswer, remedy_delivered: stats.remedyDelivered)
        }
        return BrandDTO(id: try brand.requireID(), name: brand.name, other_names: brand.otherNameList, headquarters: brand.headquarters, website: brand.website,
                        parent_company: brand.parentCompany, accord_signatory: brand.accordSignatory, accord_from: brand.accordFrom, accord_to: brand.accordTo,
                        accord_source: brand.accordSource, pledge: brand.pledge, pledge_source: brand.pledgeSource, commitments: commitments,
                        response_statistics: statistics, created_by: brand.createdBy, created_at: brand.createdAt)
    }

    func listBrands(req: Request) async throws -> [BrandDTO] {
        _ = try authorize(req, .view)
        var result: [BrandDTO] = []
        for brand in try await Brand.query(on: req.db).sort(\.$name).all() { result.append(try await brandDTO(brand, detail: false, req)) }
        return result
    }

    struct BrandBody: Content {
        var name: String?; var other_names: [String]?; var headquarters: String?; var website: String?; var parent_company: String?
        var accord_signatory: Bool?; var accord_from: String?; var accord_to: String?; var accord_source: String?; var pledge: String?; var pledge_source: String?
    }

    private func input(_ body: BrandBody) -> BrandService.Input {
        BrandService.Input(name: body.name, otherNames: body.other_names, headquarters: body.headquarters, website: body.website, parentCompany: body.parent_company,
                           accordSignatory: body.accord_signatory, accordFrom: body.accord_from, accordTo: body.accord_to, accordSource: body.accord_source,
                           pledge: body.pledge, pledgeSource: body.pledge_source)
    }

    func createBrand(req: Request) async throws -> Response {
        let principal = try authorize(req, .edit)
        let body = try req.decodeJSON(BrandBody.self)
        let brand = try await invalid(req) { try await BrandService(context: req.change).create(input(body), principal: principal) }
        return try await req.created(try await brandDTO(brand, detail: true, req), at: "/api/v1/brands/\(try brand.requireID())")
    }

    private func loadBrand(_ req: Request) async throws -> Brand {
        guard let id = req.parameters.get("brandID", as: UUID.self), let brand = try await Brand.find(id, on: req.db) else { throw Abort(.notFound) }
        return brand
    }

    func showBrand(req: Request) async throws -> BrandDTO {
        _ = try authorize(req, .view)
        return try await brandDTO(try await loadBrand(req), detail: true, req)
    }

    func updateBrand(req: Request) async throws -> BrandDTO {
        let principal = try authorize(req, .edit)
        let brand = try await loadBrand(req)
        let body = try req.decodeJSON(BrandBody.self)
        try await invalid(req) { try await BrandService(context: req.change).update(brand, with: input(body), principal: principal) }
        return try await brandDTO(brand, detail: true, req)
    }

    struct CommitmentBody: Content { var kind: String; var statement: String; var made_on: String; var source: String }

    func addCommitment(req: Request) async throws -> Response {
        let principal = try authorize(req, .edit)
        let brand = try await loadBrand(req)
        let body = try req.decodeJSON(CommitmentBody.self)
        let made = try await invalid(req) {
            try await BrandService(context: req.change).addCommitment(.init(kind: body.kind, statement: body.statement, madeOn: body.made_on, source: body.source), to: brand, principal: principal)
        }
        return try await req.created(CommitmentDTO(id: made.id!, kind: made.kind, statement: made.statement, made_on: made.madeOn, source: made.source,
                                                   recorded_by: made.recordedBy, recorded_at: made.createdAt), at: "/api/v1/brands/\(brand.id!)")
    }

    // MARK: sourcing links

    struct LinkDTO: Content {
        let id: UUID; let brand_id: UUID; let factory_id: UUID; let evidence: String; let period_from: String; let period_to: String; let confidence: String
        let source_url: String; let source_note: String; let document_id: UUID?; let import_id: UUID?; let recorded_by: UUID?; let recorded_at: Date?
        init(_ link: SourcingLink) {
            id = link.id!; brand_id = link.brandID; factory_id = link.factoryID; evidence = link.evidence; period_from = link.periodFrom; period_to = link.periodTo
            confidence = link.confidence; source_url = link.sourceURL; source_note = link.sourceNote; document_id = link.documentID; import_id = link.importID; recorded_by = link.recordedBy; recorded_at = link.createdAt
        }
    }

    func listLinks(req: Request) async throws -> [LinkDTO] {
        _ = try authorize(req, .view)
        let factory = req.query[UUID.self, at: "factory_id"]
        let brand = req.query[UUID.self, at: "brand_id"]
        guard factory != nil || brand != nil else {
            throw ValidationFailure(errors: [FieldError(field: "factory_id", message: "give factory_id or brand_id")])
        }
        var query = SourcingLink.query(on: req.db)
        if let factory, let live = try await FactoryService.live(factory, on: req.db) { query = query.filter(\.$factoryID == live.id!) } else if factory != nil { return [] }
        if let brand { query = query.filter(\.$brandID == brand) }
        return try await query.sort(\.$createdAt).all().map(LinkDTO.init)
    }

    struct LinkBody: Content {
        var brand_id: String; var factory_id: String; var evidence: String; var period_from: String?; var period_to: String?
        var confidence: String?; var source_url: String?; var source_note: String?
    }

    func createLink(req: Request) async throws -> Response {
        let principal = try authorize(req, .edit)
        let body = try req.decodeJSON(LinkBody.self)
        let link = try await invalid(req) {
            try await BrandService(context: req.change).link(.init(brandID: body.brand_id, factoryID: body.factory_id, evidence: body.evidence,
                                                                   periodFrom: body.period_from ?? "", periodTo: body.period_to ?? "",
                                                                   confidence: body.confidence ?? SourcingLink.Confidence.likely.rawValue,
                                                                   sourceURL: body.source_url ?? "", sourceNote: body.source_note ?? ""), principal: principal)
        }
        return try await req.created(LinkDTO(link), at: "/api/v1/sourcing-links?factory_id=\(link.factoryID)")
    }

    struct Upload: Content { var file: File }

    private func upload(_ req: Request) throws -> SupplyChainDocuments.Upload {
        guard let upload = try? req.content.decode(Upload.self), upload.file.data.readableBytes > 0 else {
            throw ValidationFailure(errors: [FieldError(field: "file", message: req.t("evidence.error.empty"))])
        }
        return SupplyChainDocuments.Upload(data: Data(buffer: upload.file.data), filename: upload.file.filename)
    }

    private func refusals<T>(_ req: Request, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let refusal as EvidenceStore.Refusal {
            throw ValidationFailure(errors: [FieldError(field: "file", message: req.t(EvidenceStore.refusalKey(refusal)))])
        }
    }

    /// multipart/form-data, one part named `file`: the link's source document (replaces an earlier one).
    func linkDocument(req: Request) async throws -> LinkDTO {
        let principal = try authorize(req, .edit)
        guard let id = req.parameters.get("linkID", as: UUID.self), let link = try await SourcingLink.find(id, on: req.db) else { throw Abort(.notFound) }
        let file = try upload(req)
        try await refusals(req) { try await SupplyChainDocuments(context: req.change).attach(file, toLink: link, principal: principal) }
        return LinkDTO(link)
    }

    /// multipart/form-data, one part named `file`: a document that came with a brand's answer.
    func responseDocument(req: Request) async throws -> EscalationDTO {
        let principal = try authorize(req, .escalate)
        let escalation = try await loadEscalation(req, .update)
        guard let id = req.parameters.get("responseID", as: UUID.self), let response = try await EscalationResponse.find(id, on: req.db),
              response.escalationID == escalation.id else { throw Abort(.notFound) }
        let file = try upload(req)
        try await refusals(req) { try await SupplyChainDocuments(context: req.change).attach(file, toResponse: response, of: escalation, principal: principal) }
        return try await dto(escalation, req)
    }

    // MARK: imports

    /// The CSV is the request body (`text/csv`); options are query parameters.
    func runImport(req: Request) async throws -> Response {
        let principal = try authorize(req, .edit)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw ValidationFailure(errors: [FieldError(field: "body", message: req.t("imports.error.file"))]) }
        guard let text = String(data: Data(buffer: buffer), encoding: .utf8) else { throw ValidationFailure(errors: [FieldError(field: "body", message: req.t("imports.error.encoding"))]) }
        let rawFormat = req.query[String.self, at: "format"] ?? "auto"
        guard let format = SupplierListFormat(rawValue: rawFormat) else { throw ValidationFailure(errors: [FieldError(field: "format", message: req.t("form.error.choose"))]) }
        let brandID = try req.query[String.self, at: "brand_id"].map { raw -> UUID in
            guard let id = UUID(uuidString: raw) else { throw ValidationFailure(errors: [FieldError(field: "brand_id", message: req.t("form.error.choose"))]) }
            return id
        }
        let options = SupplierImportService.Options(filename: String((req.query[String.self, at: "filename"] ?? "upload.csv").prefix(200)), brandID: brandID,
                                                    format: format, dryRun: req.query[Bool.self, at: "dry_run"] ?? false)
        do {
            let report = try await invalid(req) { try await SupplierImportService(context: req.change).run(text, options: options, principal: principal) }
            return try await report.encodeResponse(status: report.dry_run ? .ok : .created, for: req)
        } catch let error as SupplierListError {
            throw ValidationFailure(errors: [FieldError(field: "body", message: ImportsWebController.describe(error, req))])
        }
    }

    func importReport(req: Request) async throws -> SupplierImportService.Report {
        _ = try authorize(req, .view)
        guard let id = req.parameters.get("importID", as: UUID.self), let (report, _) = try await SupplierImportService.storedReport(id, on: req.db) else {
            throw Abort(.notFound)
        }
        return report
    }

    struct ReviewRowDTO: Content {
        let id: UUID; let import_id: UUID; let row: Int; let name: String; let address: String; let country: String; let os_id: String?
        let score: Double?; let candidates: [SupplierImportService.Candidate]; let resolution: String
    }

    func reviewQueue(req: Request) async throws -> [ReviewRowDTO] {
        _ = try authorize(req, .view)
        var result: [ReviewRowDTO] = []
        for row in try await SupplierImportRow.query(on: req.db).filter(\.$resolution == SupplierImportRow.Resolution.pending.rawValue).sort(\.$importID).sort(\.$row).limit(200).all() {
            result.append(ReviewRowDTO(id: row.id!, import_id: row.importID, row: row.row, name: row.name, address: row.address, country: row.countryCode ?? row.country,
                                       os_id: row.osID, score: row.score, candidates: try await SupplierImportService.currentCandidates(for: row, on: req.db), resolution: row.resolution))
        }
        return result
    }

    struct DecisionBody: Content { var decision: String; var factory_id: UUID? }

    func decide(req: Request) async throws -> ReviewRowDTO {
        let principal = try authorize(req, .edit)
        guard let id = req.parameters.get("rowID", as: UUID.self), let row = try await SupplierImportRow.find(id, on: req.db) else { throw Abort(.notFound) }
        let body = try req.decodeJSON(DecisionBody.self)
        guard let decision = SupplierImportService.Decision(rawValue: body.decision) else {
            throw ValidationFailure(errors: [FieldError(field: "decision", message: "accept, reject or new_factory")])
        }
        try await invalid(req) { try await SupplierImportService(context: req.change).resolve(row, decision: decision, factoryID: body.factory_id, principal: principal) }
        return ReviewRowDTO(id: id, import_id: row.importID, row: row.row, name: row.name, address: row.address, country: row.countryCode ?? row.country, os_id: row.osID,
                            score: row.score, candidates: [], resolution: row.resolution)
    }

    // MARK: escalations

    struct ResponseDTO: Content { let id: UUID; let kind: String; let on_date: String; let note: String; let document_url: String; let document_id: UUID?; let recorded_by: UUID }
    struct EscalationDTO: Content {
        let id: UUID; let case_id: UUID; let brand_id: UUID; let language: String; let channel: String; let sent_on: String; let deadline: String
        let names_included: Int; let subject: String; let letter: String; let overdue: Bool; let responses: [ResponseDTO]
    }

    private func dto(_ escalation: Escalation, _ req: Request) async throws -> EscalationDTO {
        let letter = try EscalationService(context: req.change).letter(of: escalation)
        let responses = try await EscalationResponse.query(on: req.db).filter(\.$escalationID == escalation.requireID()).sort(\.$onDate).sort(\.$createdAt).all()
        let today = CalendarDate.today(in: req.application.songhotiSettings.timeZone)
        return EscalationDTO(id: escalation.id!, case_id: escalation.caseID, brand_id: escalation.brandID, language: escalation.language, channel: escalation.channel,
                             sent_on: escalation.sentOn, deadline: escalation.deadline, names_included: escalation.namesIncluded, subject: letter.subject, letter: letter.body,
                             overdue: EscalationService.record(escalation, responses: responses).isOverdue(today: today),
                             responses: responses.map { ResponseDTO(id: $0.id!, kind: $0.kind, on_date: $0.onDate, note: $0.note, document_url: $0.documentURL, document_id: $0.documentID, recorded_by: $0.recordedBy) })
    }

    private func caseFor(_ req: Request, _ action: CasePolicy.Action) async throws -> CaseFile {
        try await CasesAPIController().accessible(req, action)
    }

    struct SuggestionsDTO: Content { let suggested_brand_ids: [UUID]; let items: [EscalationDTO] }

    func caseEscalations(req: Request) async throws -> SuggestionsDTO {
        _ = try authorize(req, .view)
        let file = try await caseFor(req, .view)
        let suggested = try await EscalationService.suggestedBrands(for: file, on: req.db).map { $0.id! }
        var items: [EscalationDTO] = []
        for escalation in try await Escalation.query(on: req.db).filter(\.$caseID == file.requireID()).sort(\.$sentOn).all() { items.append(try await dto(escalation, req)) }
        try await req.write { db in try await req.audit("case.escalation_view", "case", file.id!.uuidString, on: db) }
        return SuggestionsDTO(suggested_brand_ids: suggested, items: items)
    }

    struct EscalateBody: Content { var brand_ids: [String]; var language: String?; var channel: String?; var sent_on: String?; var deadline_days: Int?; var include_names: Bool? }

    func escalate(req: Request) async throws -> Response {
        let principal = try authorize(req, .escalate)
        let file = try await caseFor(req, .update)
        let body = try req.decodeJSON(EscalateBody.self)
        let input = EscalationService.Input(brandIDs: body.brand_ids, language: body.language ?? "en", channel: body.channel ?? Escalation.Channel.email.rawValue,
                                            sentOn: body.sent_on ?? CalendarDate.today(in: req.application.songhotiSettings.timeZone),
                                            deadlineDays: body.deadline_days.map { "\($0)" } ?? "", includeNames: body.include_names ?? false)
        let made = try await invalid(req) { try await EscalationService(context: req.change).create(input, for: file, principal: principal) }
        var items: [EscalationDTO] = []
        for escalation in made { items.append(try await dto(escalation, req)) }
        return try await req.created(items, at: "/api/v1/cases/\(file.id!)/escalations")
    }

    private func loadEscalation(_ req: Request, _ action: CasePolicy.Action) async throws -> Escalation {
        guard let id = req.parameters.get("escalationID", as: UUID.self), let escalation = try await Escalation.find(id, on: req.db),
              let file = try await CaseFile.find(escalation.caseID, on: req.db) else { throw Abort(.notFound) }
        let verdict = try await CaseService(context: req.change).verdict(file, action, principal: try req.principal(), on: req.db)
        if verdict == .needsReason { throw Abort(.forbidden, reason: "This case is restricted. State a reason with POST /api/v1/cases/\(file.id!)/access first.") }
        try req.authorize(verdict.decision)
        return escalation
    }

    func showEscalation(req: Request) async throws -> EscalationDTO {
        _ = try authorize(req, .view)
        let escalation = try await loadEscalation(req, .view)
        try await req.write { db in try await req.audit("case.escalation_view", "case", escalation.caseID.uuidString, on: db) }
        return try await dto(escalation, req)
    }

    struct ResponseBody: Content { var kind: String; var on_date: String; var note: String?; var document_url: String? }

    func respond(req: Request) async throws -> Response {
        let principal = try authorize(req, .escalate)
        let escalation = try await loadEscalation(req, .update)
        let body = try req.decodeJSON(ResponseBody.self)
        _ = try await invalid(req) {
            try await EscalationService(context: req.change).respond(.init(kind: body.kind, onDate: body.on_date, note: body.note ?? "", documentURL: body.document_url ?? ""),
                                                                     to: escalation, principal: principal)
        }
        return try await req.created(try await dto(escalation, req), at: "/api/v1/escalations/\(escalation.id!)")
    }

    struct OverdueDTO: Content { let id: UUID; let case_id: UUID; let reference: String; let brand_id: UUID; let brand: String; let sent_on: String; let deadline: String }

    func overdue(req: Request) async throws -> [OverdueDTO] {
        let principal = try authorize(req, .view)
        let today = CalendarDate.today(in: req.application.songhotiSettings.timeZone)
        return try await EscalationService.overdue(for: principal, today: today, context: req.change).map { escalation, file, brand in
            OverdueDTO(id: escalation.id!, case_id: file.id!, reference: file.reference, brand_id: brand.id!, brand: brand.name, sent_on: escalation.sentOn, deadline: escalation.deadline)
        }
    }

    // MARK: ledger and templates

    struct LedgerLineDTO: Content {
        let kind: String; let id: UUID; let name: String; let os_id: String?; let currency: String
        let owed_minor: [String: Int64]; let owed_total_minor: Int64; let promised_minor: Int64; let delivered_minor: Int64; let outstanding_minor: Int64
    }

    func ledger(req: Request) async throws -> [LedgerLineDTO] {
        let principal = try authorize(req, .viewLedger)
        let figures = try await LedgerService(context: req.change).figures(for: principal)
        func dto(_ kind: String, _ line: WageLedger.Line, _ name: String, _ os: String?) -> LedgerLineDTO {
            LedgerLineDTO(kind: kind, id: UUID(uuidString: line.key)!, name: name, os_id: os, currency: line.currency,
                          owed_minor: Dictionary(uniqueKeysWithValues: line.owed.map { ($0.key.rawValue, $0.value) }), owed_total_minor: line.owedTotal,
                          promised_minor: line.promised, delivered_minor: line.delivered, outstanding_minor: line.outstanding)
        }
        return figures.factories.lines.map { dto("factory", $0, figures.factoryNames[$0.key]?.name ?? "", figures.factoryNames[$0.key]?.osID) }
            + figures.brands.lines.map { dto("brand", $0, figures.brandNames[$0.key] ?? "", nil) }
    }

    func ledgerCSV(req: Request) async throws -> Response {
        let principal = try authorize(req, .viewLedger)
        let figures = try await LedgerService(context: req.change).figures(for: principal)
        try await req.write { db in try await req.audit("ledger.export", "ledger", nil, on: db) }
        return CaseExport.response(LedgerService.csv(figures), req: req, name: "ledger")
    }

    struct TemplateDTO: Content { let language: String; let subject: String; let body: String; let placeholders: [String] }

    func templates(req: Request) async throws -> [TemplateDTO] {
        _ = try authorize(req, .escalate)
        var result: [TemplateDTO] = []
        for language in EscalationService.letterLanguages {
            let template = try await EscalationService.template(language, app: req.application, on: req.db)
            result.append(TemplateDTO(language: language.rawValue, subject: template.subject, body: template.body, placeholders: LetterTemplate.Placeholder.allCases.map(\.rawValue)))
        }
        return result
    }

    struct TemplateBody: Content { var subject: String; var body: String }

    func saveTemplate(req: Request) async throws -> TemplateDTO {
        let principal = try authorize(req, .manageTemplates)
        guard let language = req.parameters.get("language").flatMap(Language.init(rawValue:)), EscalationService.letterLanguages.contains(language) else { throw Abort(.notFound) }
        let body = try req.decodeJSON(TemplateBody.self)
        let template = LetterTemplate(subject: body.subject, body: body.body)
        switch template.problem() {
        case .unknownPlaceholder(let name): throw ValidationFailure(errors: [FieldError(field: "body", message: req.t("letters.error.placeholder", name))])
        case .unclosedPlaceholder: throw ValidationFailure(errors: [FieldError(field: "body", message: req.t("letters.error.unclosed"))])
        case .empty: throw ValidationFailure(errors: [FieldError(field: "body", message: req.t("form.error.required_short"))])
        case nil: break
        }
        try await req.write { db in
            let record = try await LetterTemplateRecord.find(language.rawValue, on: db) ?? LetterTemplateRecord(language: language.rawValue, subject: "", body: "")
            record.subject = body.subject
            record.body = body.body
            record.updatedBy = principal.userID
            try await record.save(on: db)
            try await req.audit("letters.update", "organisation", nil, on: db)
        }
        return TemplateDTO(language: language.rawValue, subject: body.subject, body: body.body, placeholders: LetterTemplate.Placeholder.allCases.map(\.rawValue))
    }
}
