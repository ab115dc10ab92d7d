import Fluent
import Foundation
import SQLKit
import SonghotiCore
import Vapor

/// Every column that holds values sealed with the field cipher. Key rotation and `keys status` walk this list;
/// a feature that adds an encrypted column adds it here.
enum EncryptedColumns {
    struct Column: Sendable {
        let table: String
        let column: String
    }

    static let all: [Column] = [
        Column(table: User.schema, column: User.totpSecretColumn),
    ] + Worker.sealedColumns.map { Column(table: Worker.schema, column: $0) } + [
        Column(table: CaseFile.schema, column: "summary_sealed"),
        Column(table: CaseAccessReason.schema, column: "reason"),
        Column(table: CaseEvent.schema, column: "body_sealed"),
        Column(table: CaseEventRevision.schema, column: "body_sealed"),
        Column(table: Referral.schema, column: "override_reason"),
        Column(table: Attachment.schema, column: "filename"),
        Column(table: CaseWorkerLink.schema, column: "claim_sealed"),
        Column(table: RemedyItem.schema, column: "note_sealed"),
        Column(table: Referral.schema, column: "feedback_sealed"),
        Column(table: Escalation.schema, column: "letter_sealed"),
        Column(table: Document.schema, column: "filename"),
        Column(table: EntitlementCalculation.schema, column: "input_sealed"),
        Column(table: EntitlementCalculation.schema, column: "result_sealed"),
    ]

    /// Counts sealed values per key id in every column.
    static func census(on db: any Database, batchSize: Int = 500) async throws -> [String: [UInt32: Int]] {
        var result: [String: [UInt32: Int]] = [:]
        for column in all {
            var counts: [UInt32: Int] = [:]
            try await walk(column, on: db, batchSize: batchSize) { _, sealed in
                counts[FieldCipher.keyID(of: sealed) ?? 0, default: 0] += 1
            }
            result["\(column.table).\(column.column)"] = counts
        }
        return result
    }

    /// Calls `visit` for every non-null value, in id order, in batches.
    static func walk(_ column: Column, on db: any Database, batchSize: Int, visit: (UUID, Data) async throws -> Void) async throws {
        var after: UUID?
        while true {
            var query = db.sql.select().column("id").column(SQLIdentifier(column.column)).from(column.table)
                .where(SQLIdentifier(column.column), .isNot, SQLLiteral.null)
            if let after { query = query.where("id", .greaterThan, after) }
            let rows = try await query.orderBy("id").limit(batchSize).all()
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                let sealed = try row.decode(column: column.column, as: Data.self)
                try await visit(id, sealed)
            }
            guard rows.count == batchSize, let last = rows.last else { return }
            after = try last.decode(column: "id", as: UUID.self)
        }
    }

    /// Re-encrypts every value not under the active key, one batch per transaction, so an interrupted run
    /// can simply be run again. Returns how many values were re-encrypted.
    static func reencrypt(_ app: Application, cipher: FieldCipher, activeKeyID: UInt32, batchSize: Int,
                          progress: (String, Int) -> Void) async throws -> Int {
        var total = 0
        for column in all {
            while true {
                var pending: [(UUID, Data)] = []
                try await walk(column, on: app.db, batchSize: batchSize) { id, sealed in
                    if pending.count < batchSize, FieldCipher.keyID(of: sealed) != activeKeyID { pending.append((id, sealed)) }
                }
                guard !pending.isEmpty else { break }
                let batch = pending
                try await app.writer.transaction(on: app.db) { db in
                    for (id, sealed) in batch {
                        let context = FieldContext(table: column.table, column: column.column, rowID: id.uuidString)
                        let resealed = try cipher.reseal(sealed, context: context)
                        try await db.sql.update(column.table).set(SQLIdentifier(column.column), to: resealed)
                            .where("id", .equal, id).run()
                    }
                }
                total += batch.count
                progress("\(column.table).\(column.column)", batch.count)
            }
        }
        return total
    }
}
