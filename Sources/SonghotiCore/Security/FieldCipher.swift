// swift-crypto 3.12 does not mark SymmetricKey Sendable, though it is an immutable value.
@preconcurrency import Crypto
import Foundation

/// Where an encrypted value lives. It is authenticated with the ciphertext so a value copied to
/// another row, column or table (for example to make one worker's phone appear on another's record)
/// fails to open instead of silently decrypting.
public struct FieldContext: Sendable, Hashable {
    public let table: String
    public let column: String
    public let rowID: String

    public init(table: String, column: String, rowID: String) {
        self.table = table
        self.column = column
        self.rowID = rowID
    }
}

/// AES-256-GCM encryption of single database fields.
///
/// Stored layout: 4-byte big-endian key id ‖ 12-byte random nonce ‖ ciphertext ‖ 16-byte tag.
/// The key id is in clear so the right key can be chosen (and rotation progress measured) without
/// trying every key; it is also authenticated, so it cannot be swapped.
public struct FieldCipher: Sendable {
    static let keyIDByteCount = 4
    static let nonceByteCount = 12
    static let tagByteCount = 16
    static let overhead = keyIDByteCount + nonceByteCount + tagByteCount

    private let keys: [UInt32: SymmetricKey]
    private let activeKeyID: UInt32
    private let activeKey: SymmetricKey

    public init(keyRing: KeyRing) {
        var keys: [UInt32: SymmetricKey] = [:]
        for entry in keyRing.encryptionKeys { keys[entry.id] = entry.key }
        self.keys = keys
        self.activeKeyID = keyRing.activeKeyID
        self.activeKey = keyRing.activeKey.key
    }

    /// Seals with the active key.
    public func seal(_ plaintext: Data, context: FieldContext) throws -> Data {
        sealWithActiveKey(plaintext, context: context)
    }

    public func seal(_ plaintext: String, context: FieldContext) throws -> Data {
        sealWithActiveKey(Data(plaintext.utf8), context: context)
    }

    public func open(_ sealed: Data, context: FieldContext) throws(FieldCipherError) -> Data {
        guard let keyID = Self.keyID(of: sealed) else { throw .tooShort }
        guard let key = keys[keyID] else { throw .unknownKey(keyID) }
        let start = sealed.startIndex
        let nonceStart = start + Self.keyIDByteCount
        let cipherStart = nonceStart + Self.nonceByteCount
        let tagStart = sealed.endIndex - Self.tagByteCount
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: sealed[nonceStart..<cipherStart]),
                ciphertext: sealed[cipherStart..<tagStart],
                tag: sealed[tagStart...]
            )
            return try AES.GCM.open(box, using: key, authenticating: Self.associatedData(context, keyID: keyID))
        } catch {
            // Wrong context, tampering and a damaged value are indistinguishable by design.
            throw .authenticationFailed
        }
    }

    public func openString(_ sealed: Data, context: FieldContext) throws(FieldCipherError) -> String {
        let bytes = try open(sealed, context: context)
        let text = String(decoding: bytes, as: UTF8.self)
        // String(decoding:) repairs bad UTF-8 silently; refuse instead of returning altered text.
        guard text.utf8.elementsEqual(bytes) else { throw .notUTF8 }
        return text
    }

    /// The text of a value kept in one of two columns: in clear (`clear`) or sealed (`sealed`), whichever holds it.
    public func text(clear: String?, sealed: Data?, context: FieldContext) throws(FieldCipherError) -> String {
        if let sealed { return try openString(sealed, context: context) }
        return clear ?? ""
    }

    /// Where `text` goes in such a pair of columns: sealed (the clear column emptied) when `sealed` is true,
    /// otherwise in clear (the sealed column emptied). Empty text is never sealed.
    public func place(_ text: String, sealed: Bool, context: FieldContext) throws -> (clear: String?, sealed: Data?) {
        guard sealed, !text.isEmpty else { return (text, nil) }
        return (nil, try seal(text, context: context))
    }

    /// The key id a value was sealed with, or nil if it is too short to be a sealed value.
    public static func keyID(of sealed: Data) -> UInt32? {
        guard sealed.count >= overhead else { return nil }
        return sealed.prefix(keyIDByteCount).reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
    }

    /// Moves a value to the active key, for key rotation. A value already under the active key is
    /// still re-encrypted (with a fresh nonce), which keeps the operation simple to reason about.
    public func reseal(_ sealed: Data, context: FieldContext) throws(FieldCipherError) -> Data {
        let plaintext = try open(sealed, context: context)
        return sealWithActiveKey(plaintext, context: context)
    }

    private func sealWithActiveKey(_ plaintext: Data, context: FieldContext) -> Data {
        let nonce = AES.GCM.Nonce()
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(
                plaintext,
                using: activeKey,
                nonce: nonce,
                authenticating: Self.associatedData(context, keyID: activeKeyID)
            )
        } catch {
            // The key ring only ever holds 256-bit keys and the nonce is the standard 12 bytes,
            // the only inputs AES-GCM sealing can reject.
            preconditionFailure("AES-GCM sealing failed with a valid key and nonce")
        }
        var out = Data(capacity: Self.overhead + plaintext.count)
        withUnsafeBytes(of: activeKeyID.bigEndian) { out.append(contentsOf: $0) }
        nonce.withUnsafeBytes { out.append(contentsOf: $0) }
        out.append(box.ciphertext)
        out.append(box.tag)
        return out
    }

    static func associatedData(_ context: FieldContext, keyID: UInt32) -> Data {
        var encoding = CanonicalEncoding(domain: "songhoti-field-v1")
        encoding.append(context.table)
        encoding.append(context.column)
        encoding.append(context.rowID)
        encoding.append(keyID)
        return encoding.bytes
    }
}

public enum FieldCipherError: Error, Equatable, CustomStringConvertible {
    case tooShort
    case unknownKey(UInt32)
    case authenticationFailed
    case notUTF8

    public var description: String {
        switch self {
        case .tooShort:
            return "The encrypted value is too short to be a Songhoti field; it is damaged or was never encrypted."
        case .unknownKey(let keyID):
            return "The value was encrypted with key \(keyID), which is not in the key ring. "
                + "Load the key file that contains it (check your backups)."
        case .authenticationFailed:
            return "The encrypted value failed its integrity check: it was altered, copied from another "
                + "record or field, or belongs to a different key file."
        case .notUTF8:
            return "The decrypted value is not text; it was stored as binary data."
        }
    }
}
