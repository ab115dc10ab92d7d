import Fluent
import Foundation
import SQLKit
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

@Suite("Field encryption at rest and the key ring")
struct EncryptionAndKeysTests {
    private func enrol(_ app: Application, _ user: User, secret: Data) async throws {
        user.totpSecret = try app.fieldProtection.cipher.seal(secret, context: TwoFactor.context(for: user.id!))
        try await user.update(on: app.db)
    }

    @Test func aSealedValueCopiedToAnotherRowDoesNotDecrypt() async throws {
        try await withTestApp { app, _ in
            let alice = try await Fixtures.user(app, role: .caseworker)
            let bob = try await Fixtures.user(app, role: .caseworker)
            let secret = TOTP.generateSecret()
            try await enrol(app, alice, secret: secret)
            // An attacker with database access copies Alice's sealed secret into Bob's row.
            try await app.db.sql.update(User.schema).set("totp_secret", to: alice.totpSecret!).where("id", .equal, bob.id!).run()
            let tampered = try #require(try await User.find(bob.id, on: app.db))
            #expect(throws: FieldCipherError.authenticationFailed) {
                _ = try app.fieldProtection.cipher.open(tampered.totpSecret!, context: TwoFactor.context(for: bob.id!))
            }
            #expect(throws: FieldCipherError.authenticationFailed) {
                _ = try app.fieldProtection.cipher.open(alice.totpSecret!, context: FieldContext(table: User.schema, column: "email", rowID: alice.id!.uuidString))
            }
            #expect(try app.fieldProtection.cipher.open(alice.totpSecret!, context: TwoFactor.context(for: alice.id!)) == secret)
        }
    }

    @Test func theDatabaseFileHoldsNoSecretInClear() async throws {
        guard !TestDatabase.isPostgres else { return }  // a file check: SQLite only
        try await withTestApp { app, environment in
            let user = try await Fixtures.user(app, role: .coordinator)
            let secret = Data("SONGHOTI-TEST-SECRET".utf8)
            try await enrol(app, user, secret: secret)
            try await app.db.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            var bytes = Data()
            for suffix in ["", "-wal"] {
                bytes.append(FileManager.default.contents(atPath: environment.directory + "songhoti.sqlite" + suffix) ?? Data())
            }
            #expect(bytes.count > 0)
            #expect(bytes.range(of: secret) == nil)
            #expect(bytes.range(of: Data(Base32.encode(secret).utf8)) == nil)
            #expect(bytes.range(of: Data(knownPassword.utf8)) == nil)
        }
    }

    @Test func startRefusesWithoutTheKeyOrWithTheWrongKey() async throws {
        let environment = try TestEnvironment.make()
        let app = try await environment.makeApp()
        try await app.asyncShutdown()

        // Missing key file while encrypted data exists.
        let keyData = try #require(FileManager.default.contents(atPath: environment.settings.keyFile))
        try FileManager.default.removeItem(atPath: environment.settings.keyFile)
        let missing = try await environment.makeApp(prepare: false)
        await #expect {
            _ = try await prepareData(missing, migrate: true)
        } throws: { error in
            String(describing: error).contains("Restore the key file from your backup")
        }
        #expect(!FileManager.default.fileExists(atPath: environment.settings.keyFile), "no new key is generated over existing data")
        try await missing.asyncShutdown()

        // A different key ring.
        try KeyRing.generate(now: Date()).serialized().write(to: URL(fileURLWithPath: environment.settings.keyFile))
        let wrong = try await environment.makeApp(prepare: false)
        await #expect {
            _ = try await prepareData(wrong, migrate: true)
        } throws: { error in
            String(describing: error).contains("wrong key file")
        }
        try await wrong.asyncShutdown()

        // The right key again.
        try keyData.write(to: URL(fileURLWithPath: environment.settings.keyFile))
        let right = try await environment.makeApp()
        #expect(right.hasFieldProtection)
        await environment.cleanUp(right)
        try await right.asyncShutdown()
    }

    @Test func keyFileIsCreatedReadableOnlyByItsOwner() async throws {
        try await withTestApp { _, environment in
            let attributes = try FileManager.default.attributesOfItem(atPath: environment.settings.keyFile)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    @Test func inlineKeysFromTheEnvironmentWork() async throws {
        let environment = try TestEnvironment.make()
        var settings = environment.settings
        settings.inlineKeys = KeyRing.generate(now: Date()).serialized().base64EncodedString()
        settings.keyFile = environment.directory + "must-not-exist.keys"
        let app = try await TestEnvironment(directory: environment.directory, settings: settings).makeApp()
        #expect(app.hasFieldProtection)
        #expect(!FileManager.default.fileExists(atPath: settings.keyFile))
        await environment.cleanUp(app)
        try await app.asyncShutdown()
    }

    @Test func rotationReencryptsInResumableBatches() async throws {
        try await withTestApp { app, environment in
            var secrets: [UUID: Data] = [:]
            for _ in 0..<7 {
                let user = try await Fixtures.user(app, role: .caseworker)
                let secret = TOTP.generateSecret()
                try await enrol(app, user, secret: secret)
                secrets[user.id!] = secret
            }
            let rotated = app.fieldProtection.keyRing.rotated(now: Date())
            try KeyFile(settings: environment.settings).save(rotated)
            let protection = FieldProtection(keyRing: rotated)
            try await protection.recordChecks(app, existing: [1], now: Date())
            app.fieldProtection = protection

            let census = try await EncryptedColumns.census(on: app.db)
            #expect(census["users.totp_secret"] == [1: 7])
            let moved = try await EncryptedColumns.reencrypt(app, cipher: protection.cipher, activeKeyID: rotated.activeKeyID, batchSize: 3) { _, _ in }
            #expect(moved == 7)
            #expect(try await EncryptedColumns.census(on: app.db)["users.totp_secret"] == [2: 7])
            // Running again finds nothing left: an interrupted run is resumed the same way.
            #expect(try await EncryptedColumns.reencrypt(app, cipher: protection.cipher, activeKeyID: rotated.activeKeyID, batchSize: 3) { _, _ in } == 0)
            for (id, secret) in secrets {
                let user = try #require(try await User.find(id, on: app.db))
                #expect(try protection.cipher.open(user.totpSecret!, context: TwoFactor.context(for: id)) == secret)
            }
            // The next start accepts the rotated ring (both key checks verify).
            let again = try await environment.makeApp()
            #expect(again.fieldProtection.keyRing.activeKeyID == 2)
            try await again.asyncShutdown()
        }
    }

    @Test func rotationCoversEverySealedCaseColumn() async throws {
        try await withTestApp { app, environment in
            let s = try await CaseListSetting.make(app)
            let file = try await s.open(app, summary: "Harassed on the night shift.", category: "gender_based_violence")
            let link = try #require(try await CaseWorkerLink.query(on: app.db).filter(\.$caseID == file.id!).first())
            try await CaseClaims(context: .commandLine(app)).update(link, of: file, with: .init(claim: "Compensation for lost wages"))
            let item = try await RemedyService(context: .commandLine(app)).record(.init(kind: "apology", stage: "promised", onDate: "2026-11-01", note: "Apology in writing."),
                                                                                   on: file, principal: try s.caseworker.principal())
            let rotated = app.fieldProtection.keyRing.rotated(now: Date())
            try KeyFile(settings: environment.settings).save(rotated)
            let protection = FieldProtection(keyRing: rotated)
            try await protection.recordChecks(app, existing: [1], now: Date())
            app.fieldProtection = protection
            _ = try await EncryptedColumns.reencrypt(app, cipher: protection.cipher, activeKeyID: rotated.activeKeyID, batchSize: 2) { _, _ in }
            let census = try await EncryptedColumns.census(on: app.db)
            for column in ["cases.summary_sealed", "case_workers.claim_sealed", "remedy_items.note_sealed"] {
                #expect(census[column] == [2: 1], "\(column)")
            }
            let reread = try #require(try await CaseWorkerLink.find(link.id!, on: app.db))
            #expect(try CaseClaims(context: .commandLine(app)).claimText(reread) == "Compensation for lost wages")
            #expect(try await RemedyItem.find(item.id!, on: app.db)?.noteText(protection.cipher) == "Apology in writing.")
        }
    }
}
