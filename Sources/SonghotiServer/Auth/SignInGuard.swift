import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Counts failed sign-ins per account and per source address and imposes exponential back-off.
struct SignInGuard: Sendable {
    let backoff: LoginBackoff

    static func keys(email: String, ip: String?, blindIndex: BlindIndex) -> [String] {
        // The account key is a blind index so the throttle table holds no email addresses.
        var keys = ["account:" + blindIndex.digest(BlindIndex.normalisedEmail(email), purpose: "login-throttle")]
        if let ip { keys.append("ip:" + ip) }
        return keys
    }

    /// The latest time any of the keys is locked until, if in the future.
    func lockedUntil(_ keys: [String], on db: any Database, now: Date) async throws -> Date? {
        let rows = try await LoginThrottle.query(on: db).filter(\.$id ~~ keys).all()
        return rows.compactMap(\.lockedUntil).filter { $0 > now }.max()
    }

    /// Records a failure for every key; returns the new lock end if one was imposed.
    @discardableResult
    func recordFailure(_ keys: [String], on db: any Database, now: Date) async throws -> Date? {
        var lockEnd: Date?
        for key in keys {
            let row = try await LoginThrottle.find(key, on: db) ?? LoginThrottle(key: key, now: now)
            row.failures += 1
            row.lastFailureAt = now
            if let duration = backoff.lockDuration(afterConsecutiveFailures: row.failures) {
                row.lockedUntil = now.addingTimeInterval(duration)
                lockEnd = max(lockEnd ?? .distantPast, row.lockedUntil!)
            }
            try await row.save(on: db)
        }
        return lockEnd
    }

    func reset(_ keys: [String], on db: any Database) async throws {
        try await LoginThrottle.query(on: db).filter(\.$id ~~ keys).delete()
    }

    /// Drops counters that have been quiet for a day.
    static func purgeStale(on db: any Database, now: Date) async throws {
        try await LoginThrottle.query(on: db).filter(\.$lastFailureAt < now.addingTimeInterval(-86_400)).delete()
    }
}

/// Checks a password against an account, with throttling and audit, the same way for the web and the CLI-free API.
struct PasswordSignIn: Sendable {
    enum Outcome: Sendable {
        case success(User)
        case invalid
        case throttled(until: Date)
    }

    let guardRail = SignInGuard(backoff: .standard)

    func attempt(email rawEmail: String, password: String, req: Request, now: Date = Date()) async throws -> Outcome {
        let email = BlindIndex.normalisedEmail(rawEmail)
        let keys = SignInGuard.keys(email: email, ip: req.clientIP, blindIndex: req.application.fieldProtection.blindIndex)
        if let until = try await guardRail.lockedUntil(keys, on: req.db, now: now) {
            req.logger.warning("sign-in refused while throttled")
            return .throttled(until: until)
        }
        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        // Verify against a real bcrypt hash even for unknown accounts, so timing does not reveal which emails exist.
        let hash = user?.passwordHash ?? req.application.decoyPasswordHash
        let matches = (try? await req.password.async.verify(password, created: hash)) ?? false
        if let user, matches, !user.isDisabled {
            try await req.write { db in
                try await guardRail.reset(keys, on: db)
                try await req.audit("session.sign_in", "user", user.id?.uuidString, on: db, actorID: user.id?.uuidString)
            }
            return .success(user)
        }
        let lock = try await req.write { db in
            let lock = try await guardRail.recordFailure(keys, on: db, now: now)
            try await req.audit("session.sign_in_failed", "user", user?.id?.uuidString, on: db, actorID: nil)
            return lock
        }
        if let lock {
            req.logger.warning("sign-in throttled after repeated failures", metadata: ["locked_seconds": .stringConvertible(Int(lock.timeIntervalSince(now)))])
        }
        return .invalid
    }
}

extension Application {
    private struct DecoyKey: StorageKey { typealias Value = String }

    /// A bcrypt hash of a random string, computed once at start-up.
    var decoyPasswordHash: String {
        get { storage[DecoyKey.self] ?? "" }
        set { storage[DecoyKey.self] = newValue }
    }
}
