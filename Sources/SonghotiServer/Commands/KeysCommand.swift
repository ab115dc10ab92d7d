import ConsoleKit
import Fluent
import Foundation
import SonghotiCore
import Vapor

struct KeysCommand: AsyncCommandGroup {
    var help: String { "Field-encryption keys: generate, rotate, status." }
    var commands: [String: any AnyAsyncCommand] { ["generate": Generate(), "rotate": Rotate(), "status": Status()] }

    struct Generate: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "output", help: "Write the new key ring here instead of the configured key file") var output: String?
        }
        var help: String { "Create a new key file for a new deployment. Refuses to overwrite an existing file." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            var settings = app.songhotiSettings
            if let output = signature.output { settings.keyFile = output }
            settings.inlineKeys = nil
            guard !FileManager.default.fileExists(atPath: settings.keyFile) else {
                throw CommandFailure("\(settings.keyFile) already exists; Songhoti never overwrites a key file (data sealed with it would be lost)")
            }
            try KeyFile(settings: settings).save(KeyRing.generate(now: Date()))
            context.console.print("wrote \(settings.keyFile) (mode 0600). Back it up now, away from this computer.")
        }
    }

    struct Rotate: AsyncCommand {
        struct Signature: CommandSignature {
            @Flag(name: "resume", help: "Do not add a key: finish re-encrypting values still under older keys") var resume: Bool
            @Option(name: "batch-size", help: "Values per transaction (default 500)") var batchSize: Int?
        }
        var help: String { "Add a new encryption key, make it active, and re-encrypt every value in batches. Safe to interrupt: run again with --resume." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: false)
            let file = KeyFile(settings: app.songhotiSettings)
            var ring = app.fieldProtection.keyRing
            if !signature.resume {
                ring = ring.rotated(now: Date())
                // The file is written before any value is re-encrypted: an interruption leaves data readable.
                try file.save(ring)
                let protection = FieldProtection(keyRing: ring)
                try await protection.recordChecks(app, existing: Set(try await KeyCheck.query(on: app.db).all().compactMap(\.id)), now: Date())
                app.fieldProtection = protection
                context.console.print("key \(ring.activeKeyID) is now active; back up \(file.path) again")
            }
            let finalRing = ring
            let count = try await EncryptedColumns.reencrypt(app, cipher: FieldCipher(keyRing: finalRing), activeKeyID: finalRing.activeKeyID,
                                                             batchSize: max(1, signature.batchSize ?? 500)) { column, n in
                context.console.print("re-encrypted \(n) values in \(column)")
            }
            try await ChangeContext.commandLine(app).write { db in
                try await ChangeContext.commandLine(app).audit("keys.rotate", "key", String(finalRing.activeKeyID), on: db)
            }
            context.console.print("done: \(count) values re-encrypted under key \(ring.activeKeyID)")
        }
    }

    struct Status: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Show the key ring, which keys the data uses, and whether the ring matches the database." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: false)
            let ring = app.fieldProtection.keyRing
            let source = app.songhotiSettings.inlineKeys != nil ? "SONGHOTI_KEYS" : app.songhotiSettings.keyFile
            context.console.print("key ring: \(source)")
            context.console.print("active key: \(ring.activeKeyID)")
            for key in ring.encryptionKeys {
                context.console.print("key \(key.id) created \(ISO8601DateFormatter().string(from: key.createdAt))")
            }
            context.console.print("key checks: all match this database")
            var stale = 0
            for (column, counts) in try await EncryptedColumns.census(on: app.db).sorted(by: { $0.key < $1.key }) {
                let parts = counts.sorted { $0.key < $1.key }.map { "key \($0.key): \($0.value)" }
                context.console.print("\(column): \(parts.isEmpty ? "no values" : parts.joined(separator: ", "))")
                stale += counts.filter { $0.key != ring.activeKeyID }.values.reduce(0, +)
            }
            if stale > 0 { context.console.print("\(stale) values are under older keys: run `songhoti keys rotate --resume`") }
        }
    }
}

struct AuditCommand: AsyncCommandGroup {
    var help: String { "The audit log: verify." }
    var commands: [String: any AnyAsyncCommand] { ["verify": Verify()] }

    struct Verify: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Check the whole hash chain; report the first broken link. Exit status 1 if broken." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: false)
            let report = try await app.auditLog.verify(on: app.db)
            if let problem = report.problem {
                context.console.error("audit log BROKEN after \(report.verified) good entries: \(problem)")
                throw CommandFailure("audit log verification failed")
            }
            context.console.print("audit log intact: \(report.verified) entries verified")
        }
    }
}

func registerCommands(_ app: Application) {
    app.asyncCommands.use(UsersCommand(), as: "users")
    app.asyncCommands.use(TokensCommand(), as: "tokens")
    app.asyncCommands.use(KeysCommand(), as: "keys")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(SeedCommand(), as: "seed")
    app.asyncCommands.use(BenchCommand(), as: "bench")
    app.asyncCommands.use(ImportCommand(), as: "import")
    app.asyncCommands.use(EntitlementsCommand(), as: "entitlements")
}
