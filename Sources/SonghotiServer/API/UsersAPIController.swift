import Fluent
import SonghotiCore
import Vapor

/// `/api/v1/me`, `/api/v1/users`: the same policies and services as the admin pages.
struct UsersAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("me", use: me)
        let users = routes.grouped("users")
        users.get(use: list)
        users.post(use: create)
        users.get(":userID", use: show)
        users.patch(":userID", use: update)
    }

    func me(req: Request) async throws -> UserDTO {
        guard let user = req.actingUser else { throw Abort(.unauthorized) }
        return try UserDTO(user)
    }

    func list(req: Request) async throws -> PageDTO<UserDTO> {
        let principal = try req.principal()
        try req.authorize(UserPolicy.decide(principal, .list))
        let limit = try Cursor.limit(req)
        var query = User.query(on: req.db).sort(\.$id)
        if let office = UserPolicy.listScope(principal) { query = query.filter(\.$officeID == office) }
        if let after = try Cursor.decode(req.query[String.self, at: "cursor"]) { query = query.filter(\.$id > after) }
        let users = try await query.limit(limit + 1).all()
        let page = Array(users.prefix(limit))
        return PageDTO(items: try page.map(UserDTO.init), next_cursor: users.count > limit ? page.last?.id.map(Cursor.encode) : nil)
    }

    struct CreateBody: Content {
        let email: String
        let display_name: String
        let role: String
        let office_id: UUID?
        let language: String?
        let password: String
    }

    func create(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(UserPolicy.decide(principal, .create))
        let body = try req.decodeJSON(CreateBody.self)
        try req.authorize(UserPolicy.decide(principal, .create, target: .init(userID: UUID(), role: Role(rawValue: body.role) ?? .viewer, officeID: body.office_id)))
        do {
            let user = try await UserService(context: req.change).create(
                .init(email: body.email, displayName: body.display_name, role: body.role, officeID: body.office_id,
                      language: body.language ?? Language.english.rawValue, password: body.password)
            ) { try await req.password.async.hash($0) }
            return try await req.created(UserDTO(user), at: "/api/v1/users/\(try user.requireID())")
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
    }

    func show(req: Request) async throws -> UserDTO {
        try UserDTO(try await req.authorizedUser(.view))
    }

    struct UpdateBody: Content {
        let display_name: String?
        let role: String?
        let office_id: UUID??
        let language: String?
        let disabled: Bool?

        enum CodingKeys: String, CodingKey { case display_name, role, office_id, language, disabled }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            display_name = try container.decodeIfPresent(String.self, forKey: .display_name)
            role = try container.decodeIfPresent(String.self, forKey: .role)
            // Distinguish "office_id": null (organisation-wide) from an absent key (unchanged).
            office_id = container.contains(.office_id) ? .some(try container.decodeNil(forKey: .office_id) ? nil : try container.decode(UUID.self, forKey: .office_id)) : nil
            language = try container.decodeIfPresent(String.self, forKey: .language)
            disabled = try container.decodeIfPresent(Bool.self, forKey: .disabled)
        }
    }

    func update(req: Request) async throws -> UserDTO {
        let user = try await req.authorizedUser(.update)
        let body = try req.decodeJSON(UpdateBody.self)
        let principal = try req.principal()
        let officeID = body.office_id ?? user.officeID
        let role = body.role ?? user.roleRaw
        try req.authorize(UserPolicy.decide(principal, .update, target: .init(userID: try user.requireID(), role: Role(rawValue: role) ?? .viewer, officeID: officeID)))
        let service = UserService(context: req.change)
        do {
            try await service.update(user, with: .init(displayName: body.display_name ?? user.displayName, role: role, officeID: officeID, language: body.language ?? user.language))
        } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
        if let disabled = body.disabled, disabled != user.isDisabled {
            try req.authorize(UserPolicy.decide(principal, .disable, target: .init(userID: try user.requireID(), role: user.role, officeID: user.officeID)))
            try await service.setDisabled(user, disabled)
        }
        return try UserDTO(user)
    }
}
