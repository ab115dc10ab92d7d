import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Appends to and verifies the hash-chained audit log.
///
/// Appends happen inside the caller's write transaction, so a change and its audit entry commit or fail together.
struct AuditLog: Sendable {
    let dialect: any StorageDialect

    /// What happened, by whom, to which record: ids only, never personal values.
    struct Event: Sendable {
        var actorID: String?
        var action: String
        var resourceType: String
        var resourceID: String?
        var sourceIP: String?
    }

    @discardableResult
    func append(_ event: Event, on db: any Database, now: Date = Date()) async throws -> AuditEntry {
        try await dialect.lockAuditChain(db.sql)
        let head = try await AuditHead.find(1, on: db)
        let previous: AuditEntry?
        if let head {
            previous = try await AuditRecord.find(head.sequence, on: db)?.entry
        } else {
            previous = nil
        }
        let entry = AuditChain.makeEntry(
            after: previous,
            occurredAtMillis: Int64((now.timeIntervalSince1970 * 1000).rounded()),
            actorID: event.actorID, action: event.action, resourceType: event.resourceType,
            resourceID: event.resourceID, sourceIP: event.sourceIP
        )
        try await AuditRecord(entry).create(on: db)
        if let head {
            head.sequence = entry.sequence
            head.hash = entry.hash
            try await head.update(on: db)
        } else {
            try await AuditHead(sequence: entry.sequence, hash: entry.hash).create(on: db)
        }
        return entry
    }

    struct Report: Sendable, Equatable {
        var verified: Int64
        var problem: String?
        var intact: Bool { problem == nil }
    }

    /// Walks the whole chain in batches; reports the first broken link.
    func verify(on db: any Database, batchSize: Int = 1000) async throws -> Report {
        var verifier = AuditChainVerifier()
        var after: Int64 = 0
        var last: AuditEntry?
        while true {
            let batch = try await AuditRecord.query(on: db)
                .filter(\.$id > after)
                .sort(\.$id, .ascending)
                .limit(batchSize)
                .all()
            for record in batch {
                let entry = record.entry
                if let broken = verifier.feed(entry) {
                    return Report(verified: verifier.verifiedCount, problem: Self.describe(broken))
                }
                last = entry
            }
            guard let final = batch.last?.id, batch.count == batchSize else { break }
            after = final
        }
        if let broken = verifier.finish() {
            return Report(verified: verifier.verifiedCount, problem: Self.describe(broken))
        }
        let head = try await AuditHead.find(1, on: db)
        switch (head, last) {
        case (nil, nil):
            break
        case (let head?, let last?) where head.sequence == last.sequence && head.hash == last.hash:
            break
        case (let head?, _):
            return Report(
                verified: verifier.verifiedCount,
                problem: "the log ends at entry \(last?.sequence ?? 0) but its head records entry \(head.sequence): entries were removed from the end, or the head was edited"
            )
        case (nil, .some):
            return Report(verified: verifier.verifiedCount, problem: "the log's head record is missing")
        }
        return Report(verified: verifier.verifiedCount, problem: nil)
    }

    static func describe(_ broken: AuditBreak) -> String {
        switch broken {
        case .hashMismatch(let sequence):
            "entry \(sequence) was altered: its contents no longer match its hash"
        case .previousHashMismatch(let sequence):
            "entry \(sequence) does not link to the entry before it: an entry was altered, removed or inserted"
        case .sequenceGap(let expected, let found):
            "entry \(expected) is missing (the next entry present is \(found)): entries were deleted"
        }
    }
}

extension Application {
    var auditLog: AuditLog { AuditLog(dialect: dialect) }
}

extension Request {
    /// Records an event by the current actor from the current source address, inside the given transaction.
    func audit(_ action: String, _ resourceType: String, _ resourceID: String?, on db: any Database, actorID: String? = nil) async throws {
        let event = AuditLog.Event(
            actorID: actorID ?? self.actorID, action: action, resourceType: resourceType,
            resourceID: resourceID, sourceIP: clientIP
        )
        try await application.auditLog.append(event, on: db)
    }
}
