// swift-crypto 3.12 does not mark SymmetricKey Sendable, though it is an immutable value.
@preconcurrency import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238), built on HOTP (RFC 4226).
public struct TOTP: Sendable {
    public enum Algorithm: String, Sendable {
        case sha1 = "SHA1"
        case sha256 = "SHA256"
        case sha512 = "SHA512"
    }

    private let secret: SymmetricKey
    private let secretBytes: Data
    private let digits: Int
    private let period: Int
    private let algorithm: Algorithm

    /// Digits 6 to 8 (authenticator apps support 6 and 8); the period is in seconds.
    public init(secret: Data, digits: Int = 6, period: Int = 30, algorithm: Algorithm = .sha1) {
        precondition((6...8).contains(digits), "TOTP codes have 6 to 8 digits")
        precondition(period > 0, "TOTP period must be positive")
        self.secret = SymmetricKey(data: secret)
        self.secretBytes = secret
        self.digits = digits
        self.period = period
        self.algorithm = algorithm
    }

    /// 160 bits, the HMAC-SHA1 block-output size RFC 4226 recommends.
    public static func generateSecret() -> Data {
        SymmetricKey(size: SymmetricKeySize(bitCount: 160)).withUnsafeBytes { Data($0) }
    }

    public func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    public func code(at date: Date) -> String {
        code(step: step(at: date))
    }

    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac: [UInt8]
        switch algorithm {
        case .sha1: mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: secret))
        case .sha256: mac = Array(HMAC<SHA256>.authenticationCode(for: message, using: secret))
        case .sha512: mac = Array(HMAC<SHA512>.authenticationCode(for: message, using: secret))
        }
        // Dynamic truncation, RFC 4226 section 5.3.
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24)
            | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(binary % modulus)
        return String(repeating: "0", count: digits - number.count) + number
    }

    /// Accepts the code for the current step or ±window steps; returns the matched step so the caller can refuse reuse of a step already used.
    ///
    /// Spaces in the typed code are ignored. Every candidate is compared in full, so response time
    /// does not reveal how many leading digits were right.
    public func matchingStep(for code: String, at date: Date, window: Int = 1) -> Int64? {
        let typed = Array(code.utf8.filter { $0 != UInt8(ascii: " ") })
        guard typed.count == digits,
              typed.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        let current = step(at: date)
        let reach = Int64(max(0, window))
        var matched: Int64?
        for offset in -reach...reach {
            let candidate = current + offset
            let expected = Array(self.code(step: candidate).utf8)
            var difference: UInt8 = 0
            for index in 0..<digits { difference |= expected[index] ^ typed[index] }
            // Prefer the step nearest to now if two steps happen to share a code.
            if difference == 0, matched.map({ abs(offset) < abs($0 - current) }) ?? true {
                matched = candidate
            }
        }
        return matched
    }

    /// The otpauth URI that authenticator apps read from a QR code.
    public func provisioningURI(accountName: String, issuer: String) -> String {
        let label = Self.percentEncoded(issuer) + ":" + Self.percentEncoded(accountName)
        let query = [
            ("secret", Base32.encode(secretBytes)),
            ("issuer", issuer),
            ("algorithm", algorithm.rawValue),
            ("digits", String(digits)),
            ("period", String(period)),
        ]
        .map { "\($0.0)=\(Self.percentEncoded($0.1))" }
        .joined(separator: "&")
        return "otpauth://totp/\(label)?\(query)"
    }

    /// Everything outside RFC 3986 "unreserved" is encoded, including ":", "@", "&" and spaces,
    /// which would otherwise change how apps split the label and query.
    private static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
