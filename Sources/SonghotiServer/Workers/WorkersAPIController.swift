import Fluent
import SonghotiCore
import Vapor

/// `/api/v1/workers`: intake, blind-index lookup, details and consents.
struct WorkersAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let workers = routes.grouped("workers")
        workers.get(use: list)
        workers.post(use: create)
        workers.get(":workerID", use: show)
        workers.patch(":workerID", use: update)
        workers.get(":workerID", "consents", use: consents)
        workers.post(":workerID", "consents", use: recordConsent)
    }

    /// Non-identifying fields, which every role in scope may see.
    struct WorkerDTO: Content {
        let id: UUID
        let code: String
        let office_id: UUID
        let sex: String
        let birth_year: Int?
        let district: String
        let upazila: String
        let occupation: String
        let grade: String
        let migrant_status: String
        let languages: String
        /// Present only for roles allowed to see identifiers, and only on single-worker responses.
        let identifiers: Identifiers?

        struct Identifiers: Content {
            let full_name: String
            let phone: String?
            let national_id: String?
            let address: String?
            let birth_date: String?
        }

        init(_ worker: Worker, identity: WorkerService.Identity? = nil) throws {
            id = try worker.requireID()
            code = worker.code
            office_id = worker.officeID
            sex = worker.sex
            birth_year = worker.birthYear
            district = worker.district
            upazila = worker.upazila
            occupation = worker.occupation
            grade = worker.grade
            migrant_status = worker.migrantStatus
            languages = worker.languages
            identifiers = identity.map {
                Identifiers(full_name: $0.fullName, phone: $0.phone, national_id: $0.nationalID, address: $0.address, birth_date: $0.birthDate)
            }
        }
    }

    func list(req: Request) async throws -> PageDTO<WorkerDTO> {
        let principal = try req.principal()
        try req.authorize(WorkerPolicy.decide(principal, .list))
        if let lookup = req.query[String.self, at: "phone"] ?? req.query[String.self, at: "national_id"] {
            // Looking a person up by identifier is itself identifying: only roles that may see identifiers.
            try req.authorize(WorkerPolicy.decide(principal, .viewIdentifiers))
            let found = try await req.findWorkers(lookup)
            return PageDTO(items: try found.map { try WorkerDTO($0) }, next_cursor: nil)
        }
        let limit = try Cursor.limit(req)
        var query = Worker.query(on: req.db).sort(\.$id)
        if let office = principal.officeID { query = query.filter(\.$officeID == office) }
        if let after = try Cursor.decode(req.query[String.self, at: "cursor"]) { query = query.filter(\.$id > after) }
        let workers = try await query.limit(limit + 1).all()
        let page = Array(workers.prefix(limit))
        return PageDTO(items: try page.map { try WorkerDTO($0) }, next_cursor: workers.count > limit ? page.last?.id.map(Cursor.encode) : nil)
    }

    struct Body: Content {
        var full_name: String?
        var phone: String?
        var national_id: String?
        var address: String?
        var birth_date: String?
        var sex: String?
        var birth_year: Int?
        var district: String?
        var upazila: String?
        var occupation: String?
        var grade: String?
        var migrant_status: String?
        var languages: String?
        var office_id: UUID?
        /// Set to true to create a new worker even though the phone or ID number is already on record.
        var confirm_new: Bool?

        func merged(over base: WorkerService.Input) -> WorkerService.Input {
            WorkerService.Input(
                fullName: full_name ?? base.fullName, phone: phone ?? base.phone, nationalID: national_id ?? base.nationalID,
                address: address ?? base.address, birthDate: birth_date ?? base.birthDate, sex: sex ?? base.sex,
                birthYear: birth_year.map(String.init) ?? base.birthYear, district: district ?? base.district, upazila: upazila ?? base.upazila,
                occupation: occupation ?? base.occupation, grade: grade ?? base.grade, migrantStatus: migrant_status ?? base.migrantStatus,
                languages: languages ?? base.languages, officeID: office_id ?? base.officeID)
        }
    }

    func create(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(WorkerPolicy.decide(principal, .create))
        let body = try req.decodeJSON(Body.self)
        var base = WorkerService.Input()
        base.officeID = principal.officeID
        do {
            let worker = try await WorkerService(context: req.change).create(body.merged(over: base), principal: principal, confirmedNew: body.confirm_new ?? false)
            return try await req.created(WorkerDTO(worker), at: "/api/v1/workers/\(try worker.requireID())")
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        } catch let duplicate as WorkerService.PossibleDuplicate {
            let codes = duplicate.matches.filter { principal.covers(office: $0.officeID) }.map(\.code)
            throw Abort(.conflict, reason: "The phone or ID number already belongs to \(codes.isEmpty ? "a worker in another office" : codes.joined(separator: ", ")). Open that record, or send confirm_new: true to record a different person.")
        }
    }

    func show(req: Request) async throws -> WorkerDTO {
        let worker = try await req.authorizedWorker(.view)
        let principal = try req.principal()
        if WorkerPolicy.decide(principal, .viewIdentifiers, office: worker.officeID).isAllowed {
            return try WorkerDTO(worker, identity: try await WorkerService(context: req.change).identity(of: worker))
        }
        let context = req.change
        let id = try worker.requireID()
        try await req.write { db in try await context.audit("worker.view_coded", "worker", id.uuidString, on: db) }
        return try WorkerDTO(worker)
    }

    func update(req: Request) async throws -> WorkerDTO {
        let worker = try await req.authorizedWorker(.update)
        let body = try req.decodeJSON(Body.self)
        let service = WorkerService(context: req.change)
        let identity = try await service.identity(of: worker)
        do {
            try await service.update(worker, with: body.merged(over: service.input(from: worker, identity: identity)), principal: try req.principal())
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
        return try WorkerDTO(worker, identity: try await service.identity(of: worker))
    }

    struct ConsentDTO: Content {
        let id: UUID
        let purpose: String
        let partner: String?
        let given_on: String
        let method: String
        let withdrawn_on: String?
    }

    func consents(req: Request) async throws -> [ConsentDTO] {
        let worker = try await req.authorizedWorker(.view)
        return try await WorkerConsent.query(on: req.db).filter(\.$workerID == worker.requireID()).sort(\.$createdAt).all().map {
            ConsentDTO(id: try $0.requireID(), purpose: $0.purpose, partner: $0.partner, given_on: $0.givenOn, method: $0.method, withdrawn_on: $0.withdrawnOn)
        }
    }

    struct ConsentBody: Content {
        var purpose: String
        var partner: String?
        var given_on: String
        var method: String
    }

    func recordConsent(req: Request) async throws -> Response {
        let worker = try await req.authorizedWorker(.recordConsent)
        let body = try req.decodeJSON(ConsentBody.self)
        do {
            let consent = try await WorkerService(context: req.change).recordConsent(
                .init(purpose: body.purpose, partner: body.partner ?? "", givenOn: body.given_on, method: body.method), for: worker, principal: try req.principal())
            return try await ConsentDTO(id: try consent.requireID(), purpose: consent.purpose, partner: consent.partner, given_on: consent.givenOn,
                                        method: consent.method, withdrawn_on: nil).encodeResponse(status: .created, for: req)
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
    }
}
