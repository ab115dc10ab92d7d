// swift-crypto 3.12 does not mark SymmetricKey Sendable, though it is an immutable value.
@preconcurrency import Crypto
import Foundation

/// Keyed digests that allow exact lookup of encrypted identifiers ("is this phone number already a
/// worker?") without storing the value. Without the key, a copied database cannot be searched by
/// hashing guesses, which plain hashes of phone numbers would allow within minutes.
public struct BlindIndex: Sendable {
    private let key: SymmetricKey

    public init(key: SymmetricKey) {
        self.key = key
    }

    /// HMAC-SHA256 over the purpose and the value, as lowercase hex.
    ///
    /// Pass the value through the matching normaliser first (`normalisedPhone` etc.). The digest
    /// additionally trims surrounding whitespace and applies Unicode canonical composition, so the
    /// same text typed on different keyboards (Bangla vowel signs arrive composed or not) matches.
    /// The purpose separates indexes, so equal digests in two columns do not reveal equal values.
    public func digest(_ value: String, purpose: String) -> String {
        var encoding = CanonicalEncoding(domain: "songhoti-blind-index-v1")
        encoding.append(purpose)
        encoding.append(Self.canonical(value))
        return Data(HMAC<SHA256>.authenticationCode(for: encoding.bytes, using: key)).lowercaseHex
    }

    /// Digits only, with any script's decimal digits (Bangla ০-৯, Khmer ០-៩, Arabic-Indic, ...)
    /// converted to ASCII, and a leading "00" international prefix dropped so "+880…" and "00880…"
    /// give the same result.
    public static func normalisedPhone(_ raw: String) -> String {
        var digits = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            if let digit = asciiDigit(scalar) { digits.append(digit) }
        }
        let result = String(digits)
        return result.hasPrefix("00") ? String(result.dropFirst(2)) : result
    }

    /// For national ID, passport and similar numbers: uppercase, without spaces, dashes or dots,
    /// with non-ASCII decimal digits converted to ASCII.
    public static func normalisedIdentifier(_ raw: String) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            if let digit = asciiDigit(scalar) {
                kept.append(digit)
            } else if !isSeparator(scalar) {
                kept.append(scalar)
            }
        }
        return String(kept).uppercased()
    }

    public static func normalisedEmail(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    private static func canonical(_ value: String) -> String {
        value.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
    }

    private static func asciiDigit(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let properties = scalar.properties
        guard properties.numericType == .decimal,
              let value = properties.numericValue,
              let digit = UInt8(exactly: value), digit <= 9
        else { return nil }
        return Unicode.Scalar(UInt8(ascii: "0") + digit)
    }

    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace { return true }
        switch scalar {
        case "-", ".",
             "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2212}", // hyphens, dashes, minus
             "\u{00B7}", "\u{2024}", "\u{FF0E}", "\u{FF0D}": // middle dot, one-dot leader, fullwidth . and -
            return true
        default:
            return false
        }
    }
}
