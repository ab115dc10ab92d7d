import Foundation

/// When a signed-in session ends: after a period without use (a shared office computer left
/// unattended) or a fixed time after sign-in, whichever comes first, however active it is.
public struct SessionLifetime: Sendable {
    /// 30 minutes idle, 12 hours absolute.
    public static let standard = SessionLifetime(idle: 30 * 60, absolute: 12 * 60 * 60)

    public let idle: TimeInterval
    public let absolute: TimeInterval

    public init(idle: TimeInterval, absolute: TimeInterval) {
        precondition(idle > 0 && absolute > 0, "session lifetimes must be positive")
        self.idle = idle
        self.absolute = absolute
    }

    /// A session is expired from the expiry instant itself onwards (valid strictly before it).
    public func isExpired(createdAt: Date, lastSeenAt: Date, now: Date) -> Bool {
        now >= expiry(createdAt: createdAt, lastSeenAt: lastSeenAt)
    }

    /// The earlier of the idle and the absolute limit.
    public func expiry(createdAt: Date, lastSeenAt: Date) -> Date {
        min(lastSeenAt.addingTimeInterval(idle), createdAt.addingTimeInterval(absolute))
    }
}
