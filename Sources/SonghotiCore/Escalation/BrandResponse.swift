import Foundation

/// How a brand answered a letter about a case. `noResponse` records that someone checked and nothing came.
public enum BrandResponseKind: String, Sendable, CaseIterable, Codable {
    case noResponse = "no_response", acknowledged, engaged, remedyCommitted = "remedy_committed", refused, remedyDelivered = "remedy_delivered"
    public var labelKey: String { "escalation.response.\(rawValue)" }
    /// Whether this counts as the brand answering.
    public var isAnswer: Bool { self != .noResponse }
}

/// One letter's dates and answers, with the rules for "overdue" and the brand-level statistics.
/// Dates are calendar days written `YYYY-MM-DD` (ISO order compares correctly as text).
public struct EscalationRecord: Sendable {
    public struct Response: Sendable {
        public let kind: BrandResponseKind
        public let on: String
        public init(kind: BrandResponseKind, on: String) { self.kind = kind; self.on = on }
    }

    public let sentOn: String
    public let deadline: String
    public let responses: [Response]

    public init(sentOn: String, deadline: String, responses: [Response]) {
        self.sentOn = sentOn
        self.deadline = deadline
        self.responses = responses
    }

    /// The first day the brand actually answered.
    public var firstAnswerOn: String? { responses.filter(\.kind.isAnswer).map(\.on).min() }

    /// The latest recorded response (by date, then by order of recording).
    public var latest: Response? {
        responses.enumerated().max { ($0.element.on, $0.offset) < ($1.element.on, $1.offset) }?.element
    }

    /// Past its deadline with no answer. An answer that came late still ends "overdue".
    public func isOverdue(today: String) -> Bool { firstAnswerOn == nil && today > deadline }

    /// Whole days from sending to the first answer.
    public var daysToFirstAnswer: Int? {
        guard let first = firstAnswerOn, let from = Self.day(sentOn), let to = Self.day(first) else { return nil }
        return max(0, to - from)
    }

    /// Days since 1970-01-01 for a `YYYY-MM-DD` date (proleptic Gregorian), nil if malformed.
    public static func day(_ text: String) -> Int? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        // Howard Hinnant's days-from-civil.
        let (y0, m, d) = (parts[0], parts[1], parts[2])
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// `YYYY-MM-DD` for days since 1970-01-01.
    public static func date(fromDay z0: Int) -> String {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// `YYYY-MM-DD` plus a number of days.
    public static func adding(days: Int, to text: String) -> String? { day(text).map { date(fromDay: $0 + days) } }
}

/// A brand's record across letters: how often it answers and how fast.
public struct BrandResponseStatistics: Sendable, Equatable {
    public let letters: Int
    public let answered: Int
    /// Answered ÷ letters, nil with no letters.
    public let responseRate: Double?
    /// Median whole days to the first answer over answered letters (mean of the middle two for an even count).
    public let medianDaysToFirstAnswer: Double?
    public let remedyDelivered: Int

    public init(_ records: [EscalationRecord]) {
        letters = records.count
        let days = records.compactMap(\.daysToFirstAnswer).sorted()
        answered = records.filter { $0.firstAnswerOn != nil }.count
        responseRate = records.isEmpty ? nil : Double(answered) / Double(records.count)
        if days.isEmpty {
            medianDaysToFirstAnswer = nil
        } else if days.count % 2 == 1 {
            medianDaysToFirstAnswer = Double(days[days.count / 2])
        } else {
            medianDaysToFirstAnswer = Double(days[days.count / 2 - 1] + days[days.count / 2]) / 2
        }
        remedyDelivered = records.filter { $0.responses.contains { $0.kind == .remedyDelivered } }.count
    }
}
