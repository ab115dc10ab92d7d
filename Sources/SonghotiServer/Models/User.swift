import Fluent
import Foundation
import SonghotiCore

/// A staff account.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var roleRaw: String
    @OptionalField(key: "office_id") var officeID: UUID?
    @Field(key: "language") var language: String
    @Field(key: "must_change_password") var mustChangePassword: Bool
    /// TOTP secret sealed with the field cipher (AAD: users.totp_secret.<id>).
    @OptionalField(key: "totp_secret") var totpSecret: Data?
    /// Last accepted TOTP time step, so a code cannot be replayed.
    @OptionalField(key: "totp_last_step") var totpLastStep: Int64?
    @OptionalField(key: "disabled_at") var disabledAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
    init(id: UUID? = nil, email: String, displayName: String, passwordHash: String, role: Role, officeID: UUID?, language: Language, mustChangePassword: Bool) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.roleRaw = role.rawValue
        self.officeID = officeID
        self.language = language.rawValue
        self.mustChangePassword = mustChangePassword
    }

    var role: Role { Role(rawValue: roleRaw) ?? .viewer }
    var preferredLanguage: Language { Language(rawValue: language) ?? .english }
    var isDisabled: Bool { disabledAt != nil }
    var hasTOTP: Bool { totpSecret != nil }

    func principal() throws -> Principal {
        Principal(userID: try requireID(), role: role, officeID: officeID)
    }

    static let totpSecretColumn = "totp_secret"
}
