import Foundation
import SonghotiCore

/// Reads and writes the key ring: the file named by `SONGHOTI_KEY_FILE`, or the inline `SONGHOTI_KEYS` value.
struct KeyFile {
    let path: String
    let inline: String?

    init(settings: Settings) {
        self.path = settings.keyFile
        self.inline = settings.inlineKeys
    }

    var isInline: Bool { inline != nil }

    /// nil when neither an inline ring nor the file exists.
    func load() throws -> KeyRing? {
        if let inline {
            let trimmed = inline.trimmingCharacters(in: .whitespacesAndNewlines)
            let data = trimmed.hasPrefix("{") ? Data(trimmed.utf8) : (Data(base64Encoded: trimmed) ?? Data())
            do { return try KeyRing(serialized: data) } catch {
                throw StartupError.unreadableKeys(source: "SONGHOTI_KEYS", reason: error.description)
            }
        }
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StartupError.unreadableKeys(source: path, reason: "the file cannot be read by this user")
        }
        do { return try KeyRing(serialized: data) } catch {
            throw StartupError.unreadableKeys(source: path, reason: error.description)
        }
    }

    /// Writes atomically with mode 0600 so a half-written key file can never replace a good one.
    func save(_ ring: KeyRing) throws {
        guard !isInline else { throw StartupError.inlineKeysReadOnly }
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw StartupError.unwritableKeys(path: path)
        }
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.write(contentsOf: ring.serialized())
        try handle.synchronize()
        try handle.close()
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw StartupError.unwritableKeys(path: path)
        }
    }
}

/// Reasons the server refuses to start, each saying what to do next.
enum StartupError: Error, CustomStringConvertible {
    case unreadableKeys(source: String, reason: String)
    case unwritableKeys(path: String)
    case inlineKeysReadOnly
    case keysMissing(path: String)
    case keyMissingForData(keyID: UInt32, source: String)
    case keyMismatch(keyID: UInt32, source: String)
    case migrationsPending

    var description: String {
        switch self {
        case .unreadableKeys(let source, let reason):
            "The key ring in \(source) cannot be used: \(reason). Restore the key file from your backup."
        case .unwritableKeys(let path):
            "Cannot write the key file \(path). Check that the directory exists and is writable by this user."
        case .inlineKeysReadOnly:
            "The keys come from SONGHOTI_KEYS, which Songhoti cannot change. Use a key file (SONGHOTI_KEY_FILE) to generate or rotate keys, then set SONGHOTI_KEYS to its new contents."
        case .keysMissing(let path):
            "This database holds encrypted data but no key was found (looked for SONGHOTI_KEYS and the key file \(path)). Restore the key file from your backup to \(path), or set SONGHOTI_KEY_FILE to where it is. Do not generate a new key: the existing data could never be read again."
        case .keyMissingForData(let keyID, let source):
            "This database holds data encrypted with key \(keyID), which the key ring in \(source) does not contain. Restore the key file that includes key \(keyID) from your backup."
        case .keyMismatch(let keyID, let source):
            "Key \(keyID) in \(source) does not match this database (the key check fails to decrypt). This is the wrong key file for this database: restore the right one from your backup."
        case .migrationsPending:
            "The database schema is not current. Run `songhoti migrate --yes` first."
        }
    }
}
