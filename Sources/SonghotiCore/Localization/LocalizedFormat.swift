import Foundation

/// Numbers and dates written the way each language writes them, through Foundation's FormatStyle
/// (NumberFormatter with a Bangla numbering system crashes on Linux).
public struct LocalizedFormat: Sendable {
    public let language: Language
    public let timeZone: TimeZone

    public init(language: Language, timeZone: TimeZone) {
        self.language = language
        self.timeZone = timeZone
    }

    public func number(_ value: Int) -> String {
        value.formatted(IntegerFormatStyle<Int>(locale: language.locale))
    }

    /// Money with the language's digits and grouping, e.g. "BDT 12,500.50", "BDT ১২,৫০০.৫০".
    public func money(_ amount: Money) -> String {
        let digits = Money.minorDigits[amount.currency] ?? 2
        let decimal = Decimal(string: amount.decimalString) ?? 0
        let style = Decimal.FormatStyle(locale: language.locale).precision(.fractionLength(digits))
        return amount.currency + " " + decimal.formatted(style)
    }

    /// A year without grouping: "1998", "১৯৯৮".
    public func year(_ value: Int) -> String {
        value.formatted(IntegerFormatStyle<Int>(locale: language.locale).grouping(.never))
    }

    /// A calendar date stored as midnight UTC (legal dates have no time of day), e.g. "17 Nov 2025".
    public func calendarDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return date.formatted(Date.FormatStyle(date: .abbreviated, time: .omitted, locale: language.locale, calendar: calendar, timeZone: .gmt))
    }

    /// Date and time, e.g. "23 Nov 2026, 14:05".
    public func dateTime(_ date: Date) -> String {
        var style = Date.FormatStyle(date: .abbreviated, time: .shortened, locale: language.locale, calendar: calendar, timeZone: timeZone)
        style.timeZone = timeZone
        return date.formatted(style)
    }

    /// Calendar date only, e.g. "23 Nov 2026".
    public func date(_ date: Date) -> String {
        date.formatted(Date.FormatStyle(date: .abbreviated, time: .omitted, locale: language.locale, calendar: calendar, timeZone: timeZone))
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}
