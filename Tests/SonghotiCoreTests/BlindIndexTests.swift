import Foundation
import SonghotiCore
import Testing

@Suite struct BlindIndexTests {
    /// The fixture's blind-index key is bytes 32...63.
    let index = BlindIndex(key: try! KeyRing(serialized: KeyFileFixture.json()).blindIndexKey)

    @Test func matchesAnIndependentHMACComputation() {
        // Python: hmac.new(bytes(range(32, 64)), lp("songhoti-blind-index-v1") + lp("worker.phone")
        // + lp("8801712345678"), sha256) with lp = 8-byte big-endian length then UTF-8 bytes.
        #expect(index.digest("8801712345678", purpose: "worker.phone")
            == "84f63ae3c2c8cd80e7eb7a4d6dd85247201e1b3931757dc0dee2c33948214823")
    }

    @Test func digestIsDeterministicLowercaseHex() {
        let first = index.digest("8801712345678", purpose: "worker.phone")
        #expect(first == index.digest("8801712345678", purpose: "worker.phone"))
        #expect(first.count == 64)
        #expect(first.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(first != index.digest("8801712345679", purpose: "worker.phone"))
    }

    @Test func purposesAreSeparated() {
        #expect(index.digest("1234567890", purpose: "worker.phone")
            != index.digest("1234567890", purpose: "worker.national_id"))
        // Length prefixes stop a purpose/value boundary from shifting.
        #expect(index.digest("bc", purpose: "a") != index.digest("c", purpose: "ab"))
    }

    @Test func digestDependsOnTheKey() {
        let other = BlindIndex(key: KeyRing.generate(now: Date()).blindIndexKey)
        #expect(index.digest("x", purpose: "p") != other.digest("x", purpose: "p"))
    }

    @Test func canonicallyEquivalentTextGivesTheSameDigest() {
        // "রো" typed as one precomposed vowel sign (U+09CB) or as its two parts (U+09C7 U+09BE).
        let composed = "র\u{09CB}"
        let decomposed = "র\u{09C7}\u{09BE}"
        #expect(Array(composed.unicodeScalars) != Array(decomposed.unicodeScalars))
        #expect(index.digest(composed, purpose: "name") == index.digest(decomposed, purpose: "name"))
        #expect(index.digest(" abc\n", purpose: "p") == index.digest("abc", purpose: "p"))
    }

    @Test(arguments: [
        ("+880 1712-345678", "8801712345678"),
        ("00880 1712 345678", "8801712345678"),
        ("(01712) 345 678", "01712345678"),
        ("০১৭১২৩৪৫৬৭৮", "01712345678"),
        ("+৮৮০ ১৭১২-৩৪৫৬৭৮", "8801712345678"),
        ("০০৮৮০১৭১২৩৪৫৬৭৮", "8801712345678"),
        ("+855 ០១២ ៣៤៥ ៦៧៨", "855012345678"),
        ("tel: 0171 ২৩৪ 5678", "01712345678"),
        ("", ""),
    ])
    func phoneNormalisation(raw: String, expected: String) {
        #expect(BlindIndex.normalisedPhone(raw) == expected)
    }

    @Test func phoneTypedInBanglaFindsTheSameWorker() {
        let stored = index.digest(BlindIndex.normalisedPhone("+8801712345678"), purpose: "worker.phone")
        let searched = index.digest(BlindIndex.normalisedPhone("+৮৮০ ১৭১২ ৩৪৫৬৭৮"), purpose: "worker.phone")
        #expect(stored == searched)
    }

    @Test(arguments: [
        ("ab-12.34 56", "AB123456"),
        ("১৯৯০ ২৬১২ ৩৪৫৬৭", "1990261234567"),
        ("eb 0123456", "EB0123456"),
        ("A–12—3", "A123"),
    ])
    func identifierNormalisation(raw: String, expected: String) {
        #expect(BlindIndex.normalisedIdentifier(raw) == expected)
    }

    @Test func emailNormalisation() {
        #expect(BlindIndex.normalisedEmail("  Rahima.Begum@Example.ORG \n") == "rahima.begum@example.org")
    }
}
