import Fluent
import SonghotiCore
import Vapor

/// Sign-in (password, then the second factor when enrolled), sign-out and the language switch.
struct AuthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: loginForm)
        routes.post("login", use: login)
        routes.get("login", "two-factor", use: secondFactorForm)
        routes.post("login", "two-factor", use: secondFactor)
        routes.post("logout", use: logout)
        routes.post("language", use: switchLanguage)
    }

    struct LoginView: Encodable {
        var email: String = ""
        var next: String = "/"
        var error: String?
    }

    struct LoginForm: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    func loginForm(req: Request) async throws -> Response {
        if req.staff != nil { return req.seeOther("/") }
        let next = Self.safeNext(try? req.query.get(String.self, at: "next"))
        return try await req.page("login", titleKey: "login.title", LoginView(next: next))
    }

    func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let email = (form.email ?? "").trimmingCharacters(in: .whitespaces)
        let next = Self.safeNext(form.next)
        var view = LoginView(email: email, next: next)
        guard !email.isEmpty, let password = form.password, !password.isEmpty else {
            view.error = req.t("login.error.missing")
            return try await req.page("login", titleKey: "login.title", view, status: .unprocessableEntity)
        }
        switch try await PasswordSignIn().attempt(email: email, password: password, req: req) {
        case .throttled(let until):
            let minutes = max(1, Int((until.timeIntervalSinceNow / 60).rounded(.up)))
            view.error = req.t("login.error.throttled", req.format.number(minutes))
            return try await req.page("login", titleKey: "login.title", view, status: .tooManyRequests)
        case .invalid:
            view.error = req.t("login.error.invalid")
            return try await req.page("login", titleKey: "login.title", view, status: .unauthorized)
        case .success(let user):
            let stage: WebSession.Stage = user.hasTOTP ? .awaitingSecondFactor : .signedIn
            let previous = req.sessionState.session
            // A new session id at sign-in: a session fixed before sign-in is worth nothing after it.
            try await req.write { db in
                if let previous { try await req.sessions.end(req, previous, on: db) }
                _ = try await req.sessions.start(req, userID: user.id, stage: stage, language: nil, on: db)
            }
            req.sessionState.cleared = false
            req.sessionState.user = user
            return req.seeOther(stage == .signedIn ? next : "/login/two-factor?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
    }

    struct SecondFactorView: Encodable {
        var next: String
        var error: String?
    }

    func secondFactorForm(req: Request) async throws -> Response {
        guard req.sessionState.session?.stage == .awaitingSecondFactor else { return req.seeOther("/login") }
        let next = Self.safeNext(try? req.query.get(String.self, at: "next"))
        return try await req.page("login-two-factor", titleKey: "two_factor.title", SecondFactorView(next: next))
    }

    struct SecondFactorForm: Content {
        var code: String?
        var next: String?
    }

    func secondFactor(req: Request) async throws -> Response {
        guard let session = req.sessionState.session, session.stage == .awaitingSecondFactor,
              let userID = session.userID, let user = try await User.find(userID, on: req.db) else {
            return req.seeOther("/login")
        }
        let form = try req.content.decode(SecondFactorForm.self)
        let next = Self.safeNext(form.next)
        let signInGuard = SignInGuard(backoff: .standard)
        let keys = SignInGuard.keys(email: user.email, ip: req.clientIP, blindIndex: req.application.fieldProtection.blindIndex)
        let now = Date()
        if let until = try await signInGuard.lockedUntil(keys, on: req.db, now: now) {
            let minutes = max(1, Int((until.timeIntervalSinceNow / 60).rounded(.up)))
            return try await req.page("login-two-factor", titleKey: "two_factor.title",
                                      SecondFactorView(next: next, error: req.t("login.error.throttled", req.format.number(minutes))), status: .tooManyRequests)
        }
        let code = (form.code ?? "").filter(\.isNumber)
        if let step = try TwoFactor.acceptedStep(for: user, code: code, req: req, now: now) {
            try await req.write { db in
                user.totpLastStep = step
                try await user.update(on: db)
                try await signInGuard.reset(keys, on: db)
                try await req.sessions.end(req, session, on: db)
                _ = try await req.sessions.start(req, userID: user.id, stage: .signedIn, language: nil, on: db)
                try await req.audit("session.second_factor", "user", user.id?.uuidString, on: db, actorID: user.id?.uuidString)
            }
            req.sessionState.cleared = false
            return req.seeOther(next)
        }
        try await req.write { db in
            try await signInGuard.recordFailure(keys, on: db, now: now)
            try await req.audit("session.second_factor_failed", "user", user.id?.uuidString, on: db, actorID: nil)
        }
        return try await req.page("login-two-factor", titleKey: "two_factor.title",
                                  SecondFactorView(next: next, error: req.t("two_factor.error.invalid")), status: .unauthorized)
    }

    func logout(req: Request) async throws -> Response {
        if let session = req.sessionState.session {
            let userID = session.userID
            try await req.write { db in
                try await req.sessions.end(req, session, on: db)
                if let userID {
                    try await req.audit("session.sign_out", "user", userID.uuidString, on: db, actorID: userID.uuidString)
                }
            }
        }
        return req.seeOther("/login?notice=signed_out")
    }

    struct LanguageForm: Content {
        var language: String
        var next: String?
    }

    func switchLanguage(req: Request) async throws -> Response {
        let form = try req.content.decode(LanguageForm.self)
        guard let language = Language(rawValue: form.language) else { throw Abort(.badRequest) }
        try await req.write { db in
            if let session = req.sessionState.session {
                session.language = language.rawValue
                try await session.update(on: db)
            }
            if let user = req.sessionState.user {
                user.language = language.rawValue
                try await user.update(on: db)
            }
        }
        return req.seeOther(Self.safeNext(form.next))
    }

    /// Only same-site relative paths: an open redirect would make phishing links look like ours.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.contains("\\"), raw.count < 512,
              !raw.contains(where: { $0.isNewline }) else { return "/" }
        return raw
    }
}

/// TOTP checks shared by sign-in and enrolment.
enum TwoFactor {
    static func context(for userID: UUID) -> FieldContext {
        FieldContext(table: User.schema, column: User.totpSecretColumn, rowID: userID.uuidString)
    }

    /// The accepted time step for a code, refusing a step at or before the last one used (replay).
    static func acceptedStep(for user: User, code: String, req: Request, now: Date) throws -> Int64? {
        guard let sealed = user.totpSecret, let id = user.id, code.count == 6 else { return nil }
        let secret = try req.application.fieldProtection.cipher.open(sealed, context: context(for: id))
        guard let step = TOTP(secret: secret).matchingStep(for: code, at: now) else { return nil }
        if let last = user.totpLastStep, step <= last { return nil }
        return step
    }
}
