import Fluent
import Foundation

/// A browser session, stored in the database so any instance can serve any request.
/// Only the SHA-256 of the cookie value is stored: a copied database holds no usable session.
final class WebSession: Model, @unchecked Sendable {
    static let schema = "sessions"

    enum Stage: String, Sendable {
        case anonymous
        case awaitingSecondFactor = "awaiting_second_factor"
        case signedIn = "signed_in"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "stage") var stageRaw: String
    @Field(key: "csrf_token") var csrfToken: String
    @OptionalField(key: "language") var language: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date

    init() {}
    init(tokenHash: String, userID: UUID?, stage: Stage, csrfToken: String, language: String?, now: Date) {
        self.tokenHash = tokenHash
        self.userID = userID
        self.stageRaw = stage.rawValue
        self.csrfToken = csrfToken
        self.language = language
        self.createdAt = now
        self.lastSeenAt = now
    }

    var stage: Stage { Stage(rawValue: stageRaw) ?? .anonymous }
}
