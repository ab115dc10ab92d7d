import Fluent
import SonghotiCore
import Vapor

/// The one-time first-administrator setup, reached through the link `songhoti serve` prints while no user exists.
struct SetupController: RouteCollection {
    static let validity: TimeInterval = 24 * 3600

    func boot(routes: any RoutesBuilder) throws {
        routes.get("setup", ":token", use: form)
        routes.post("setup", ":token", use: submit)
    }

    /// Issues a new setup token when no account exists yet (earlier unused tokens stop working). Returns the token.
    static func issueIfNeeded(_ app: Application, now: Date = Date()) async throws -> String? {
        guard try await User.query(on: app.db).count() == 0 else { return nil }
        let token = Secrets.token()
        try await app.writer.transaction(on: app.db) { db in
            try await SetupToken.query(on: db).filter(\.$usedAt == nil).delete()
            try await SetupToken(tokenHash: Secrets.digest(token), createdAt: now, expiresAt: now.addingTimeInterval(validity)).create(on: db)
        }
        return token
    }

    struct SetupView: Encodable {
        var token: String
        var organisation = ""
        var displayName = ""
        var email = ""
        var errors: [String: String] = [:]
        var passwordRules: String
    }

    struct SetupForm: Content {
        var organisation: String?
        var display_name: String?
        var email: String?
        var password: String?
        var password_confirmation: String?
    }

    private func validToken(_ req: Request) async throws -> SetupToken? {
        guard let token = req.parameters.get("token"), token.count < 128 else { return nil }
        guard try await User.query(on: req.db).count() == 0 else { return nil }
        guard let stored = try await SetupToken.query(on: req.db).filter(\.$tokenHash == Secrets.digest(token)).first(),
              stored.usedAt == nil, stored.expiresAt > Date() else { return nil }
        return stored
    }

    func form(req: Request) async throws -> Response {
        guard try await validToken(req) != nil else {
            return try await req.page("setup-invalid", titleKey: "setup.title", NoView(), status: .notFound)
        }
        return try await req.page("setup", titleKey: "setup.title",
                                  SetupView(token: req.parameters.get("token") ?? "", passwordRules: AccountForms.passwordRules(req)))
    }

    func submit(req: Request) async throws -> Response {
        guard let stored = try await validToken(req) else {
            return try await req.page("setup-invalid", titleKey: "setup.title", NoView(), status: .notFound)
        }
        let form = try req.content.decode(SetupForm.self)
        var view = SetupView(
            token: req.parameters.get("token") ?? "",
            organisation: (form.organisation ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
            displayName: (form.display_name ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
            email: BlindIndex.normalisedEmail(form.email ?? ""),
            passwordRules: AccountForms.passwordRules(req)
        )
        var errors: [String: String] = [:]
        if view.organisation.isEmpty || view.organisation.count > 200 { errors["organisation"] = req.t("form.error.required_short") }
        if view.displayName.isEmpty || view.displayName.count > 200 { errors["display_name"] = req.t("form.error.required_short") }
        if !AccountForms.looksLikeEmail(view.email) { errors["email"] = req.t("form.error.email") }
        if let problem = AccountForms.passwordError(form.password ?? "", confirmation: form.password_confirmation ?? "", accountName: view.email, req: req) {
            errors["password"] = problem
        }
        guard errors.isEmpty else {
            view.errors = errors
            return try await req.page("setup", titleKey: "setup.title", view, status: .unprocessableEntity)
        }
        let hash = try await req.password.async.hash(form.password ?? "")
        let user = User(email: view.email, displayName: view.displayName, passwordHash: hash, role: .administrator,
                        officeID: nil, language: req.language, mustChangePassword: false)
        let organisationName = view.organisation
        try await req.write { db in
            // Re-check inside the transaction: two browsers racing on the same link must not make two administrators.
            guard try await User.query(on: db).count() == 0,
                  let fresh = try await SetupToken.find(stored.id, on: db), fresh.usedAt == nil else {
                throw Abort(.conflict, reason: "Setup was already completed.")
            }
            fresh.usedAt = Date()
            try await fresh.update(on: db)
            let organisation = Organisation(name: organisationName)
            try await organisation.create(on: db)
            try await user.create(on: db)
            try await req.audit("organisation.create", "organisation", organisation.id?.uuidString, on: db, actorID: user.id?.uuidString)
            try await req.audit("user.create", "user", user.id?.uuidString, on: db, actorID: user.id?.uuidString)
            if let previous = req.sessionState.session { try await req.sessions.end(req, previous, on: db) }
            _ = try await req.sessions.start(req, userID: user.id, stage: .signedIn, language: nil, on: db)
        }
        req.sessionState.cleared = false
        return req.seeOther("/admin/offices?notice=setup_complete")
    }
}

/// Validation shared by every form that sets an email or a password.
enum AccountForms {
    static func looksLikeEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && email.count <= 254 && !email.contains(where: { $0.isWhitespace })
    }

    static func passwordRules(_ req: Request) -> String {
        req.t("password.rules", req.format.number(PasswordPolicy.minimumLength))
    }

    /// The first problem with a new password, as a sentence in the request's language.
    static func passwordError(_ password: String, confirmation: String, accountName: String?, req: Request) -> String? {
        if let problem = req.application.passwordPolicy.problems(in: password, accountName: accountName).first {
            return req.t(UserService.key(for: problem))
        }
        if password != confirmation { return req.t("password.error.mismatch") }
        return nil
    }
}
