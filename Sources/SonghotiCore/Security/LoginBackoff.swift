import Foundation

/// How long an account stays locked after repeated failed sign-ins. A few free attempts allow for
/// typos; after that the wait doubles, which stops online guessing without letting an attacker lock
/// a real user out for more than the maximum.
public struct LoginBackoff: Sendable {
    /// 5 free failures, then 30 s, doubling up to one hour.
    public static let standard = LoginBackoff(freeFailures: 5, base: 30, maximum: 60 * 60)

    public let freeFailures: Int
    public let base: TimeInterval
    public let maximum: TimeInterval

    public init(freeFailures: Int, base: TimeInterval, maximum: TimeInterval) {
        precondition(freeFailures >= 0 && base >= 0 && maximum >= base, "invalid login backoff")
        self.freeFailures = freeFailures
        self.base = base
        self.maximum = maximum
    }

    /// nil while n < freeFailures; base at n == freeFailures; doubling with each further failure;
    /// never more than maximum.
    public func lockDuration(afterConsecutiveFailures n: Int) -> TimeInterval? {
        guard n >= freeFailures else { return nil }
        var duration = base
        var doublings = n - freeFailures
        // Stop doubling once capped, so a huge failure count cannot overflow.
        while doublings > 0, duration > 0, duration < maximum {
            duration *= 2
            doublings -= 1
        }
        return min(duration, maximum)
    }
}
