import Foundation

/// An exact fraction for the arithmetic between inputs and the rounded amount at the end of a line
/// (days ÷ 26, 7.5 days, 5% of basic). Overflow traps: amounts and factors here stay far below Int64's range.
public struct Rational: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let numerator: Int64
    public let denominator: Int64

    public init(_ numerator: Int64, _ denominator: Int64 = 1) {
        precondition(denominator != 0, "zero denominator")
        let sign: Int64 = denominator < 0 ? -1 : 1
        let divisor = Rational.gcd(abs(numerator), abs(denominator))
        self.numerator = sign * numerator / max(divisor, 1)
        self.denominator = sign * denominator / max(divisor, 1)
    }

    public init(_ value: Int) { self.init(Int64(value)) }

    public static let zero = Rational(0)
    public static let one = Rational(1)

    /// Parses "7.5", "208", "0.5", "-3" exactly.
    public init?(decimal text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let negative = trimmed.hasPrefix("-")
        let body = negative ? String(trimmed.dropFirst()) : trimmed
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard !body.isEmpty, parts.count <= 2, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              !(parts[0].isEmpty), parts.count == 1 || !parts[1].isEmpty, body.count <= 15 else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        var scale: Int64 = 1
        for _ in 0..<fraction.count { scale *= 10 }
        guard let whole = Int64(parts[0]), let part = Int64(fraction.isEmpty ? "0" : fraction) else { return nil }
        self.init((negative ? -1 : 1) * (whole * scale + part), scale)
    }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? a : gcd(b, a % b) }

    public static func + (l: Rational, r: Rational) -> Rational {
        let divisor = gcd(l.denominator, r.denominator)
        let left = l.numerator * (r.denominator / divisor), right = r.numerator * (l.denominator / divisor)
        return Rational(left + right, l.denominator / divisor * r.denominator)
    }
    public static func - (l: Rational, r: Rational) -> Rational { l + Rational(-r.numerator, r.denominator) }
    public static func * (l: Rational, r: Rational) -> Rational {
        // Cross-reduce first to keep the intermediate products small.
        let a = gcd(abs(l.numerator), r.denominator), b = gcd(abs(r.numerator), l.denominator)
        return Rational((l.numerator / max(a, 1)) * (r.numerator / max(b, 1)), (l.denominator / max(b, 1)) * (r.denominator / max(a, 1)))
    }
    public static func / (l: Rational, r: Rational) -> Rational { l * Rational(r.denominator, r.numerator) }
    public static func < (l: Rational, r: Rational) -> Bool { l.numerator * r.denominator < r.numerator * l.denominator }

    public var isZero: Bool { numerator == 0 }
    public var floor: Int64 { numerator >= 0 ? numerator / denominator : -((-numerator + denominator - 1) / denominator) }

    public enum Rounding: String, Sendable, CaseIterable, Codable { case halfUp = "half_up", down, up }

    /// Rounded to an integer (for amounts: already in minor units).
    public func rounded(_ rule: Rounding) -> Int64 {
        let quotient = numerator / denominator, remainder = numerator % denominator
        guard remainder != 0 else { return quotient }
        let positive = numerator > 0
        switch rule {
        case .down: return positive ? quotient : quotient - 1
        case .up: return positive ? quotient + 1 : quotient
        case .halfUp:
            let twice = 2 * abs(remainder)
            if twice >= denominator { return positive ? quotient + 1 : quotient - 1 }
            return quotient
        }
    }

    /// Written exactly where it can be ("7.5", "30", "0.25") and to four places otherwise ("4.6154…" as "4.6154").
    public var description: String {
        if denominator == 1 { return String(numerator) }
        var d = denominator
        while d % 2 == 0 { d /= 2 }
        while d % 5 == 0 { d /= 5 }
        let digits: Int
        var approximate = false
        if d == 1 {
            var places = 0, scale: Int64 = 1
            while (numerator * scale) % denominator != 0 { scale *= 10; places += 1 }
            digits = places
        } else { digits = 4; approximate = true }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (self * Rational(scale)).rounded(.halfUp)
        let sign = scaled < 0 ? "-" : ""
        let magnitude = abs(scaled)
        let whole = magnitude / scale, fraction = String(magnitude % scale)
        let text = sign + String(whole) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
        return approximate ? text + "…" : text
    }
}
