import Foundation
import SonghotiCore
import Testing

@Suite struct LoginBackoffTests {
    @Test func standardScheduleDoublesFromThirtySecondsToAnHour() {
        let backoff = LoginBackoff.standard
        #expect((0..<5).map { backoff.lockDuration(afterConsecutiveFailures: $0) } == [nil, nil, nil, nil, nil])
        #expect((5...12).map { backoff.lockDuration(afterConsecutiveFailures: $0) }
            == [30, 60, 120, 240, 480, 960, 1920, 3600])
        #expect(backoff.lockDuration(afterConsecutiveFailures: 1000) == 3600)
        #expect(backoff.lockDuration(afterConsecutiveFailures: .max) == 3600)
    }

    @Test func customSchedule() {
        let backoff = LoginBackoff(freeFailures: 0, base: 1, maximum: 10)
        #expect((0...5).map { backoff.lockDuration(afterConsecutiveFailures: $0) } == [1, 2, 4, 8, 10, 10])
        #expect(backoff.lockDuration(afterConsecutiveFailures: -1) == nil)
    }
}

@Suite struct SessionLifetimeTests {
    let created = Date(timeIntervalSince1970: 1_700_000_000)
    let lifetime = SessionLifetime.standard

    @Test func idleLimitEndsTheSessionAtExactlyThirtyMinutesWithoutUse() {
        let lastSeen = created.addingTimeInterval(10 * 60)
        let limit = lastSeen.addingTimeInterval(30 * 60)
        #expect(lifetime.expiry(createdAt: created, lastSeenAt: lastSeen) == limit)
        #expect(!lifetime.isExpired(createdAt: created, lastSeenAt: lastSeen, now: limit.addingTimeInterval(-0.001)))
        #expect(lifetime.isExpired(createdAt: created, lastSeenAt: lastSeen, now: limit))
    }

    @Test func absoluteLimitEndsAnActiveSessionAtExactlyTwelveHours() {
        let lastSeen = created.addingTimeInterval(11 * 3600 + 50 * 60)
        let limit = created.addingTimeInterval(12 * 3600)
        #expect(lifetime.expiry(createdAt: created, lastSeenAt: lastSeen) == limit)
        #expect(!lifetime.isExpired(createdAt: created, lastSeenAt: lastSeen, now: limit.addingTimeInterval(-0.001)))
        #expect(lifetime.isExpired(createdAt: created, lastSeenAt: lastSeen, now: limit))
    }

    @Test func freshSessionIsValid() {
        #expect(!lifetime.isExpired(createdAt: created, lastSeenAt: created, now: created))
        let custom = SessionLifetime(idle: 60, absolute: 120)
        #expect(custom.expiry(createdAt: created, lastSeenAt: created.addingTimeInterval(100))
            == created.addingTimeInterval(120))
    }
}
