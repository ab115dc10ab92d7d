import Fluent
import SonghotiCore
import Vapor

/// `/api/v1/cases`.
struct CasesAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cases = routes.grouped("cases")
        cases.get(use: list)
        cases.post(use: create)
        cases.get("export", use: export)
        cases.get("filters", use: savedFilters)
        cases.post("filters", use: saveFilter)
        cases.delete("filters", ":filterID", use: deleteFilter)
        cases.get(":caseID", use: show)
        cases.patch(":caseID", use: update)
        cases.get(":caseID", "workers", use: claims)
        cases.post(":caseID", "workers", use: addWorker)
        cases.patch(":caseID", "workers", ":workerID", use: updateClaim)
        cases.delete(":caseID", "workers", ":workerID", use: removeWorker)
        cases.post(":caseID", "access", use: access)
        cases.post(":caseID", "transitions", use: transition)
        cases.get(":caseID", "events", use: events)
        cases.post(":caseID", "events", use: addEvent)
        cases.get(":caseID", "referrals", use: referrals)
        cases.post(":caseID", "referrals", use: refer)
        cases.get(":caseID", "remedies", use: remedies)
        cases.post(":caseID", "remedies", use: recordRemedy)
        cases.on(.POST, ":caseID", "attachments", body: .collect(maxSize: ByteCount(integerLiteral: EvidenceType.maximumBytes + 64 * 1024)), use: upload)
    }

    struct AttachmentDTO: Content {
        let id: UUID
        let media_type: String
        let size: Int
        let sha256: String
        let uploaded_by: UUID
        let uploaded_at: Date?
    }

    struct Upload: Content { var file: File }

    /// multipart/form-data with one part named "file".
    func upload(req: Request) async throws -> Response {
        let file = try await accessible(req, .update)
        guard let upload = try? req.content.decode(Upload.self) else {
            throw ValidationFailure(errors: [FieldError(field: "file", message: req.t("evidence.error.empty"))])
        }
        do {
            let attachment = try await EvidenceStore(context: req.change).store(Data(buffer: upload.file.data), filename: upload.file.filename, on: file, principal: try req.principal())
            let dto = AttachmentDTO(id: try attachment.requireID(), media_type: attachment.mediaType, size: attachment.size, sha256: attachment.sha256,
                                    uploaded_by: attachment.uploadedBy, uploaded_at: attachment.createdAt)
            return try await req.created(dto, at: "/cases/\(try file.requireID())/attachments/\(try attachment.requireID())")
        } catch let refusal as EvidenceStore.Refusal {
            throw ValidationFailure(errors: [FieldError(field: "file", message: req.t(EvidenceStore.refusalKey(refusal)))])
        }
    }

    struct RemedyDTO: Content {
        let id: UUID
        let worker_id: UUID?
        let kind: String
        let stage: String
        let amount_minor: Int64?
        let currency: String?
        let on_date: String
        let confirmed_by_worker: String
        let note: String

        init(_ item: RemedyItem, cipher: FieldCipher) throws {
            id = try item.requireID()
            worker_id = item.workerID
            kind = item.kind
            stage = item.stage
            amount_minor = item.amountMinor
            currency = item.currency
            on_date = item.onDate
            confirmed_by_worker = item.confirmed
            note = try item.noteText(cipher)
        }
    }

    struct RemediesDTO: Content {
        let items: [RemedyDTO]
        /// Minor units per currency.
        let promised: [String: Int64]
        let delivered: [String: Int64]
    }

    struct RemedyBody: Content {
        var worker_id: UUID?
        var kind: String
        var stage: String
        /// A decimal string such as "12500.50" (never a floating-point number).
        var amount: String?
        var currency: String?
        var on_date: String
        var confirmed_by_worker: String?
        var note: String?
    }

    func remedies(req: Request) async throws -> RemediesDTO {
        let file = try await accessible(req, .view)
        let items = try await RemedyItem.query(on: req.db).filter(\.$caseID == file.requireID()).sort(\.$onDate).all()
        let totals = RemedyService.totals(items)
        return RemediesDTO(items: try items.map { try RemedyDTO($0, cipher: req.application.fieldProtection.cipher) }, promised: totals.promised, delivered: totals.delivered)
    }

    func recordRemedy(req: Request) async throws -> Response {
        let file = try await accessible(req, .update)
        let body = try req.decodeJSON(RemedyBody.self)
        let input = RemedyService.Input(workerID: body.worker_id?.uuidString ?? "", kind: body.kind, stage: body.stage, amount: body.amount ?? "",
                                        currency: body.currency ?? "BDT", onDate: body.on_date, confirmed: body.confirmed_by_worker ?? "unknown", note: body.note ?? "")
        do {
            let item = try await RemedyService(context: req.change).record(input, on: file, principal: try req.principal())
            return try await req.created(try RemedyDTO(item, cipher: req.application.fieldProtection.cipher), at: "/api/v1/cases/\(try file.requireID())/remedies")
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
    }

    struct ReferralDTO: Content {
        let id: UUID
        let worker_id: UUID
        let partner_id: UUID
        let status: String
        let follow_up_on: String?
        let feedback: String
        let consent_overridden: Bool

        init(_ referral: Referral, cipher: FieldCipher) throws {
            id = try referral.requireID()
            worker_id = referral.workerID
            partner_id = referral.partnerID
            status = referral.status
            follow_up_on = referral.followUpOn
            feedback = try referral.feedbackText(cipher)
            consent_overridden = referral.overrideBy != nil
        }
    }

    struct ReferralBody: Content {
        var worker_id: UUID
        var partner_id: UUID
        var follow_up_on: String?
        /// A coordinator's written reason to refer without the worker's consent (at least 20 characters; audited).
        var override_reason: String?
    }

    func referrals(req: Request) async throws -> [ReferralDTO] {
        let file = try await accessible(req, .view)
        return try await Referral.query(on: req.db).filter(\.$caseID == file.requireID()).sort(\.$createdAt).all().map { try ReferralDTO($0, cipher: req.application.fieldProtection.cipher) }
    }

    func refer(req: Request) async throws -> Response {
        let file = try await accessible(req, .update)
        let body = try req.decodeJSON(ReferralBody.self)
        do {
            let referral = try await ReferralService(context: req.change).refer(file: file, workerID: body.worker_id, partnerID: body.partner_id,
                                                                                followUpOn: body.follow_up_on ?? "", overrideReason: body.override_reason,
                                                                                principal: try req.principal())
            return try await req.created(try ReferralDTO(referral, cipher: req.application.fieldProtection.cipher), at: "/api/v1/cases/\(try file.requireID())/referrals")
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        } catch let refused as ReferralService.ConsentRequired {
            throw Abort(.conflict, reason: req.t(ReferralService.refusalKey(refused.refusal)))
        }
    }

    struct EventDTO: Content {
        let id: UUID
        let kind: String
        let occurred_at: Date
        let body: String
        let author_id: UUID
        let edited: Bool
        let previous_versions: [String]
    }

    struct EventBody: Content { var kind: String; var body: String; var occurred_at: Date? }

    func accessible(_ req: Request, _ action: CasePolicy.Action) async throws -> CaseFile {
        let file = try await load(req)
        let verdict = try await CaseService(context: req.change).verdict(file, action, principal: try req.principal(), on: req.db)
        if verdict == .needsReason { throw Abort(.forbidden, reason: "This case is restricted. State a reason with POST /api/v1/cases/\(try file.requireID())/access first.") }
        try req.authorize(verdict.decision)
        return file
    }

    func events(req: Request) async throws -> [EventDTO] {
        let file = try await accessible(req, .view)
        let id = try file.requireID()
        try await req.write { db in try await req.audit("case.view", "case", id.uuidString, on: db) }
        return try await CaseTimeline(context: req.change).entries(of: file, on: req.db).map {
            EventDTO(id: $0.id, kind: $0.kind, occurred_at: $0.occurredAt, body: $0.body, author_id: $0.authorID, edited: $0.edited, previous_versions: $0.history)
        }
    }

    func addEvent(req: Request) async throws -> Response {
        let file = try await accessible(req, .update)
        let body = try req.decodeJSON(EventBody.self)
        do {
            let event = try await CaseTimeline(context: req.change).add(to: file, kind: body.kind, body: body.body, occurredAt: body.occurred_at ?? Date(), principal: try req.principal())
            let dto = EventDTO(id: try event.requireID(), kind: event.kind, occurred_at: event.occurredAt, body: body.body.trimmingCharacters(in: .whitespacesAndNewlines),
                               author_id: event.authorID, edited: false, previous_versions: [])
            return try await req.created(dto, at: "/api/v1/cases/\(try file.requireID())/events")
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
    }

    struct CaseDTO: Content {
        let id: UUID
        let reference: String
        let office_id: UUID
        let kind: String
        let category: String
        let channel: String
        let urgency: String
        let status: String
        let restricted: Bool
        let summary: String?
        let worker_ids: [UUID]?
        let assignee_ids: [UUID]?
        let factory_id: UUID?
        let country: String
        let incident_from: String?
        let incident_to: String?
        let outcome: String?
        let closure_requested_outcome: String?
        let first_response_due_at: Date
        let created_at: Date?
    }

    static func dto(_ file: CaseFile, summary: String?, workers: [UUID]?, assignees: [UUID]? = nil) throws -> CaseDTO {
        CaseDTO(id: try file.requireID(), reference: file.reference, office_id: file.officeID, kind: file.kind, category: file.category,
                channel: file.channel, urgency: file.urgency, status: file.status, restricted: file.restricted, summary: summary, worker_ids: workers,
                assignee_ids: assignees,
                factory_id: file.factoryID, country: file.country, incident_from: file.incidentFrom, incident_to: file.incidentTo, outcome: file.outcome,
                closure_requested_outcome: file.closureRequestedOutcome, first_response_due_at: file.firstResponseDueAt, created_at: file.createdAt)
    }

    func list(req: Request) async throws -> PageDTO<CaseDTO> {
        let principal = try req.principal()
        try req.authorize(CasePolicy.decide(principal, .list).decision)
        let limit = try Cursor.limit(req)
        let filter = try Self.filter(req)
        var after: CaseCursor?
        if let raw = req.query[String.self, at: "cursor"] {
            guard let cursor = CaseCursor(raw) else { throw ValidationFailure(errors: [FieldError(field: "cursor", message: "not a cursor from this API")]) }
            after = cursor
        }
        let page = try await CaseQuery(app: req.application, db: req.db).page(principal: principal, filter: filter, after: after, limit: limit)
        // Lists carry no narrative: the summary is read case by case, and each read is audited.
        return PageDTO(items: try page.cases.map { try Self.dto($0, summary: nil, workers: nil) }, next_cursor: page.next?.encoded)
    }

    /// The list filters from the query string, refused with a 422 naming each bad parameter.
    static func filter(_ req: Request) throws -> CaseFilter {
        let filter = CaseFilter(req.query)
        let problems = filter.problems()
        guard problems.isEmpty else { throw ValidationFailure(errors: Invalid(fields: problems).fieldErrors(req)) }
        return filter
    }

    struct Body: Content {
        var office_id: UUID?
        var kind: String?
        var category: String
        var channel: String
        var urgency: String?
        var summary: String
        var restricted: Bool?
        var workers: [String]
        var employer: String?
        var country: String?
        var incident_from: String?
        var incident_to: String?
        var destination_country: String?
        var recruiting_agency: String?
    }

    func create(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(CasePolicy.decide(principal, .create).decision)
        let body = try req.decodeJSON(Body.self)
        let input = CaseService.Input(officeID: body.office_id ?? principal.officeID, kind: body.kind ?? "individual", category: body.category,
                                      channel: body.channel, urgency: body.urgency ?? "standard", summary: body.summary, restricted: body.restricted ?? false,
                                      workers: body.workers, employer: body.employer ?? "", country: body.country ?? "BD", incidentFrom: body.incident_from ?? "",
                                      incidentTo: body.incident_to ?? "", destinationCountry: body.destination_country ?? "", recruitingAgency: body.recruiting_agency ?? "")
        do {
            let service = CaseService(context: req.change)
            let file = try await service.create(input, principal: principal)
            let workers = try await CaseWorkerLink.query(on: req.db).filter(\.$caseID == file.requireID()).all().map(\.workerID)
            return try await req.created(Self.dto(file, summary: try service.summary(of: file), workers: workers), at: "/api/v1/cases/\(try file.requireID())")
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
    }

    func load(_ req: Request) async throws -> CaseFile {
        guard let id = req.parameters.get("caseID", as: UUID.self), let file = try await CaseFile.find(id, on: req.db) else { throw Abort(.notFound) }
        return file
    }

    func show(req: Request) async throws -> CaseDTO {
        let file = try await load(req)
        let service = CaseService(context: req.change)
        switch try await service.verdict(file, .view, principal: try req.principal(), on: req.db) {
        case .allow: break
        case .needsReason: throw Abort(.forbidden, reason: "This case is restricted. State a reason with POST /api/v1/cases/\(try file.requireID())/access first; it is audited.")
        case .deny(let why): try req.authorize(.deny(why))
        }
        let id = try file.requireID()
        try await req.write { db in try await req.audit("case.view", "case", id.uuidString, on: db) }
        let workers = try await CaseWorkerLink.query(on: req.db).filter(\.$caseID == id).all().map(\.workerID)
        let assignees = try await CaseAssignee.query(on: req.db).filter(\.$caseID == id).all().map(\.userID)
        return try Self.dto(file, summary: try service.summary(of: file), workers: workers, assignees: assignees)
    }

    struct AccessBody: Content { var reason: String }

    func access(req: Request) async throws -> HTTPStatus {
        let file = try await load(req)
        let principal = try req.principal()
        let body = try req.decodeJSON(AccessBody.self)
        do {
            try await CaseService(context: req.change).breakGlass(file, principal: principal, reason: body.reason)
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
        return .noContent
    }

    struct TransitionBody: Content { var to: String; var outcome: String? }
    struct TransitionDTO: Content { let status: String; let closure_requested: Bool }

    func transition(req: Request) async throws -> TransitionDTO {
        let file = try await load(req)
        let principal = try req.principal()
        let service = CaseService(context: req.change)
        let verdict = try await service.verdict(file, .transition, principal: principal, on: req.db)
        try req.authorize(verdict.decision)
        let body = try req.decodeJSON(TransitionBody.self)
        do {
            let result = try await service.transition(file, to: body.to, outcome: body.outcome, principal: principal)
            return TransitionDTO(status: file.status, closure_requested: result == .closureRequested)
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
    }
}
