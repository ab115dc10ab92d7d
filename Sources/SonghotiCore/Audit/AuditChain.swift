import Crypto
import Foundation

/// One row of the append-only audit log. It names who did what to which record by id only; personal
/// values never go here, because the log is kept longer and shown more widely than the data itself.
public struct AuditEntry: Sendable, Equatable {
    /// 1, 2, 3, ... with no gaps.
    public var sequence: Int64
    /// Unix time in milliseconds; an integer so it round-trips through any database exactly.
    public var occurredAtMillis: Int64
    /// User id, token id, or nil for the system itself.
    public var actorID: String?
    /// For example "user.create", "session.sign_in", "session.sign_in_failed".
    public var action: String
    public var resourceType: String
    public var resourceID: String?
    public var sourceIP: String?
    /// Hash of the previous entry, or `AuditChain.genesisHash` for the first.
    public var previousHash: String
    /// Hash of this entry's canonical encoding, which includes `previousHash`.
    public var hash: String

    public init(
        sequence: Int64,
        occurredAtMillis: Int64,
        actorID: String? = nil,
        action: String,
        resourceType: String,
        resourceID: String? = nil,
        sourceIP: String? = nil,
        previousHash: String,
        hash: String
    ) {
        self.sequence = sequence
        self.occurredAtMillis = occurredAtMillis
        self.actorID = actorID
        self.action = action
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.sourceIP = sourceIP
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// A SHA-256 hash chain over the audit log: each entry's hash covers the previous entry's hash, so
/// editing, inserting or deleting an entry breaks every link after it.
///
/// Limits: removing entries from the end leaves a shorter chain that still verifies, and someone able
/// to rewrite every entry from some point on can recompute all the hashes. The chain alone cannot see
/// either; the server keeps the latest sequence and hash (the head) separately and compares them.
public enum AuditChain {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Lowercase hex SHA-256 of a canonical encoding: every field length-prefixed, and a nil
    /// optional encoded differently from an empty string.
    public static func hash(
        sequence: Int64,
        occurredAtMillis: Int64,
        actorID: String?,
        action: String,
        resourceType: String,
        resourceID: String?,
        sourceIP: String?,
        previousHash: String
    ) -> String {
        var encoding = CanonicalEncoding(domain: "songhoti-audit-v1")
        encoding.append(sequence)
        encoding.append(occurredAtMillis)
        encoding.append(actorID)
        encoding.append(action)
        encoding.append(resourceType)
        encoding.append(resourceID)
        encoding.append(sourceIP)
        encoding.append(previousHash)
        return SHA256.hash(data: encoding.bytes).lowercaseHex
    }

    static func hash(of entry: AuditEntry) -> String {
        hash(
            sequence: entry.sequence,
            occurredAtMillis: entry.occurredAtMillis,
            actorID: entry.actorID,
            action: entry.action,
            resourceType: entry.resourceType,
            resourceID: entry.resourceID,
            sourceIP: entry.sourceIP,
            previousHash: entry.previousHash
        )
    }

    /// The next entry of the chain; pass nil for the first entry.
    public static func makeEntry(
        after previous: AuditEntry?,
        occurredAtMillis: Int64,
        actorID: String?,
        action: String,
        resourceType: String,
        resourceID: String?,
        sourceIP: String?
    ) -> AuditEntry {
        let sequence = (previous?.sequence ?? 0) + 1
        let previousHash = previous?.hash ?? genesisHash
        return AuditEntry(
            sequence: sequence,
            occurredAtMillis: occurredAtMillis,
            actorID: actorID,
            action: action,
            resourceType: resourceType,
            resourceID: resourceID,
            sourceIP: sourceIP,
            previousHash: previousHash,
            hash: hash(
                sequence: sequence,
                occurredAtMillis: occurredAtMillis,
                actorID: actorID,
                action: action,
                resourceType: resourceType,
                resourceID: resourceID,
                sourceIP: sourceIP,
                previousHash: previousHash
            )
        )
    }
}

public enum AuditBreak: Equatable, Sendable {
    /// The entry's fields do not match its stored hash: it was edited.
    case hashMismatch(sequence: Int64)
    /// The entry does not point at the entry before it: something before it was edited and rehashed,
    /// or entries were inserted or reordered.
    case previousHashMismatch(sequence: Int64)
    /// A sequence number is missing or out of order: entries were deleted or inserted.
    case sequenceGap(expected: Int64, found: Int64)
}

/// Verifies a chain fed one entry at a time from sequence 1, so the server can check millions of rows
/// in batches without holding them all. Stops at the first break; later entries are not examined.
///
/// A clean result does not prove nothing was removed from the end; see `AuditChain`.
public struct AuditChainVerifier: Sendable {
    private var expectedSequence: Int64 = 1
    private var expectedPreviousHash = AuditChain.genesisHash
    private var firstBreak: AuditBreak?
    public private(set) var verifiedCount: Int64 = 0

    public init() {}

    /// Returns the first break found, and keeps returning it for any later entry fed.
    public mutating func feed(_ entry: AuditEntry) -> AuditBreak? {
        if let firstBreak { return firstBreak }
        let problem: AuditBreak?
        if entry.sequence != expectedSequence {
            problem = .sequenceGap(expected: expectedSequence, found: entry.sequence)
        } else if entry.previousHash != expectedPreviousHash {
            problem = .previousHashMismatch(sequence: entry.sequence)
        } else if AuditChain.hash(of: entry) != entry.hash {
            problem = .hashMismatch(sequence: entry.sequence)
        } else {
            problem = nil
        }
        if let problem {
            firstBreak = problem
            return problem
        }
        verifiedCount += 1
        expectedSequence += 1
        expectedPreviousHash = entry.hash
        return nil
    }

    /// The first break, or nil if every entry fed so far links correctly.
    public mutating func finish() -> AuditBreak? {
        firstBreak
    }
}
