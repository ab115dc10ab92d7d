import Foundation
import SonghotiCore
import Testing

@Suite struct TOTPTests {
    static let sha1Seed = Data("12345678901234567890".utf8)
    static let sha256Seed = Data("12345678901234567890123456789012".utf8)
    static let sha512Seed = Data("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    struct Vector: Sendable, CustomTestStringConvertible {
        let time: Int64
        let algorithm: TOTP.Algorithm
        let code: String
        var testDescription: String { "\(algorithm.rawValue) at \(time)" }
    }

    /// RFC 6238 Appendix B.
    static let rfc6238: [Vector] = [
        Vector(time: 59, algorithm: .sha1, code: "94287082"),
        Vector(time: 59, algorithm: .sha256, code: "46119246"),
        Vector(time: 59, algorithm: .sha512, code: "90693936"),
        Vector(time: 1_111_111_109, algorithm: .sha1, code: "07081804"),
        Vector(time: 1_111_111_109, algorithm: .sha256, code: "68084774"),
        Vector(time: 1_111_111_109, algorithm: .sha512, code: "25091201"),
        Vector(time: 1_111_111_111, algorithm: .sha1, code: "14050471"),
        Vector(time: 1_111_111_111, algorithm: .sha256, code: "67062674"),
        Vector(time: 1_111_111_111, algorithm: .sha512, code: "99943326"),
        Vector(time: 1_234_567_890, algorithm: .sha1, code: "89005924"),
        Vector(time: 1_234_567_890, algorithm: .sha256, code: "91819424"),
        Vector(time: 1_234_567_890, algorithm: .sha512, code: "93441116"),
        Vector(time: 2_000_000_000, algorithm: .sha1, code: "69279037"),
        Vector(time: 2_000_000_000, algorithm: .sha256, code: "90698825"),
        Vector(time: 2_000_000_000, algorithm: .sha512, code: "38618901"),
        Vector(time: 20_000_000_000, algorithm: .sha1, code: "65353130"),
        Vector(time: 20_000_000_000, algorithm: .sha256, code: "77737706"),
        Vector(time: 20_000_000_000, algorithm: .sha512, code: "47863826"),
    ]

    static func seed(for algorithm: TOTP.Algorithm) -> Data {
        switch algorithm {
        case .sha1: sha1Seed
        case .sha256: sha256Seed
        case .sha512: sha512Seed
        }
    }

    @Test(arguments: rfc6238)
    func rfc6238Vector(_ vector: Vector) {
        let totp = TOTP(secret: Self.seed(for: vector.algorithm), digits: 8, algorithm: vector.algorithm)
        let date = Date(timeIntervalSince1970: TimeInterval(vector.time))
        #expect(totp.code(at: date) == vector.code)
        #expect(totp.matchingStep(for: vector.code, at: date, window: 0) == vector.time / 30)
    }

    @Test func rfc4226HOTPValues() {
        // RFC 4226 Appendix D, counters 0 to 9.
        let expected = ["755224", "287082", "359152", "969429", "338314",
                        "254676", "287922", "162583", "399871", "520489"]
        let hotp = TOTP(secret: Self.sha1Seed)
        #expect((0..<10).map { hotp.code(step: Int64($0)) } == expected)
    }

    @Test func stepsFollowThePeriod() {
        let totp = TOTP(secret: Self.sha1Seed)
        #expect(totp.step(at: Date(timeIntervalSince1970: 0)) == 0)
        #expect(totp.step(at: Date(timeIntervalSince1970: 29.999)) == 0)
        #expect(totp.step(at: Date(timeIntervalSince1970: 30)) == 1)
        #expect(totp.step(at: Date(timeIntervalSince1970: 20_000_000_000)) == 666_666_666)
        let minute = TOTP(secret: Self.sha1Seed, period: 60)
        #expect(minute.step(at: Date(timeIntervalSince1970: 119)) == 1)
    }

    @Test func windowAcceptsNeighbouringStepsAndReportsWhichOne() {
        let totp = TOTP(secret: Self.sha1Seed)
        let now = Date(timeIntervalSince1970: 1_700_000_015)
        let current = totp.step(at: now)
        #expect(totp.matchingStep(for: totp.code(step: current), at: now) == current)
        #expect(totp.matchingStep(for: totp.code(step: current - 1), at: now) == current - 1)
        #expect(totp.matchingStep(for: totp.code(step: current + 1), at: now) == current + 1)
        #expect(totp.matchingStep(for: totp.code(step: current - 2), at: now) == nil)
        #expect(totp.matchingStep(for: totp.code(step: current - 2), at: now, window: 2) == current - 2)
        #expect(totp.matchingStep(for: totp.code(step: current - 1), at: now, window: 0) == nil)
    }

    @Test func malformedCodesAreRefused() {
        let totp = TOTP(secret: Self.sha1Seed)
        let now = Date(timeIntervalSince1970: 1_700_000_015)
        let code = totp.code(at: now)
        #expect(totp.matchingStep(for: String(code.dropLast()), at: now) == nil)
        #expect(totp.matchingStep(for: code + "0", at: now) == nil)
        #expect(totp.matchingStep(for: "", at: now) == nil)
        #expect(totp.matchingStep(for: "abcdef", at: now) == nil)
        #expect(totp.matchingStep(for: "০১২৩৪৫", at: now) == nil)
        let wrong = String(code.map { $0 == "9" ? "0" : Character(String(($0.wholeNumberValue! + 1))) })
        #expect(totp.matchingStep(for: wrong, at: now, window: 0) == nil)
    }

    @Test func spacesInTypedCodeAreIgnored() {
        let totp = TOTP(secret: Self.sha1Seed)
        let now = Date(timeIntervalSince1970: 1_700_000_015)
        let code = totp.code(at: now)
        let spaced = code.prefix(3) + " " + code.dropFirst(3)
        #expect(totp.matchingStep(for: String(spaced), at: now) == totp.step(at: now))
    }

    @Test func codesAreZeroPaddedToTheDigitCount() {
        let six = TOTP(secret: Self.sha1Seed)
        let eight = TOTP(secret: Self.sha1Seed, digits: 8)
        for step in Int64(0)..<200 {
            #expect(six.code(step: step).count == 6)
            #expect(eight.code(step: step).count == 8)
        }
    }

    @Test func generatedSecretsAreTwentyRandomBytes() {
        let first = TOTP.generateSecret()
        #expect(first.count == 20)
        #expect(first != TOTP.generateSecret())
    }

    @Test func provisioningURIIsPercentEncoded() {
        let totp = TOTP(secret: Self.sha1Seed)
        #expect(totp.provisioningURI(accountName: "rahima@example.org", issuer: "Songhoti Dhaka")
            == "otpauth://totp/Songhoti%20Dhaka:rahima%40example.org"
            + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Songhoti%20Dhaka"
            + "&algorithm=SHA1&digits=6&period=30")
        let other = TOTP(secret: Self.sha1Seed, digits: 8, period: 60, algorithm: .sha512)
        let uri = other.provisioningURI(accountName: "a&b:c", issuer: "সংহতি")
        #expect(uri.hasPrefix("otpauth://totp/%E0%A6%B8%E0%A6%82%E0%A6%B9%E0%A6%A4%E0%A6%BF:a%26b%3Ac?"))
        #expect(uri.hasSuffix("&algorithm=SHA512&digits=8&period=60"))
    }
}
