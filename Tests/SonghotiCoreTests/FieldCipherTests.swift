import Foundation
import SonghotiCore
import Testing

@Suite struct FieldCipherTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let phone = FieldContext(table: "workers", column: "phone", rowID: "42")

    @Test func sealedTextOpensInItsOwnContext() throws {
        let cipher = FieldCipher(keyRing: .generate(now: t0))
        let sealed = try cipher.seal("রহিমা বেগম", context: phone)
        #expect(try cipher.openString(sealed, context: phone) == "রহিমা বেগম")
        #expect(!sealed.contains(Data("রহিমা".utf8)))
    }

    @Test func sealedBytesOpen() throws {
        let cipher = FieldCipher(keyRing: .generate(now: t0))
        for plaintext in [Data(), Data([0]), Data((0..<1000).map { UInt8($0 % 251) })] {
            let sealed = try cipher.seal(plaintext, context: phone)
            #expect(try cipher.open(sealed, context: phone) == plaintext)
        }
    }

    @Test func layoutIsKeyIDNonceCiphertextTag() throws {
        let ring = KeyRing.generate(now: t0).rotated(now: t0).rotated(now: t0)
        let cipher = FieldCipher(keyRing: ring)
        let sealed = try cipher.seal(Data("12345".utf8), context: phone)
        #expect(sealed.count == 4 + 12 + 5 + 16)
        #expect(Array(sealed.prefix(4)) == [0, 0, 0, 3])
        #expect(FieldCipher.keyID(of: sealed) == 3)
    }

    @Test func sealingTwiceGivesDifferentCiphertext() throws {
        let cipher = FieldCipher(keyRing: .generate(now: t0))
        let first = try cipher.seal("01712345678", context: phone)
        let second = try cipher.seal("01712345678", context: phone)
        #expect(first != second)
    }

    @Test func opensValueSealedByAnIndependentAESGCMImplementation() throws {
        // Produced with Python's `cryptography` AESGCM: key bytes 0...31 (id 7), nonce A0...AB,
        // AAD = u64-length-prefixed "songhoti-field-v1", "workers", "phone", "42", then u32 key id.
        let sealed = try #require(Data(base64Encoded:
            "AAAAB6ChoqOkpaanqKmqqwa+zM3jcuIZ3YUhfefcfv6QCvXwNTCiygvugCgkLdVlOGxcMJvLcMCbiklB"))
        let cipher = FieldCipher(keyRing: try KeyRing(serialized: KeyFileFixture.json()))
        #expect(try cipher.openString(sealed, context: phone) == "রহিমা বেগম")
    }

    @Test(arguments: [
        FieldContext(table: "workers", column: "phone", rowID: "43"),
        FieldContext(table: "workers", column: "national_id", rowID: "42"),
        FieldContext(table: "contacts", column: "phone", rowID: "42"),
        FieldContext(table: "workers", column: "phone", rowID: "42 "),
    ])
    func valueMovedToAnotherPlaceIsRefused(elsewhere: FieldContext) throws {
        let cipher = FieldCipher(keyRing: .generate(now: t0))
        let sealed = try cipher.seal("01712345678", context: phone)
        #expect(throws: FieldCipherError.authenticationFailed) {
            try cipher.open(sealed, context: elsewhere)
        }
    }

    @Test func contextComponentsCannotBeShiftedBetweenFields() throws {
        let cipher = FieldCipher(keyRing: .generate(now: t0))
        let sealed = try cipher.seal("x", context: FieldContext(table: "ab", column: "c", rowID: "1"))
        #expect(throws: FieldCipherError.authenticationFailed) {
            try cipher.open(sealed, context: FieldContext(table: "a", column: "bc", rowID: "1"))
        }
    }

    @Test func everyTamperedByteIsRefused() throws {
        let cipher = FieldCipher(keyRing: .generate(now: t0))
        let sealed = try cipher.seal("Karim, line 4 sewing", context: phone)
        for index in sealed.indices {
            var tampered = sealed
            tampered[index] ^= 0x01
            do {
                _ = try cipher.open(tampered, context: phone)
                Issue.record("tampered byte \(index) was accepted")
            } catch {
                // Changing the key id names a key the ring does not hold.
                let expected: FieldCipherError = index < 4 ? .unknownKey(FieldCipher.keyID(of: tampered)!) : .authenticationFailed
                #expect(error == expected)
            }
        }
    }

    @Test func truncatedValuesAreRefused() throws {
        let cipher = FieldCipher(keyRing: .generate(now: t0))
        let sealed = try cipher.seal("secret", context: phone)
        #expect(throws: FieldCipherError.authenticationFailed) {
            try cipher.open(sealed.dropLast(), context: phone)
        }
        #expect(throws: FieldCipherError.tooShort) { try cipher.open(Data(sealed.prefix(31)), context: phone) }
        #expect(throws: FieldCipherError.tooShort) { try cipher.open(Data(), context: phone) }
        #expect(FieldCipher.keyID(of: Data(sealed.prefix(31))) == nil)
    }

    @Test func valueFromAnotherKeyFileIsRefused() throws {
        let mine = FieldCipher(keyRing: .generate(now: t0))
        let theirs = FieldCipher(keyRing: .generate(now: t0))
        let sealed = try theirs.seal("secret", context: phone)
        #expect(throws: FieldCipherError.authenticationFailed) { try mine.open(sealed, context: phone) }
    }

    @Test func unknownKeyIDIsReported() throws {
        let ring = KeyRing.generate(now: t0)
        let sealed = try FieldCipher(keyRing: ring.rotated(now: t0)).seal("secret", context: phone)
        #expect(throws: FieldCipherError.unknownKey(2)) {
            try FieldCipher(keyRing: ring).open(sealed, context: phone)
        }
    }

    @Test func keyIDCannotBeRelabelled() throws {
        let ring = KeyRing.generate(now: t0).rotated(now: t0)
        let cipher = FieldCipher(keyRing: ring)
        var sealed = try cipher.seal("secret", context: phone)
        sealed[sealed.startIndex + 3] = 1
        #expect(throws: FieldCipherError.authenticationFailed) { try cipher.open(sealed, context: phone) }
    }

    @Test func rotationKeepsOldValuesReadableAndResealMovesThemToTheNewKey() throws {
        let ring = KeyRing.generate(now: t0)
        let old = try FieldCipher(keyRing: ring).seal("01712345678", context: phone)
        let rotatedCipher = FieldCipher(keyRing: ring.rotated(now: t0.addingTimeInterval(60)))

        #expect(try rotatedCipher.openString(old, context: phone) == "01712345678")
        #expect(FieldCipher.keyID(of: try rotatedCipher.seal("new", context: phone)) == 2)

        let moved = try rotatedCipher.reseal(old, context: phone)
        #expect(FieldCipher.keyID(of: old) == 1)
        #expect(FieldCipher.keyID(of: moved) == 2)
        #expect(try rotatedCipher.openString(moved, context: phone) == "01712345678")
        #expect(throws: FieldCipherError.unknownKey(2)) {
            try FieldCipher(keyRing: ring).open(moved, context: phone)
        }
    }

    @Test func resealRefusesValuesThatDoNotOpen() throws {
        let ring = KeyRing.generate(now: t0)
        let cipher = FieldCipher(keyRing: ring.rotated(now: t0))
        let sealed = try FieldCipher(keyRing: ring).seal("secret", context: phone)
        let otherRow = FieldContext(table: "workers", column: "phone", rowID: "7")
        #expect(throws: FieldCipherError.authenticationFailed) { try cipher.reseal(sealed, context: otherRow) }
    }

    @Test func binaryValueIsNotReturnedAsText() throws {
        let cipher = FieldCipher(keyRing: .generate(now: t0))
        let sealed = try cipher.seal(Data([0x61, 0xFF, 0xFE]), context: phone)
        #expect(throws: FieldCipherError.notUTF8) { try cipher.openString(sealed, context: phone) }
    }

    @Test func opensSlicesOfLargerBuffers() throws {
        let cipher = FieldCipher(keyRing: .generate(now: t0))
        let sealed = try cipher.seal("slice", context: phone)
        let buffer = Data([9, 9, 9]) + sealed + Data([9])
        let slice = buffer[3..<(3 + sealed.count)]
        #expect(FieldCipher.keyID(of: slice) == 1)
        #expect(try cipher.openString(slice, context: phone) == "slice")
    }

    @Test func errorDescriptionsAreHelpful() {
        #expect(FieldCipherError.unknownKey(4).description.contains("key 4"))
        for error in [FieldCipherError.tooShort, .authenticationFailed, .notUTF8] {
            #expect(!error.description.isEmpty)
        }
    }

    @Test func aValueIsPlacedInClearOrSealedAndReadBackFromEither() throws {
        let cipher = FieldCipher(keyRing: .generate(now: t0))
        let clear = try cipher.place("Owed three months", sealed: false, context: phone)
        #expect(clear.clear == "Owed three months" && clear.sealed == nil)
        let sealed = try cipher.place("Owed three months", sealed: true, context: phone)
        #expect(sealed.clear == nil && sealed.sealed != nil)
        #expect(try cipher.text(clear: sealed.clear, sealed: sealed.sealed, context: phone) == "Owed three months")
        #expect(try cipher.text(clear: clear.clear, sealed: clear.sealed, context: phone) == "Owed three months")
        let empty = try cipher.place("", sealed: true, context: phone)
        #expect(empty.clear == "" && empty.sealed == nil, "empty text is never sealed")
    }
}
