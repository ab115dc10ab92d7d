import Fluent
import Foundation

/// Consecutive failed sign-ins per account or per source address.
final class LoginThrottle: Model, @unchecked Sendable {
    static let schema = "login_throttles"

    /// "account:<blind index of the email>" or "ip:<address>".
    @ID(custom: "key", generatedBy: .user) var id: String?
    @Field(key: "failures") var failures: Int
    @Field(key: "last_failure_at") var lastFailureAt: Date
    @OptionalField(key: "locked_until") var lockedUntil: Date?

    init() {}
    init(key: String, now: Date) {
        self.id = key
        self.failures = 0
        self.lastFailureAt = now
    }
}

/// The one-time link that lets the first administrator set up the deployment.
final class SetupToken: Model, @unchecked Sendable {
    static let schema = "setup_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
    init(tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A known value sealed with each key: proves at start-up that the key ring matches the data.
final class KeyCheck: Model, @unchecked Sendable {
    static let schema = "key_checks"

    @ID(custom: "key_id", generatedBy: .user) var id: Int?
    @Field(key: "sealed") var sealed: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(keyID: UInt32, sealed: Data, createdAt: Date) {
        self.id = Int(keyID)
        self.sealed = sealed
        self.createdAt = createdAt
    }
}

/// Per-role security requirements set by an administrator.
final class RoleSetting: Model, @unchecked Sendable {
    static let schema = "role_settings"

    @ID(custom: "role", generatedBy: .user) var id: String?
    @Field(key: "totp_required") var totpRequired: Bool

    init() {}
    init(role: String, totpRequired: Bool) {
        self.id = role
        self.totpRequired = totpRequired
    }
}
