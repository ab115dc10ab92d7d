import Fluent
import SonghotiCore
import Vapor

extension Request {
    private struct APIUserKey: StorageKey { typealias Value = User }

    /// The user behind an API token (set by `BearerTokenMiddleware`).
    var apiUser: User? {
        get { storage[APIUserKey.self] }
        set { storage[APIUserKey.self] = newValue }
    }

    /// The acting account: the API token's owner or the signed-in staff member.
    var actingUser: User? { apiUser ?? staff }

    var actorID: String? { actingUser?.id?.uuidString }

    /// The acting principal, or 401.
    func principal() throws -> Principal {
        guard let user = actingUser else { throw Abort(.unauthorized) }
        return try user.principal()
    }

    /// Throws 403 unless the policy allowed it.
    func authorize(_ decision: Decision) throws {
        if case .deny(let why) = decision {
            logger.notice("access denied", metadata: ["why": .string(why), "route": .string(route?.description ?? "")])
            throw Abort(.forbidden)
        }
    }
}

/// Accepts `Authorization: Bearer <token>`; only the token's SHA-256 is stored and compared.
struct BearerTokenMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let token = req.headers.bearerAuthorization?.token, token.count < 200 else {
            throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"], reason: "An API token is required: send Authorization: Bearer <token>.")
        }
        let now = Date()
        guard let stored = try await APIToken.query(on: req.db).filter(\.$tokenHash == Secrets.digest(token)).first(),
              stored.revokedAt == nil,
              stored.expiresAt.map({ $0 > now }) ?? true,
              let user = try await User.find(stored.userID, on: req.db),
              !user.isDisabled
        else {
            throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""], reason: "The API token is unknown, revoked or expired.")
        }
        req.apiUser = user
        if stored.lastUsedAt.map({ now.timeIntervalSince($0) > 300 }) ?? true {
            stored.lastUsedAt = now
            try await req.write { db in try await stored.update(on: db) }
        }
        return try await next.respond(to: req)
    }
}

/// Web routes that need a signed-in staff member; also enforces the password-change and two-factor requirements.
struct RequireStaff: AsyncMiddleware {
    /// Paths a user with an outstanding requirement may still reach.
    static let requirementPaths: Set<String> = ["/account/password", "/account/two-factor", "/logout", "/language"]

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.sessionState.session?.stage == .awaitingSecondFactor {
            return req.seeOther("/login/two-factor")
        }
        guard let user = req.staff else {
            let next = req.url.path + (req.url.query.map { "?" + $0 } ?? "")
            let encoded = next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
            return req.seeOther("/login?next=\(encoded)")
        }
        let path = req.url.path
        if !Self.requirementPaths.contains(path) {
            if user.mustChangePassword { return req.seeOther("/account/password?notice=must_change_password") }
            if !user.hasTOTP, try await TwoFactorRequirement.isRequired(for: user.role, on: req.db) {
                return req.seeOther("/account/two-factor?notice=two_factor_required")
            }
        }
        return try await next.respond(to: req)
    }
}

enum TwoFactorRequirement {
    static func isRequired(for role: Role, on db: any Database) async throws -> Bool {
        try await RoleSetting.find(role.rawValue, on: db)?.totpRequired ?? false
    }
}
