import Fluent
import SonghotiCore
import Vapor

/// `/api/v1/cases`: changing a case, workers' claims, saved filters and CSV export.
extension CasesAPIController {
    struct Patch: Content {
        var category: String?
        var channel: String?
        var urgency: String?
        var summary: String?
        var employer: String?
        var country: String?
        var incident_from: String?
        var incident_to: String?
        var destination_country: String?
        var recruiting_agency: String?
        var restricted: Bool?
        /// The complete list of assigned staff (coordinators only).
        var assignee_ids: [UUID]?
    }

    func update(req: Request) async throws -> CaseDTO {
        let file = try await accessible(req, .update)
        let body = try req.decodeJSON(Patch.self)
        let edit = CaseService.Edit(category: body.category, channel: body.channel, urgency: body.urgency, summary: body.summary, employer: body.employer,
                                    country: body.country, incidentFrom: body.incident_from, incidentTo: body.incident_to,
                                    destinationCountry: body.destination_country, recruitingAgency: body.recruiting_agency,
                                    restricted: body.restricted, assignees: body.assignee_ids)
        let service = CaseService(context: req.change)
        do {
            try await service.update(file, with: edit, principal: try req.principal())
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
        let id = try file.requireID()
        let workers = try await CaseWorkerLink.query(on: req.db).filter(\.$caseID == id).all().map(\.workerID)
        let assignees = try await CaseAssignee.query(on: req.db).filter(\.$caseID == id).all().map(\.userID)
        return try Self.dto(file, summary: try service.summary(of: file), workers: workers, assignees: assignees)
    }

    struct ClaimDTO: Content {
        let worker_id: UUID
        let worker_code: String
        let claim: String
        let owed_minor: Int64?
        let currency: String?
        /// What the owed amount is for: wages, overtime, severance, leave, bonus, benefits, other.
        let owed_component: String?
        let outcome: String?
    }

    struct ClaimsDTO: Content {
        let items: [ClaimDTO]
        /// Minor units per currency over the case's workers.
        let owed: [String: Int64]
    }

    func claims(req: Request) async throws -> ClaimsDTO {
        let file = try await accessible(req, .view)
        let id = try file.requireID()
        try await req.write { db in try await req.audit("case.view", "case", id.uuidString, on: db) }
        let links = try await CaseWorkerLink.query(on: req.db).filter(\.$caseID == id).all()
        let claims = CaseClaims(context: req.change)
        var items: [ClaimDTO] = []
        for link in links {
            let code = try await Worker.find(link.workerID, on: req.db)?.code ?? ""
            items.append(ClaimDTO(worker_id: link.workerID, worker_code: code, claim: try claims.claimText(link), owed_minor: link.owedMinor,
                                  currency: link.owedCurrency, owed_component: link.owedComponent, outcome: link.outcome))
        }
        return ClaimsDTO(items: items.sorted { $0.worker_code < $1.worker_code }, owed: CaseClaims.owed(links))
    }

    struct AddWorkerBody: Content { var worker: String }

    func addWorker(req: Request) async throws -> Response {
        let file = try await accessible(req, .update)
        let body = try req.decodeJSON(AddWorkerBody.self)
        do {
            let link = try await CaseClaims(context: req.change).add(body.worker, to: file, principal: try req.principal())
            let code = try await Worker.find(link.workerID, on: req.db)?.code ?? ""
            return try await req.created(ClaimDTO(worker_id: link.workerID, worker_code: code, claim: "", owed_minor: nil, currency: nil, owed_component: nil, outcome: nil),
                                         at: "/api/v1/cases/\(try file.requireID())/workers")
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
    }

    struct ClaimBody: Content {
        var claim: String?
        /// A decimal string such as "45000.00"; empty clears it.
        var owed: String?
        var currency: String?
        /// wages, overtime, severance, leave, bonus, benefits or other (default wages).
        var owed_component: String?
        var outcome: String?
    }

    func updateClaim(req: Request) async throws -> ClaimDTO {
        let file = try await accessible(req, .update)
        let link = try await CaseWorkerLink.named(by: req, on: file)
        let workerID = link.workerID
        let body = try req.decodeJSON(ClaimBody.self)
        let claims = CaseClaims(context: req.change)
        let input = CaseClaims.Input(claim: try body.claim ?? claims.claimText(link),
                                     owed: body.owed ?? link.owed?.decimalString ?? "", currency: body.currency ?? link.owedCurrency ?? "BDT",
                                     outcome: body.outcome ?? link.outcome ?? "",
                                     component: body.owed_component ?? link.owedComponent ?? OwedComponent.wages.rawValue)
        do {
            try await claims.update(link, of: file, with: input)
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
        let code = try await Worker.find(workerID, on: req.db)?.code ?? ""
        return ClaimDTO(worker_id: workerID, worker_code: code, claim: try claims.claimText(link), owed_minor: link.owedMinor, currency: link.owedCurrency,
                        owed_component: link.owedComponent, outcome: link.outcome)
    }

    func removeWorker(req: Request) async throws -> HTTPStatus {
        let file = try await accessible(req, .update)
        let link = try await CaseWorkerLink.named(by: req, on: file)
        do {
            try await CaseClaims(context: req.change).remove(link, from: file)
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
        return .noContent
    }

    struct SavedFilterDTO: Content {
        let id: UUID
        let name: String
        /// The list's query string, e.g. "status=new&q=wages"; append it to GET /api/v1/cases.
        let query: String
    }

    func savedFilters(req: Request) async throws -> [SavedFilterDTO] {
        let principal = try req.principal()
        return try await SavedFilter.query(on: req.db).filter(\.$userID == principal.userID).sort(\.$name).all()
            .map { SavedFilterDTO(id: try $0.requireID(), name: $0.name, query: $0.query) }
    }

    struct SaveFilterBody: Content { var name: String; var query: String }

    func saveFilter(req: Request) async throws -> Response {
        let principal = try req.principal()
        let body = try req.decodeJSON(SaveFilterBody.self)
        let filter = CaseFilter(queryString: body.query)
        do {
            let saved = try await SavedFilters(context: req.change).save(name: body.name.trimmingCharacters(in: .whitespacesAndNewlines), filter: filter, principal: principal)
            return try await req.created(SavedFilterDTO(id: try saved.requireID(), name: saved.name, query: saved.query), at: "/api/v1/cases/filters")
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
    }

    func deleteFilter(req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("filterID", as: UUID.self) else { throw Abort(.notFound) }
        try await SavedFilters(context: req.change).delete(id, principal: try req.principal())
        return .noContent
    }

    /// text/csv of the cases matching the same filters as the list; `identifiers=true` adds names and phones (audited).
    func export(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(CasePolicy.decide(principal, .export).decision)
        let filter = try Self.filter(req)
        let identifiers = req.query[String.self, at: "identifiers"] == "true"
        if identifiers { try req.authorize(WorkerPolicy.decide(principal, .viewIdentifiers)) }
        do {
            let table = try await CaseExport(context: req.change).csv(principal: principal, filter: filter, identifiers: identifiers)
            return CaseExport.response(table, req: req)
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
    }
}

/// `/api/v1/remedies/totals`: owed, promised and delivered per office and currency.
struct RemedyTotalsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("remedies", "totals", use: totals)
    }

    struct LineDTO: Content {
        let office_id: UUID
        let currency: String
        let owed_minor: Int64
        let promised_minor: Int64
        let delivered_minor: Int64
    }

    func totals(req: Request) async throws -> [LineDTO] {
        let principal = try req.principal()
        try req.authorize(CasePolicy.decide(principal, .viewTotals).decision)
        return try await RemedyTotals.lines(principal: principal, on: req.db).map {
            LineDTO(office_id: $0.officeID, currency: $0.currency, owed_minor: $0.owed, promised_minor: $0.promised, delivered_minor: $0.delivered)
        }
    }
}
