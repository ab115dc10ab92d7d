import Fluent
import Foundation
import SonghotiCore
import Vapor

/// The key ring in use and the cipher and blind index made from it, held by the application.
struct FieldProtection: Sendable {
    let keyRing: KeyRing
    let cipher: FieldCipher
    let blindIndex: BlindIndex

    init(keyRing: KeyRing) {
        self.keyRing = keyRing
        self.cipher = FieldCipher(keyRing: keyRing)
        self.blindIndex = BlindIndex(key: keyRing.blindIndexKey)
    }

    static let checkPlaintext = "songhoti key check"

    static func checkContext(keyID: UInt32) -> FieldContext {
        FieldContext(table: KeyCheck.schema, column: "sealed", rowID: String(keyID))
    }

    /// Loads the key ring and proves it matches the data, creating a key file only when no encrypted data exists.
    /// Returns the message for the operator when a key file was created.
    static func establish(_ app: Application, settings: Settings, now: Date = Date()) async throws -> String? {
        let file = KeyFile(settings: settings)
        let source = file.isInline ? "SONGHOTI_KEYS" : file.path
        let checks = try await KeyCheck.query(on: app.db).all()
        var created: String?
        let ring: KeyRing
        if let loaded = try file.load() {
            ring = loaded
        } else {
            guard checks.isEmpty else { throw StartupError.keysMissing(path: file.path) }
            ring = KeyRing.generate(now: now)
            try file.save(ring)
            created = """
                Created a new key file at \(file.path) (readable only by this user).
                BACK IT UP NOW, somewhere other than this computer (an encrypted USB stick in a safe place, a password manager).
                Without it, the encrypted personal data in this database can never be read again.
                """
        }
        let protection = FieldProtection(keyRing: ring)
        for check in checks {
            let keyID = UInt32(check.id ?? 0)
            guard ring.encryptionKey(id: keyID) != nil else { throw StartupError.keyMissingForData(keyID: keyID, source: source) }
            let opened = try? protection.cipher.openString(check.sealed, context: checkContext(keyID: keyID))
            guard opened == checkPlaintext else { throw StartupError.keyMismatch(keyID: keyID, source: source) }
        }
        try await protection.recordChecks(app, existing: Set(checks.compactMap { $0.id }), now: now)
        app.fieldProtection = protection
        return created
    }

    /// Seals the check value with the active key if it has none yet, so later starts can prove the ring matches.
    /// (Older keys got theirs while they were active.)
    func recordChecks(_ app: Application, existing: Set<Int>, now: Date) async throws {
        let active = keyRing.activeKeyID
        guard !existing.contains(Int(active)) else { return }
        let sealed = try cipher.seal(FieldProtection.checkPlaintext, context: FieldProtection.checkContext(keyID: active))
        try await app.writer.transaction(on: app.db) { db in
            try await KeyCheck(keyID: active, sealed: sealed, createdAt: now).create(on: db)
        }
    }
}

extension Application {
    private struct FieldProtectionKey: StorageKey { typealias Value = FieldProtection }

    var fieldProtection: FieldProtection {
        get {
            guard let value = storage[FieldProtectionKey.self] else {
                fatalError("FieldProtection.establish runs before any request is served")
            }
            return value
        }
        set { storage[FieldProtectionKey.self] = newValue }
    }

    var hasFieldProtection: Bool { storage[FieldProtectionKey.self] != nil }
}
