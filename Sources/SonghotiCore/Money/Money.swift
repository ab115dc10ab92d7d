import Foundation

/// An amount in integer minor units of an ISO 4217 currency. Never floating point.
public struct Money: Sendable, Hashable, Codable {
    public let minorUnits: Int64
    public let currency: String

    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Currencies Songhoti's users deal in, with their ISO 4217 minor-unit digits.
    public static let minorDigits: [String: Int] = ["BDT": 2, "KHR": 2, "USD": 2, "EUR": 2, "GBP": 2, "MYR": 2, "SAR": 2, "AED": 2, "QAR": 2, "KWD": 3, "OMR": 3, "INR": 2, "THB": 2]

    public enum ParseError: Error, Equatable { case unknownCurrency, notANumber, tooManyDecimals(allowed: Int), tooLarge, negative }

    /// Parses what a person types: "12,500.50", "১২,৫০০", " 300 ". Grouping commas and spaces are ignored;
    /// Bangla and Khmer digits are accepted.
    public static func parse(_ text: String, currency rawCurrency: String) throws(ParseError) -> Money {
        let currency = rawCurrency.uppercased()
        guard let digits = minorDigits[currency] else { throw .unknownCurrency }
        var cleaned = ""
        for character in text where !character.isWhitespace && character != "," && character != "_" {
            if let value = character.wholeNumberValue, !character.isASCII { cleaned.append(String(value)) } else { cleaned.append(character) }
        }
        if cleaned.hasPrefix("-") { throw .negative }
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard !cleaned.isEmpty, parts.count <= 2, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), !(parts.first ?? "").isEmpty else { throw .notANumber }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= digits else { throw .tooManyDecimals(allowed: digits) }
        guard parts[0].count <= 15 else { throw .tooLarge }
        let whole = Int64(parts[0]) ?? 0
        let paddedFraction = Int64(fraction.padding(toLength: digits, withPad: "0", startingAt: 0)) ?? 0
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let (product, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw .tooLarge }
        return Money(minorUnits: product + paddedFraction, currency: currency)
    }

    /// The amount as a plain decimal string, "12500.50" (for APIs and forms).
    public var decimalString: String {
        let digits = Money.minorDigits[currency] ?? 2
        guard digits > 0 else { return String(minorUnits) }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let fraction = String(minorUnits % scale)
        return "\(minorUnits / scale)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    /// Sums amounts per currency (amounts in different currencies are never added together).
    public static func totals(_ amounts: [Money]) -> [String: Int64] {
        amounts.reduce(into: [:]) { $0[$1.currency, default: 0] += $1.minorUnits }
    }
}
