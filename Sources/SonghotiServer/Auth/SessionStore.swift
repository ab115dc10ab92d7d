import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Database-backed browser sessions with idle and absolute expiry.
struct SessionStore: Sendable {
    static let cookieName = "songhoti_session"
    let lifetime: SessionLifetime

    /// The live session named by the request's cookie, or nil (expired sessions are deleted on sight).
    func current(_ req: Request, now: Date = Date()) async throws -> WebSession? {
        guard let token = req.cookies[Self.cookieName]?.string, !token.isEmpty, token.count < 128 else { return nil }
        guard let session = try await WebSession.query(on: req.db).filter(\.$tokenHash == Secrets.digest(token)).first() else {
            return nil
        }
        if lifetime.isExpired(createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, now: now) {
            try await req.write { db in try await WebSession.query(on: db).filter(\.$id == session.requireID()).delete() }
            return nil
        }
        // Refresh the idle clock at most once a minute to keep writes off most requests.
        if now.timeIntervalSince(session.lastSeenAt) > 60 {
            session.lastSeenAt = now
            try await req.write { db in try await session.update(on: db) }
        }
        return session
    }

    /// Creates a session and arranges for its cookie to be set on the response.
    func start(_ req: Request, userID: UUID?, stage: WebSession.Stage, language: String?, on db: any Database, now: Date = Date()) async throws -> WebSession {
        let token = Secrets.token()
        let session = WebSession(tokenHash: Secrets.digest(token), userID: userID, stage: stage, csrfToken: Secrets.token(), language: language, now: now)
        try await session.create(on: db)
        req.sessionState.issuedToken = token
        req.sessionState.session = session
        return session
    }

    /// Ends the session and clears the cookie.
    func end(_ req: Request, _ session: WebSession, on db: any Database) async throws {
        try await WebSession.query(on: db).filter(\.$id == session.requireID()).delete()
        req.sessionState.session = nil
        req.sessionState.cleared = true
    }

    /// Deletes every expired session. Returns how many were removed.
    @discardableResult
    static func purgeExpired(on db: any Database, lifetime: SessionLifetime, now: Date = Date()) async throws -> Int {
        let idleCutoff = now.addingTimeInterval(-lifetime.idle)
        let absoluteCutoff = now.addingTimeInterval(-lifetime.absolute)
        let expired = try await WebSession.query(on: db)
            .group(.or) { $0.filter(\.$lastSeenAt < idleCutoff).filter(\.$createdAt < absoluteCutoff) }
            .count()
        try await WebSession.query(on: db)
            .group(.or) { $0.filter(\.$lastSeenAt < idleCutoff).filter(\.$createdAt < absoluteCutoff) }
            .delete()
        return expired
    }
}

/// What this request knows and decided about its session.
final class SessionState: @unchecked Sendable {
    var session: WebSession?
    var user: User?
    /// A new cookie value to send (set at sign-in and for first visits).
    var issuedToken: String?
    /// The cookie must be cleared (sign-out).
    var cleared = false
}

extension Request {
    private struct SessionStateKey: StorageKey { typealias Value = SessionState }

    var sessionState: SessionState {
        if let state = storage[SessionStateKey.self] { return state }
        let state = SessionState()
        storage[SessionStateKey.self] = state
        return state
    }

    var sessions: SessionStore { SessionStore(lifetime: application.sessionLifetime) }

    /// The signed-in staff member of a web request, after the second factor when one is needed.
    var staff: User? {
        guard sessionState.session?.stage == .signedIn else { return nil }
        return sessionState.user
    }

    /// The session for this visit, creating an anonymous one (for the CSRF token of the forms on the page).
    func ensureSession() async throws -> WebSession {
        if let session = sessionState.session { return session }
        return try await write { db in
            try await self.sessions.start(self, userID: nil, stage: .anonymous, language: nil, on: db)
        }
    }
}

extension Application {
    private struct LifetimeKey: StorageKey { typealias Value = SessionLifetime }

    var sessionLifetime: SessionLifetime {
        get { storage[LifetimeKey.self] ?? .standard }
        set { storage[LifetimeKey.self] = newValue }
    }
}
