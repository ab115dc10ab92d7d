import Fluent
import SonghotiCore
import Vapor

/// `/api/v1/offices`.
struct OfficesAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let offices = routes.grouped("offices")
        offices.get(use: list)
        offices.post(use: create)
        offices.get(":officeID", use: show)
        offices.patch(":officeID", use: update)
    }

    func list(req: Request) async throws -> PageDTO<OfficeDTO> {
        try req.authorize(OfficePolicy.decide(try req.principal(), .list))
        let limit = try Cursor.limit(req)
        var query = Office.query(on: req.db).sort(\.$id)
        if let after = try Cursor.decode(req.query[String.self, at: "cursor"]) { query = query.filter(\.$id > after) }
        let offices = try await query.limit(limit + 1).all()
        let page = Array(offices.prefix(limit))
        return PageDTO(items: try page.map(OfficeDTO.init), next_cursor: offices.count > limit ? page.last?.id.map(Cursor.encode) : nil)
    }

    struct Body: Content {
        let name: String
        let code: String
        let kind: String?
        let location: String?
        let active: Bool?
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(OfficePolicy.decide(try req.principal(), .create))
        let body = try req.decodeJSON(Body.self)
        do {
            let office = try await OfficeService(context: req.change).create(
                .init(name: body.name, code: body.code, kind: body.kind ?? Office.Kind.workerCentre.rawValue, location: body.location ?? "", active: body.active ?? true))
            return try await req.created(OfficeDTO(office), at: "/api/v1/offices/\(try office.requireID())")
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
    }

    func show(req: Request) async throws -> OfficeDTO {
        try OfficeDTO(try await req.authorizedOffice(.view))
    }

    struct PatchBody: Content {
        let name: String?
        let code: String?
        let kind: String?
        let location: String?
        let active: Bool?
    }

    func update(req: Request) async throws -> OfficeDTO {
        let office = try await req.authorizedOffice(.update)
        let body = try req.decodeJSON(PatchBody.self)
        do {
            try await OfficeService(context: req.change).update(office, with: .init(
                name: body.name ?? office.name, code: body.code ?? office.code, kind: body.kind ?? office.kind,
                location: body.location ?? office.location, active: body.active ?? office.active))
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
        return try OfficeDTO(office)
    }
}
