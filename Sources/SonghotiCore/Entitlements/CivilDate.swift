import Foundation

/// A calendar date with no time of day or zone, as the law uses them (date of joining, of dismissal, of delivery).
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2200).contains(year), (1...12).contains(month), (1...CivilDate.daysIn(year, month)).contains(day) else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// "2025-11-17".
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = CivilDate(text) else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)")) }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }
    public static func daysIn(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// Days since a fixed origin (proleptic Gregorian), for differences.
    public var dayNumber: Int {
        let a = (14 - month) / 12, y = year + 4800 - a, m = month + 12 * a - 3
        return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }

    public init(dayNumber: Int) {
        let a = dayNumber + 32044, b = (4 * a + 3) / 146097, c = a - 146097 * b / 4
        let d = (4 * c + 3) / 1461, e = c - 1461 * d / 4, m = (5 * e + 2) / 153
        let day = e - (153 * m + 2) / 5 + 1, month = m + 3 - 12 * (m / 10), year = 100 * b + d - 4800 + m / 10
        self.year = year; self.month = month; self.day = day
    }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// Adds calendar months; the day is clamped to the end of a shorter month (31 Jan + 1 month = 28/29 Feb).
    public func adding(months: Int) -> CivilDate {
        let index = year * 12 + (month - 1) + months
        let y = index / 12, m = index % 12 + 1
        return CivilDate(year: y, month: m, day: min(day, CivilDate.daysIn(y, m)))!
    }

    public func adding(years: Int) -> CivilDate { adding(months: years * 12) }

    public static func < (l: CivilDate, r: CivilDate) -> Bool { (l.year, l.month, l.day) < (r.year, r.month, r.day) }

    public var firstOfMonth: CivilDate { CivilDate(year: year, month: month, day: 1)! }
}

/// Length of service from the first day worked to the last, both included: the law's "completed years" and the
/// part of a year left over.
public struct ServiceLength: Sendable, Equatable {
    public let years: Int
    /// Whole months beyond the completed years.
    public let months: Int
    /// Days beyond the completed years and months.
    public let days: Int

    public init(from start: CivilDate, through end: CivilDate) {
        let after = end.adding(days: 1)
        var years = 0
        while start.adding(years: years + 1) <= after { years += 1 }
        var months = 0
        while start.adding(months: years * 12 + months + 1) <= after { months += 1 }
        self.years = years
        self.months = months
        self.days = after.dayNumber - start.adding(months: years * 12 + months).dayNumber
    }

    public var totalMonths: Int { years * 12 + months }
    /// The part-year is more than six months (the law counts such a part as a whole year for gratuity and death).
    public var partYearOverSixMonths: Bool { months > 6 || (months == 6 && days > 0) }
}
