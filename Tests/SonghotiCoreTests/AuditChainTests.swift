import Foundation
import SonghotiCore
import Testing

@Suite struct AuditChainTests {
    static func chain(count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        let actions = ["user.create", "session.sign_in", "session.sign_in_failed", "case.read", "case.update"]
        for index in 0..<count {
            entries.append(AuditChain.makeEntry(
                after: entries.last,
                occurredAtMillis: 1_700_000_000_000 + Int64(index) * 1_250,
                actorID: index % 7 == 0 ? nil : "user-\(index % 3)",
                action: actions[index % actions.count],
                resourceType: index % 2 == 0 ? "case" : "user",
                resourceID: index % 5 == 0 ? nil : "\(index * 31)",
                sourceIP: index % 4 == 0 ? nil : "203.0.113.\(index % 250)"
            ))
        }
        return entries
    }

    static func verify(_ entries: [AuditEntry]) -> (AuditBreak?, Int64) {
        var verifier = AuditChainVerifier()
        for entry in entries {
            if let problem = verifier.feed(entry) { return (problem, verifier.verifiedCount) }
        }
        return (verifier.finish(), verifier.verifiedCount)
    }

    @Test func genesisHashIsSixtyFourZeros() {
        #expect(AuditChain.genesisHash == String(repeating: "0", count: 64))
    }

    @Test func firstEntryStartsTheChain() {
        let first = AuditChain.makeEntry(
            after: nil, occurredAtMillis: 1_700_000_000_000, actorID: "u1", action: "user.create",
            resourceType: "user", resourceID: "u2", sourceIP: nil
        )
        #expect(first.sequence == 1)
        #expect(first.previousHash == AuditChain.genesisHash)
        // Python: sha256 of u64-length-prefixed "songhoti-audit-v1", i64 sequence, i64 millis, then each
        // field length-prefixed, optionals preceded by 1 (present) or 0 (nil).
        #expect(first.hash == "abe423c145004e50ca06247f8923df42cc43ad55487fd1c78379f0eb8f5c861f")
        let second = AuditChain.makeEntry(
            after: first, occurredAtMillis: 1_700_000_000_001, actorID: nil, action: "session.sign_in",
            resourceType: "session", resourceID: nil, sourceIP: "198.51.100.4"
        )
        #expect(second.sequence == 2)
        #expect(second.previousHash == first.hash)
    }

    @Test func hundredEntryChainVerifies() {
        let entries = Self.chain(count: 100)
        #expect(entries.map(\.sequence) == Array(1...100))
        let (problem, count) = Self.verify(entries)
        #expect(problem == nil)
        #expect(count == 100)
    }

    @Test func verificationCanRunInBatches() {
        let entries = Self.chain(count: 100)
        var verifier = AuditChainVerifier()
        for batchStart in stride(from: 0, to: 100, by: 30) {
            for entry in entries[batchStart..<min(batchStart + 30, 100)] {
                #expect(verifier.feed(entry) == nil)
            }
        }
        #expect(verifier.finish() == nil)
        #expect(verifier.verifiedCount == 100)
    }

    @Test func emptyLogVerifies() {
        var verifier = AuditChainVerifier()
        #expect(verifier.finish() == nil)
        #expect(verifier.verifiedCount == 0)
    }

    @Test(arguments: 0..<7)
    func editingAnyFieldIsAHashMismatchAtThatEntry(field: Int) {
        var entries = Self.chain(count: 100)
        let index = 41  // sequence 42, which has every optional field set
        switch field {
        case 0: entries[index].occurredAtMillis += 1
        case 1: entries[index].actorID = "user-9"
        case 2: entries[index].action = "case.delete"
        case 3: entries[index].resourceType = "worker"
        case 4: entries[index].resourceID = nil
        case 5: entries[index].sourceIP = ""
        default: entries[index].hash = String(repeating: "f", count: 64)
        }
        let (problem, count) = Self.verify(entries)
        #expect(problem == .hashMismatch(sequence: 42))
        #expect(count == 41)
    }

    @Test func deletingAMiddleEntryIsASequenceGap() {
        var entries = Self.chain(count: 100)
        entries.remove(at: 49)
        #expect(Self.verify(entries).0 == .sequenceGap(expected: 50, found: 51))
    }

    @Test func renumberingAfterADeletionIsStillDetected() {
        var entries = Self.chain(count: 100)
        entries.remove(at: 49)
        for index in 49..<entries.count { entries[index].sequence -= 1 }
        #expect(Self.verify(entries).0 == .previousHashMismatch(sequence: 50))
    }

    @Test func changingPreviousHashIsDetected() {
        var entries = Self.chain(count: 100)
        entries[59].previousHash = entries[57].hash
        #expect(Self.verify(entries).0 == .previousHashMismatch(sequence: 60))
    }

    @Test func rehashingAnEditedEntryBreaksTheNextLink() {
        var entries = Self.chain(count: 100)
        var edited = entries[39]
        edited.actorID = "someone-else"
        edited.hash = AuditChain.hash(
            sequence: edited.sequence, occurredAtMillis: edited.occurredAtMillis, actorID: edited.actorID,
            action: edited.action, resourceType: edited.resourceType, resourceID: edited.resourceID,
            sourceIP: edited.sourceIP, previousHash: edited.previousHash
        )
        entries[39] = edited
        #expect(Self.verify(entries).0 == .previousHashMismatch(sequence: 41))
    }

    @Test func swappingEntriesIsDetected() {
        var entries = Self.chain(count: 100)
        entries.swapAt(10, 11)
        #expect(Self.verify(entries).0 == .sequenceGap(expected: 11, found: 12))
    }

    @Test func firstBreakIsKeptAfterLaterEntries() {
        var entries = Self.chain(count: 20)
        entries[4].action = "edited"
        entries[14].action = "edited"
        var verifier = AuditChainVerifier()
        for entry in entries { _ = verifier.feed(entry) }
        #expect(verifier.finish() == .hashMismatch(sequence: 5))
        #expect(verifier.verifiedCount == 4)
    }

    @Test func removingTheLastEntryIsNotVisibleToTheChainAlone() {
        // Documented limitation: the server compares against a separately kept head pointer.
        var entries = Self.chain(count: 100)
        entries.removeLast()
        let (problem, count) = Self.verify(entries)
        #expect(problem == nil)
        #expect(count == 99)
    }

    @Test func encodingIsUnambiguous() {
        func hash(actor: String?, action: String, type: String) -> String {
            AuditChain.hash(sequence: 1, occurredAtMillis: 0, actorID: actor, action: action,
                            resourceType: type, resourceID: nil, sourceIP: nil,
                            previousHash: AuditChain.genesisHash)
        }
        #expect(hash(actor: nil, action: "a", type: "b") != hash(actor: "", action: "a", type: "b"))
        #expect(hash(actor: nil, action: "ab", type: "c") != hash(actor: nil, action: "a", type: "bc"))
        #expect(hash(actor: "x", action: "a", type: "b").count == 64)
    }
}
