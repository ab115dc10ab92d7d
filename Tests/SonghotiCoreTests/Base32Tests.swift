import Foundation
import SonghotiCore
import Testing

@Suite struct Base32Tests {
    /// RFC 4648 section 10, with padding removed for encoding.
    static let vectors: [(String, String)] = [
        ("", ""),
        ("f", "MY======"),
        ("fo", "MZXQ===="),
        ("foo", "MZXW6==="),
        ("foob", "MZXW6YQ="),
        ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI======"),
    ]

    @Test(arguments: vectors)
    func rfc4648Vector(plain: String, encoded: String) {
        let unpadded = encoded.replacingOccurrences(of: "=", with: "")
        #expect(Base32.encode(Data(plain.utf8)) == unpadded)
        #expect(Base32.decode(encoded) == Data(plain.utf8))
        #expect(Base32.decode(unpadded) == Data(plain.utf8))
        #expect(Base32.decode(unpadded.lowercased()) == Data(plain.utf8))
    }

    @Test func roundTripsEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...64 {
            let data = Data((0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
            #expect(Base32.decode(Base32.encode(data)) == data)
        }
    }

    @Test func ignoresSpacesUsedToGroupSecrets() {
        #expect(Base32.decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq") == Data("12345678901234567890".utf8))
    }

    @Test(arguments: ["MZXW6YT1", "MZXW-6YTB", "MZXW6YTB!", "MZXW\n6YTB", "M", "MZX", "MZXW6Y", "MÉ"])
    func refusesInvalidInput(_ text: String) {
        #expect(Base32.decode(text) == nil)
    }
}
