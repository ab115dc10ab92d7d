import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Creating, changing and disabling staff accounts; used by the admin pages, the API and `songhoti users`.
struct UserService {
    struct NewAccount: Sendable {
        var email: String
        var displayName: String
        var role: String
        var officeID: UUID?
        var language: String
        var password: String
    }

    struct Changes: Sendable {
        var displayName: String
        var role: String
        var officeID: UUID?
        var language: String
    }

    let context: ChangeContext

    private var db: any Database { context.app.db }

    private func validateCommon(displayName: String, role: String, officeID: UUID?, language: String, into fields: inout [String: String]) async throws {
        if displayName.isEmpty || displayName.count > 200 { fields["display_name"] = "form.error.required_short" }
        if Role(rawValue: role) == nil { fields["role"] = "form.error.choose" }
        if Language(rawValue: language) == nil { fields["language"] = "form.error.choose" }
        if let officeID, try await Office.find(officeID, on: db) == nil { fields["office_id"] = "form.error.choose" }
    }

    func create(_ raw: NewAccount, passwordHasher: @Sendable (String) async throws -> String) async throws -> User {
        let email = BlindIndex.normalisedEmail(raw.email)
        let displayName = raw.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        var fields: [String: String] = [:]
        if !AccountForms.looksLikeEmail(email) {
            fields["email"] = "form.error.email"
        } else if try await User.query(on: db).filter(\.$email == email).count() > 0 {
            fields["email"] = "user.error.email_taken"
        }
        try await validateCommon(displayName: displayName, role: raw.role, officeID: raw.officeID, language: raw.language, into: &fields)
        if let problem = context.app.passwordPolicy.problems(in: raw.password, accountName: email).first {
            fields["password"] = Self.key(for: problem)
        }
        guard fields.isEmpty else { throw Invalid(fields: fields) }
        let hash = try await passwordHasher(raw.password)
        let user = User(email: email, displayName: displayName, passwordHash: hash, role: Role(rawValue: raw.role) ?? .viewer,
                        officeID: raw.officeID, language: Language(rawValue: raw.language) ?? .english,
                        // Someone else chose this password: the owner replaces it at first sign-in.
                        mustChangePassword: true)
        let context = self.context
        try await context.write { db in
            try await user.create(on: db)
            try await context.audit("user.create", "user", user.id?.uuidString, on: db)
        }
        return user
    }

    func update(_ user: User, with raw: Changes) async throws {
        let displayName = raw.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        var fields: [String: String] = [:]
        try await validateCommon(displayName: displayName, role: raw.role, officeID: raw.officeID, language: raw.language, into: &fields)
        guard fields.isEmpty else { throw Invalid(fields: fields) }
        user.displayName = displayName
        user.roleRaw = raw.role
        user.officeID = raw.officeID
        user.language = raw.language
        let context = self.context
        try await context.write { db in
            try await user.update(on: db)
            try await context.audit("user.update", "user", user.id?.uuidString, on: db)
        }
    }

    /// Disabling ends every session at once; tokens stop working because their owner is disabled.
    func setDisabled(_ user: User, _ disabled: Bool) async throws {
        let context = self.context
        try await context.write { db in
            user.disabledAt = disabled ? Date() : nil
            try await user.update(on: db)
            if disabled {
                try await WebSession.query(on: db).filter(\.$userID == user.requireID()).delete()
            }
            try await context.audit(disabled ? "user.disable" : "user.enable", "user", user.id?.uuidString, on: db)
        }
    }

    /// An administrator sets a temporary password; the owner must replace it, and existing sessions end.
    func resetPassword(_ user: User, to password: String, passwordHasher: @Sendable (String) async throws -> String) async throws {
        if let problem = context.app.passwordPolicy.problems(in: password, accountName: user.email).first {
            throw Invalid(fields: ["password": Self.key(for: problem)])
        }
        let hash = try await passwordHasher(password)
        let context = self.context
        try await context.write { db in
            user.passwordHash = hash
            user.mustChangePassword = true
            try await user.update(on: db)
            try await WebSession.query(on: db).filter(\.$userID == user.requireID()).delete()
            try await context.audit("user.password_reset", "user", user.id?.uuidString, on: db)
        }
    }

    static func key(for problem: PasswordProblem) -> String {
        switch problem {
        case .tooShort: "password.error.too_short"
        case .tooLong: "password.error.too_long"
        case .common: "password.error.common"
        case .containsAccountName: "password.error.contains_account"
        case .repetitive: "password.error.repetitive"
        }
    }
}
