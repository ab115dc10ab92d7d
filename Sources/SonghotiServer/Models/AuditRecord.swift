import Fluent
import Foundation
import SonghotiCore

/// One row of the append-only, hash-chained audit log. Holds ids, never personal values.
final class AuditRecord: Model, @unchecked Sendable {
    static let schema = "audit_log"

    @ID(custom: "sequence", generatedBy: .user) var id: Int64?
    @Field(key: "occurred_at_ms") var occurredAtMillis: Int64
    @OptionalField(key: "actor_id") var actorID: String?
    @Field(key: "action") var action: String
    @Field(key: "resource_type") var resourceType: String
    @OptionalField(key: "resource_id") var resourceID: String?
    @OptionalField(key: "source_ip") var sourceIP: String?
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}
    init(_ entry: AuditEntry) {
        self.id = entry.sequence
        self.occurredAtMillis = entry.occurredAtMillis
        self.actorID = entry.actorID
        self.action = entry.action
        self.resourceType = entry.resourceType
        self.resourceID = entry.resourceID
        self.sourceIP = entry.sourceIP
        self.previousHash = entry.previousHash
        self.hash = entry.hash
    }

    var entry: AuditEntry {
        AuditEntry(
            sequence: id ?? 0, occurredAtMillis: occurredAtMillis, actorID: actorID, action: action,
            resourceType: resourceType, resourceID: resourceID, sourceIP: sourceIP,
            previousHash: previousHash, hash: hash
        )
    }
}

/// The newest sequence and hash, so deleting the last rows of the log is detected too.
final class AuditHead: Model, @unchecked Sendable {
    static let schema = "audit_head"

    @ID(custom: "id", generatedBy: .user) var id: Int?
    @Field(key: "sequence") var sequence: Int64
    @Field(key: "hash") var hash: String

    init() {}
    init(sequence: Int64, hash: String) {
        self.id = 1
        self.sequence = sequence
        self.hash = hash
    }
}
