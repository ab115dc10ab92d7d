import Fluent
import SonghotiCore
import Vapor

/// A staff member's own account: password, two-factor enrolment, API tokens.
struct AccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", use: show)
        routes.get("account", "password", use: passwordForm)
        routes.post("account", "password", use: changePassword)
        routes.get("account", "two-factor", use: twoFactorForm)
        routes.post("account", "two-factor", use: enrolTwoFactor)
        routes.post("account", "two-factor", "remove", use: removeTwoFactor)
        routes.post("account", "tokens", use: createToken)
        routes.post("account", "tokens", ":tokenID", "revoke", use: revokeToken)
    }

    struct TokenRow: Encodable { let id: String; let name: String; let prefix: String; let created: String; let lastUsed: String?; let revoked: Bool }
    struct AccountView: Encodable {
        let displayName: String
        let email: String
        let role: String
        let office: String
        let hasTwoFactor: Bool
        let tokens: [TokenRow]
        let hasTokens: Bool
        var newToken: String?
        var tokenError: String?
    }

    private func user(_ req: Request) throws -> User {
        guard let user = req.staff else { throw Abort(.unauthorized) }
        return user
    }

    private func accountView(_ req: Request, user: User) async throws -> AccountView {
        let office: String
        if let officeID = user.officeID, let found = try await Office.find(officeID, on: req.db) {
            office = found.name
        } else {
            office = req.t("office.whole_organisation")
        }
        let tokens = try await APIToken.query(on: req.db).filter(\.$userID == user.requireID()).sort(\.$createdAt, .descending).all()
        return AccountView(
            displayName: user.displayName, email: user.email, role: req.t(user.role.labelKey), office: office,
            hasTwoFactor: user.hasTOTP,
            tokens: tokens.map { token in
                TokenRow(id: token.id?.uuidString ?? "", name: token.name, prefix: token.prefix,
                         created: token.createdAt.map(req.format.dateTime) ?? "", lastUsed: token.lastUsedAt.map(req.format.dateTime),
                         revoked: token.revokedAt != nil)
            },
            hasTokens: !tokens.isEmpty
        )
    }

    func show(req: Request) async throws -> Response {
        let user = try user(req)
        return try await req.page("account", titleKey: "account.title", try await accountView(req, user: user))
    }

    struct PasswordView: Encodable {
        var errors: [String: String] = [:]
        var rules: String
        var mustChange: Bool
    }

    struct PasswordForm: Content {
        var current_password: String?
        var password: String?
        var password_confirmation: String?
    }

    func passwordForm(req: Request) async throws -> Response {
        let user = try user(req)
        return try await req.page("account-password", titleKey: "password.title",
                                  PasswordView(rules: AccountForms.passwordRules(req), mustChange: user.mustChangePassword))
    }

    func changePassword(req: Request) async throws -> Response {
        let user = try user(req)
        let form = try req.content.decode(PasswordForm.self)
        var view = PasswordView(rules: AccountForms.passwordRules(req), mustChange: user.mustChangePassword)
        let currentOK = (try? await req.password.async.verify(form.current_password ?? "", created: user.passwordHash)) ?? false
        if !currentOK { view.errors["current_password"] = req.t("password.error.current") }
        if let problem = AccountForms.passwordError(form.password ?? "", confirmation: form.password_confirmation ?? "", accountName: user.email, req: req) {
            view.errors["password"] = problem
        } else if currentOK, form.password == form.current_password {
            view.errors["password"] = req.t("password.error.same")
        }
        guard view.errors.isEmpty else {
            return try await req.page("account-password", titleKey: "password.title", view, status: .unprocessableEntity)
        }
        let hash = try await req.password.async.hash(form.password ?? "")
        let current = req.sessionState.session
        try await req.write { db in
            user.passwordHash = hash
            user.mustChangePassword = false
            try await user.update(on: db)
            // Every other session of this account ends: a changed password must lock out whoever knew the old one.
            let userID = try user.requireID()
            try await WebSession.query(on: db).filter(\.$userID == userID).filter(\.$id != current?.id ?? UUID()).delete()
            try await req.audit("user.password_change", "user", userID.uuidString, on: db)
        }
        return req.seeOther("/account?notice=password_changed")
    }

    struct TwoFactorView: Encodable {
        let enrolled: Bool
        let required: Bool
        var secret: String?
        var sealedSecret: String?
        var uri: String?
        var error: String?
    }

    static func pendingContext(_ userID: UUID) -> FieldContext {
        FieldContext(table: User.schema, column: "totp_pending", rowID: userID.uuidString)
    }

    private func twoFactorView(_ req: Request, user: User, error: String? = nil) async throws -> TwoFactorView {
        let required = try await TwoFactorRequirement.isRequired(for: user.role, on: req.db)
        var view = TwoFactorView(enrolled: user.hasTOTP, required: required, error: error)
        if !user.hasTOTP {
            // The candidate secret travels in the form sealed to this user, so nothing is stored until a code proves it.
            let secret = TOTP.generateSecret()
            let sealed = try req.application.fieldProtection.cipher.seal(secret, context: Self.pendingContext(try user.requireID()))
            view.secret = Base32.encode(secret)
            view.sealedSecret = sealed.base64EncodedString()
            let organisation = try await Organisation.query(on: req.db).first()?.name ?? "Songhoti"
            view.uri = TOTP(secret: secret).provisioningURI(accountName: user.email, issuer: "Songhoti " + organisation)
        }
        return view
    }

    func twoFactorForm(req: Request) async throws -> Response {
        let user = try user(req)
        return try await req.page("account-two-factor", titleKey: "two_factor.title", try await twoFactorView(req, user: user))
    }

    struct EnrolForm: Content {
        var sealed_secret: String?
        var code: String?
    }

    func enrolTwoFactor(req: Request) async throws -> Response {
        let user = try user(req)
        guard !user.hasTOTP else { return req.seeOther("/account/two-factor") }
        let form = try req.content.decode(EnrolForm.self)
        let userID = try user.requireID()
        guard let sealedText = form.sealed_secret, let sealed = Data(base64Encoded: sealedText),
              let secret = try? req.application.fieldProtection.cipher.open(sealed, context: Self.pendingContext(userID)) else {
            throw Abort(.badRequest)
        }
        let code = (form.code ?? "").filter(\.isNumber)
        guard let step = TOTP(secret: secret).matchingStep(for: code, at: Date()) else {
            var view = try await twoFactorView(req, user: user, error: req.t("two_factor.error.invalid"))
            // Keep the same secret so the person does not have to scan again.
            view.secret = Base32.encode(secret)
            view.sealedSecret = sealedText
            let organisation = try await Organisation.query(on: req.db).first()?.name ?? "Songhoti"
            view.uri = TOTP(secret: secret).provisioningURI(accountName: user.email, issuer: "Songhoti " + organisation)
            return try await req.page("account-two-factor", titleKey: "two_factor.title", view, status: .unprocessableEntity)
        }
        let stored = try req.application.fieldProtection.cipher.seal(secret, context: TwoFactor.context(for: userID))
        try await req.write { db in
            user.totpSecret = stored
            user.totpLastStep = step
            try await user.update(on: db)
            try await req.audit("user.two_factor_enrol", "user", userID.uuidString, on: db)
        }
        return req.seeOther("/account?notice=two_factor_enabled")
    }

    struct RemoveForm: Content { var code: String? }

    func removeTwoFactor(req: Request) async throws -> Response {
        let user = try user(req)
        guard user.hasTOTP else { return req.seeOther("/account") }
        if try await TwoFactorRequirement.isRequired(for: user.role, on: req.db) {
            return try await req.page("account-two-factor", titleKey: "two_factor.title",
                                      try await twoFactorView(req, user: user, error: req.t("two_factor.error.required")), status: .forbidden)
        }
        let code = (try req.content.decode(RemoveForm.self).code ?? "").filter(\.isNumber)
        guard try TwoFactor.acceptedStep(for: user, code: code, req: req, now: Date()) != nil else {
            return try await req.page("account-two-factor", titleKey: "two_factor.title",
                                      try await twoFactorView(req, user: user, error: req.t("two_factor.error.invalid")), status: .unprocessableEntity)
        }
        try await req.write { db in
            user.totpSecret = nil
            user.totpLastStep = nil
            try await user.update(on: db)
            try await req.audit("user.two_factor_remove", "user", user.id?.uuidString, on: db)
        }
        return req.seeOther("/account?notice=two_factor_removed")
    }

    struct TokenForm: Content { var name: String? }

    func createToken(req: Request) async throws -> Response {
        let user = try user(req)
        let name = (try req.content.decode(TokenForm.self).name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else {
            var view = try await accountView(req, user: user)
            view.tokenError = req.t("form.error.required_short")
            return try await req.page("account", titleKey: "account.title", view, status: .unprocessableEntity)
        }
        let issued = try await APITokens.issue(for: user, name: name, on: req.application, audit: { db, token in
            try await req.audit("api_token.create", "api_token", token.id?.uuidString, on: db)
        })
        var view = try await accountView(req, user: user)
        view.newToken = issued
        return try await req.page("account", titleKey: "account.title", view)
    }

    func revokeToken(req: Request) async throws -> Response {
        let user = try user(req)
        guard let id = req.parameters.get("tokenID", as: UUID.self),
              let token = try await APIToken.find(id, on: req.db), token.userID == user.id else { throw Abort(.notFound) }
        try await req.write { db in
            token.revokedAt = Date()
            try await token.update(on: db)
            try await req.audit("api_token.revoke", "api_token", id.uuidString, on: db)
        }
        return req.seeOther("/account?notice=token_revoked")
    }
}

/// Creating API tokens, shared by the account page and `songhoti tokens create`.
enum APITokens {
    static let prefixMarker = "sht_"

    /// Returns the token (shown once); only its digest is stored.
    static func issue(for user: User, name: String, expiresAt: Date? = nil, on app: Application,
                      audit: @Sendable @escaping (any Database, APIToken) async throws -> Void) async throws -> String {
        let secret = prefixMarker + Secrets.token()
        let token = APIToken(userID: try user.requireID(), name: name, tokenHash: Secrets.digest(secret),
                             prefix: String(secret.prefix(10)), expiresAt: expiresAt)
        try await app.writer.transaction(on: app.db) { db in
            try await token.create(on: db)
            try await audit(db, token)
        }
        return secret
    }
}
