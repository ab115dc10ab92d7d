// swift-crypto 3.12 does not mark SymmetricKey Sendable, though it is an immutable value.
@preconcurrency import Crypto
import Foundation

/// The keys that protect personal data at rest: AES-256 keys for field encryption (several, so data
/// sealed under a retired key still opens after rotation) and one HMAC key for blind indexes.
///
/// The blind-index key is never rotated by `rotated(now:)`: every stored index digest depends on it,
/// so changing it means recomputing all of them, which is a separate, deliberate operation.
public struct KeyRing: Sendable {
    public struct EncryptionKey: Sendable {
        public let id: UInt32
        public let key: SymmetricKey
        public let createdAt: Date
    }

    static let formatTag = "songhoti-keys-v1"
    static let keyByteCount = 32

    /// Sorted by id.
    public private(set) var encryptionKeys: [EncryptionKey]
    public private(set) var activeKeyID: UInt32
    public let blindIndexKey: SymmetricKey

    /// Callers guarantee the invariants (32-byte keys, sorted unique ids, active id present).
    private init(encryptionKeys: [EncryptionKey], activeKeyID: UInt32, blindIndexKey: SymmetricKey) {
        self.encryptionKeys = encryptionKeys
        self.activeKeyID = activeKeyID
        self.blindIndexKey = blindIndexKey
    }

    public static func generate(now: Date) -> KeyRing {
        KeyRing(
            encryptionKeys: [EncryptionKey(id: 1, key: SymmetricKey(size: .bits256), createdAt: now)],
            activeKeyID: 1,
            blindIndexKey: SymmetricKey(size: .bits256)
        )
    }

    /// Old keys stay in the ring so existing ciphertext keeps opening until it is resealed.
    public func rotated(now: Date) -> KeyRing {
        let highest = encryptionKeys.last?.id ?? 0
        precondition(highest < UInt32.max, "key ids exhausted")
        var copy = self
        let newID = highest + 1
        copy.encryptionKeys.append(EncryptionKey(id: newID, key: SymmetricKey(size: .bits256), createdAt: now))
        copy.activeKeyID = newID
        return copy
    }

    public func encryptionKey(id: UInt32) -> SymmetricKey? {
        encryptionKeys.first { $0.id == id }?.key
    }

    public var activeKey: EncryptionKey {
        guard let key = encryptionKeys.first(where: { $0.id == activeKeyID }) else {
            // Every initialiser checks this, so reaching here is a programming error.
            preconditionFailure("active key \(activeKeyID) missing from key ring")
        }
        return key
    }

    // MARK: - Serialisation

    /// JSON an operator can read (which key ids exist, which is active, when each was made).
    /// Dates are written to whole seconds.
    public func serialized() -> Data {
        let file = KeyFile(
            format: Self.formatTag,
            activeKeyID: Int64(activeKeyID),
            encryptionKeys: encryptionKeys.map {
                KeyFile.Entry(
                    id: Int64($0.id),
                    key: Self.base64(of: $0.key),
                    createdAt: $0.createdAt.formatted(.iso8601)
                )
            },
            blindIndexKey: Self.base64(of: blindIndexKey)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(file)
        } catch {
            // Only strings and integers are encoded; JSONEncoder cannot fail on them.
            preconditionFailure("encoding the key ring failed")
        }
    }

    public init(serialized: Data) throws(KeyRingError) {
        let file: KeyFile
        do {
            file = try JSONDecoder().decode(KeyFile.self, from: serialized)
        } catch let error as DecodingError {
            throw .malformed(Self.describe(error))
        } catch {
            throw .malformed("the key file is not valid JSON")
        }
        guard file.format == Self.formatTag else { throw .wrongFormat }
        guard let rawActive = file.activeKeyID else { throw .malformed("\"active_key_id\" is missing") }
        guard let activeID = UInt32(exactly: rawActive) else {
            throw .malformed("\"active_key_id\" must be an integer from 0 to \(UInt32.max)")
        }
        guard let entries = file.encryptionKeys else { throw .malformed("\"encryption_keys\" is missing") }

        var keys: [EncryptionKey] = []
        var seen = Set<UInt32>()
        for (position, entry) in entries.enumerated() {
            guard let rawID = entry.id else {
                throw .malformed("encryption key at position \(position) has no \"id\"")
            }
            guard let id = UInt32(exactly: rawID) else {
                throw .malformed("encryption key at position \(position) has an id outside 0...\(UInt32.max)")
            }
            guard seen.insert(id).inserted else { throw .duplicateKeyID(id) }
            guard let encoded = entry.key else { throw .malformed("encryption key \(id) has no \"key\"") }
            guard let bytes = Data(base64Encoded: encoded) else {
                throw .malformed("encryption key \(id) is not valid base64")
            }
            guard bytes.count == Self.keyByteCount else { throw .badKeyLength(keyID: id) }
            guard let dateText = entry.createdAt else {
                throw .malformed("encryption key \(id) has no \"created_at\"")
            }
            guard let createdAt = Self.parseDate(dateText) else {
                throw .malformed("encryption key \(id) has a \"created_at\" that is not an ISO 8601 date-time")
            }
            keys.append(EncryptionKey(id: id, key: SymmetricKey(data: bytes), createdAt: createdAt))
        }
        guard seen.contains(activeID) else { throw .activeKeyMissing(activeID) }

        guard let encodedIndexKey = file.blindIndexKey else { throw .malformed("\"blind_index_key\" is missing") }
        guard let indexBytes = Data(base64Encoded: encodedIndexKey) else {
            throw .malformed("\"blind_index_key\" is not valid base64")
        }
        guard indexBytes.count == Self.keyByteCount else { throw .badKeyLength(keyID: nil) }

        self.init(
            encryptionKeys: keys.sorted { $0.id < $1.id },
            activeKeyID: activeID,
            blindIndexKey: SymmetricKey(data: indexBytes)
        )
    }

    private static func base64(of key: SymmetricKey) -> String {
        key.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    private static func parseDate(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        // Accept fractional seconds too, in case a file was written by hand or another tool.
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Describes where decoding failed by field path only; the offending value may be key material.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let joined = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "the top level" : "\"\(joined)\""
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)) has the wrong type"
        case .keyNotFound(let key, let context):
            return "\"\(key.stringValue)\" is missing at \(path(context.codingPath))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "the key file is not valid JSON"
                : "\(path(context.codingPath)) is not readable"
        @unknown default:
            return "the key file could not be read"
        }
    }
}

/// On-disk shape. Every field is optional so a missing one gets a precise error message.
private struct KeyFile: Codable {
    struct Entry: Codable {
        var id: Int64?
        var key: String?
        var createdAt: String?

        enum CodingKeys: String, CodingKey {
            case id, key
            case createdAt = "created_at"
        }
    }

    var format: String?
    var activeKeyID: Int64?
    var encryptionKeys: [Entry]?
    var blindIndexKey: String?

    enum CodingKeys: String, CodingKey {
        case format
        case activeKeyID = "active_key_id"
        case encryptionKeys = "encryption_keys"
        case blindIndexKey = "blind_index_key"
    }
}

public enum KeyRingError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case wrongFormat
    case badKeyLength(keyID: UInt32?)
    case duplicateKeyID(UInt32)
    case activeKeyMissing(UInt32)

    public var description: String {
        switch self {
        case .malformed(let detail):
            return "The key file is damaged: \(detail). Restore it from your offline backup; "
                + "do not generate new keys, or data sealed with the old ones cannot be read."
        case .wrongFormat:
            return "This is not a Songhoti key file (expected format \"\(KeyRing.formatTag)\"). "
                + "Check that the configured key file path points at the file Songhoti created."
        case .badKeyLength(let keyID?):
            return "Encryption key \(keyID) is not \(KeyRing.keyByteCount * 8) bits long, so the file is damaged "
                + "or was edited. Restore it from your offline backup."
        case .badKeyLength(nil):
            return "The blind index key is not \(KeyRing.keyByteCount * 8) bits long, so the file is damaged "
                + "or was edited. Restore it from your offline backup."
        case .duplicateKeyID(let keyID):
            return "Key id \(keyID) appears more than once in the key file, so it is ambiguous which key "
                + "opens the data. Restore the file from your offline backup."
        case .activeKeyMissing(let keyID):
            return "The active key id \(keyID) does not match any encryption key in the file. "
                + "Restore the file from your offline backup."
        }
    }
}
