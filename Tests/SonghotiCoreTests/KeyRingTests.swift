import Foundation
import SonghotiCore
import Testing

@Suite struct KeyRingTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func generatedRingHasOneActive256BitKeyAndSeparateBlindIndexKey() {
        let ring = KeyRing.generate(now: t0)
        #expect(ring.encryptionKeys.map(\.id) == [1])
        #expect(ring.activeKeyID == 1)
        #expect(ring.activeKey.id == 1)
        #expect(ring.activeKey.createdAt == t0)
        #expect(ring.activeKey.key.bitCount == 256)
        #expect(ring.blindIndexKey.bitCount == 256)
        #expect(ring.activeKey.key != ring.blindIndexKey)
        #expect(KeyRing.generate(now: t0).activeKey.key != ring.activeKey.key)
    }

    @Test func rotationAddsNewActiveKeyAndKeepsOldOnes() {
        let original = KeyRing.generate(now: t0)
        let later = t0.addingTimeInterval(86_400)
        let rotated = original.rotated(now: later).rotated(now: later)
        #expect(rotated.encryptionKeys.map(\.id) == [1, 2, 3])
        #expect(rotated.activeKeyID == 3)
        #expect(rotated.activeKey.createdAt == later)
        #expect(rotated.encryptionKey(id: 1) == original.activeKey.key)
        #expect(rotated.encryptionKey(id: 3) != original.activeKey.key)
        #expect(rotated.encryptionKey(id: 4) == nil)
        #expect(rotated.blindIndexKey == original.blindIndexKey)
        // The original value is unchanged.
        #expect(original.encryptionKeys.count == 1)
    }

    @Test func serializeThenParseRestoresEveryKey() throws {
        let ring = KeyRing.generate(now: t0).rotated(now: t0.addingTimeInterval(3600))
        let parsed = try KeyRing(serialized: ring.serialized())
        #expect(parsed.encryptionKeys.map(\.id) == [1, 2])
        #expect(parsed.activeKeyID == 2)
        #expect(parsed.encryptionKey(id: 1) == ring.encryptionKey(id: 1))
        #expect(parsed.encryptionKey(id: 2) == ring.encryptionKey(id: 2))
        #expect(parsed.blindIndexKey == ring.blindIndexKey)
        #expect(parsed.encryptionKeys.map(\.createdAt) == [t0, t0.addingTimeInterval(3600)])
    }

    @Test func serializedFormIsReadableSortedJSON() throws {
        let ring = KeyRing.generate(now: t0)
        let text = String(decoding: ring.serialized(), as: UTF8.self)
        #expect(text.contains("\n"))
        #expect(text.contains("\"format\" : \"songhoti-keys-v1\""))
        #expect(text.contains("\"active_key_id\" : 1"))
        #expect(text.contains("\"created_at\" : \"2023-11-14T22:13:20Z\""))
        #expect(!text.contains("\\/"))
        let keyOrder = ["active_key_id", "blind_index_key", "encryption_keys", "format"]
            .map { text.range(of: "\"\($0)\"")!.lowerBound }
        #expect(keyOrder == keyOrder.sorted())
        let object = try #require(try JSONSerialization.jsonObject(with: ring.serialized()) as? [String: Any])
        let keys = try #require(object["encryption_keys"] as? [[String: Any]])
        let encodedKey = try #require(keys.first?["key"] as? String)
        #expect(Data(base64Encoded: encodedKey)?.count == 32)
    }

    @Test func parsesHandWrittenFileInAnyKeyOrder() throws {
        let data = KeyFileFixture.json(
            activeKeyID: 7,
            keys: [
                ["id": 9, "key": KeyFileFixture.keyB, "created_at": "2024-06-01T00:00:00.250Z"],
                ["id": 7, "key": KeyFileFixture.keyA, "created_at": "2024-03-01T09:30:00Z"],
            ]
        )
        let ring = try KeyRing(serialized: data)
        #expect(ring.encryptionKeys.map(\.id) == [7, 9])
        #expect(ring.activeKeyID == 7)
        #expect(ring.encryptionKey(id: 7)?.withUnsafeBytes { Data($0) } == Data(0..<32))
        #expect(ring.blindIndexKey.withUnsafeBytes { Data($0) } == Data(32..<64))
    }

    @Test func rejectsWrongFormatTag() {
        #expect(throws: KeyRingError.wrongFormat) {
            try KeyRing(serialized: KeyFileFixture.json(format: "songhoti-keys-v0"))
        }
    }

    @Test func rejectsMissingFormatTag() throws {
        var object = try #require(
            try JSONSerialization.jsonObject(with: KeyFileFixture.json()) as? [String: Any]
        )
        object["format"] = nil
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: KeyRingError.wrongFormat) { try KeyRing(serialized: data) }
    }

    @Test func rejectsShortEncryptionKey() {
        let short = Data(count: 16).base64EncodedString()
        #expect(throws: KeyRingError.badKeyLength(keyID: 7)) {
            try KeyRing(serialized: KeyFileFixture.json(
                keys: [["id": 7, "key": short, "created_at": "2024-03-01T09:30:00Z"]]
            ))
        }
    }

    @Test func rejectsShortBlindIndexKey() {
        #expect(throws: KeyRingError.badKeyLength(keyID: nil)) {
            try KeyRing(serialized: KeyFileFixture.json(blindIndexKey: Data(count: 31).base64EncodedString()))
        }
    }

    @Test func rejectsDuplicateKeyIDs() {
        #expect(throws: KeyRingError.duplicateKeyID(7)) {
            try KeyRing(serialized: KeyFileFixture.json(keys: [
                ["id": 7, "key": KeyFileFixture.keyA, "created_at": "2024-03-01T09:30:00Z"],
                ["id": 7, "key": KeyFileFixture.keyB, "created_at": "2024-03-02T09:30:00Z"],
            ]))
        }
    }

    @Test func rejectsActiveIDWithoutKey() {
        #expect(throws: KeyRingError.activeKeyMissing(8)) {
            try KeyRing(serialized: KeyFileFixture.json(activeKeyID: 8))
        }
        #expect(throws: KeyRingError.activeKeyMissing(1)) {
            try KeyRing(serialized: KeyFileFixture.json(activeKeyID: 1, keys: []))
        }
    }

    @Test(arguments: [
        Data("not json".utf8),
        Data("[]".utf8),
        KeyFileFixture.json(activeKeyID: "seven"),
        KeyFileFixture.json(activeKeyID: -1),
        KeyFileFixture.json(keys: [["id": 7, "key": "%%%not base64%%%", "created_at": "2024-03-01T09:30:00Z"]]),
        KeyFileFixture.json(keys: [["id": 7, "key": KeyFileFixture.keyA]]),
        KeyFileFixture.json(keys: [["id": 7, "key": KeyFileFixture.keyA, "created_at": "yesterday"]]),
        KeyFileFixture.json(keys: [["id": 4_294_967_296, "key": KeyFileFixture.keyA, "created_at": "2024-03-01T09:30:00Z"]]),
        KeyFileFixture.json(blindIndexKey: 12),
    ])
    func rejectsMalformedFiles(data: Data) {
        #expect {
            try KeyRing(serialized: data)
        } throws: { error in
            guard case .malformed = error as? KeyRingError else { return false }
            return true
        }
    }

    @Test func errorDescriptionsNeverContainKeyMaterial() {
        let secretLooking = "c2VjcmV0LWtleS1tYXRlcmlhbA=="  // 19 bytes, wrong length
        let candidates: [Data] = [
            KeyFileFixture.json(keys: [["id": 7, "key": secretLooking + "!", "created_at": "2024-03-01T09:30:00Z"]]),
            KeyFileFixture.json(keys: [["id": 7, "key": secretLooking, "created_at": "2024-03-01T09:30:00Z"]]),
            KeyFileFixture.json(blindIndexKey: secretLooking),
            KeyFileFixture.json(blindIndexKey: [secretLooking]),
        ]
        for data in candidates {
            do {
                _ = try KeyRing(serialized: data)
                Issue.record("expected the file to be refused")
            } catch {
                #expect(!error.description.contains(secretLooking))
                #expect(!error.description.contains("c2VjcmV0"))
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func errorDescriptionsSayWhatToDo() {
        let errors: [KeyRingError] = [
            .malformed("x"), .wrongFormat, .badKeyLength(keyID: 3), .badKeyLength(keyID: nil),
            .duplicateKeyID(2), .activeKeyMissing(5),
        ]
        for error in errors {
            #expect(error.description.contains("Restore") || error.description.contains("Check"))
        }
        #expect(KeyRingError.activeKeyMissing(5).description.contains("5"))
        #expect(KeyRingError.badKeyLength(keyID: nil).description.contains("blind index"))
    }
}
