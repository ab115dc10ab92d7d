import Fluent
import Foundation
import SQLKit
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

@Suite("Audit log: append-only, hash-chained, tamper detected")
struct AuditLogTests {
    private func fill(_ app: Application, count: Int) async throws {
        for index in 0..<count {
            try await app.writer.transaction(on: app.db) { db in
                try await app.auditLog.append(.init(actorID: "u\(index)", action: "test.event", resourceType: "thing", resourceID: "\(index)", sourceIP: "127.0.0.1"), on: db)
            }
        }
    }

    @Test func intactChainVerifies() async throws {
        try await withTestApp { app, _ in
            try await fill(app, count: 25)
            let report = try await app.auditLog.verify(on: app.db, batchSize: 7)
            #expect(report.intact)
            #expect(report.verified == 25)
        }
    }

    @Test func theDatabaseRefusesUpdatesAndDeletes() async throws {
        try await withTestApp { app, _ in
            try await fill(app, count: 3)
            await #expect(throws: (any Error).self) {
                try await app.db.sql.update(AuditRecord.schema).set("action", to: "x").where("sequence", .equal, 2).run()
            }
            await #expect(throws: (any Error).self) {
                try await app.db.sql.delete(from: AuditRecord.schema).where("sequence", .equal, 2).run()
            }
            #expect(try await app.auditLog.verify(on: app.db).intact)
        }
    }

    @Test func anEditedEntryIsFound() async throws {
        try await withTestApp { app, _ in
            try await fill(app, count: 10)
            // Someone with raw database access first drops the protection, then edits entry 4.
            try await app.dialect.unprotectAuditLog(app.db.sql)
            try await app.db.sql.update(AuditRecord.schema).set("actor_id", to: "someone-else").where("sequence", .equal, 4).run()
            let report = try await app.auditLog.verify(on: app.db, batchSize: 3)
            #expect(!report.intact)
            #expect(report.verified == 3)
            #expect(report.problem?.contains("entry 4 was altered") == true)
        }
    }

    @Test func aDeletedEntryIsFound() async throws {
        try await withTestApp { app, _ in
            try await fill(app, count: 10)
            try await app.dialect.unprotectAuditLog(app.db.sql)
            try await app.db.sql.delete(from: AuditRecord.schema).where("sequence", .equal, 6).run()
            let report = try await app.auditLog.verify(on: app.db)
            #expect(report.problem?.contains("entry 6 is missing") == true)
        }
    }

    @Test func removingTheNewestEntriesIsFound() async throws {
        try await withTestApp { app, _ in
            try await fill(app, count: 10)
            try await app.dialect.unprotectAuditLog(app.db.sql)
            try await app.db.sql.delete(from: AuditRecord.schema).where("sequence", .greaterThan, 8).run()
            let report = try await app.auditLog.verify(on: app.db)
            #expect(report.problem?.contains("head records entry 10") == true)
        }
    }

    @Test func entriesHoldIdsNotPersonalValues() async throws {
        try await withTestApp { app, _ in
            let admin = try await Fixtures.session(app, for: try await Fixtures.user(app, role: .administrator))
            _ = try await admin.post("/admin/users", ["email": "nasrin.akter@example.org", "display_name": "Nasrin Akter", "role": "caseworker",
                                                      "office_id": "", "language": "bn", "password": "evening rain on tin roofs"])
            let rows = try await app.db.sql.select().column("*").from(AuditRecord.schema).all()
            #expect(rows.count > 0)
            for row in rows {
                for column in ["actor_id", "action", "resource_type", "resource_id", "source_ip"] {
                    let value = (try? row.decode(column: column, as: String?.self)) ?? nil
                    #expect(value?.contains("Nasrin") != true && value?.contains("nasrin") != true)
                }
            }
        }
    }
}
