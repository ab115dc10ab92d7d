import Foundation

/// A key file as JSON, so tests can craft valid and broken files without hand-writing base64 keys.
enum KeyFileFixture {
    static let keyA = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  // bytes 0...31
    static let keyB = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="  // bytes 32...63

    static func json(
        format: Any = "songhoti-keys-v1",
        activeKeyID: Any = 7,
        keys: [[String: Any]] = [["id": 7, "key": keyA, "created_at": "2024-03-01T09:30:00Z"]],
        blindIndexKey: Any = keyB
    ) -> Data {
        let object: [String: Any] = [
            "format": format,
            "active_key_id": activeKeyID,
            "encryption_keys": keys,
            "blind_index_key": blindIndexKey,
        ]
        return try! JSONSerialization.data(withJSONObject: object)
    }
}
