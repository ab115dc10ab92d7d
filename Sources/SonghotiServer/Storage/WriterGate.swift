import Fluent
import Vapor

/// Serialises write transactions inside one process.
///
/// SQLite allows one writer; two read-then-write transactions on different connections deadlock and one fails at
/// once with "database is locked" (the busy handler cannot help a lock upgrade). Every write goes through this gate
/// before its transaction starts. On PostgreSQL the gate is open: the server handles concurrency itself.
public actor WriterGate {
    private let serialises: Bool
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(serialises: Bool) {
        self.serialises = serialises
    }

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` in a database transaction, alone among this process's writers when the gate serialises.
    @discardableResult
    public nonisolated func transaction<T: Sendable>(
        on database: any Database,
        _ body: @Sendable @escaping (any Database) async throws -> T
    ) async throws -> T {
        guard serialises else {
            return try await database.transaction { try await body($0) }
        }
        await acquire()
        do {
            let result = try await database.transaction { try await body($0) }
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}

extension Application {
    private struct WriterGateKey: StorageKey { typealias Value = WriterGate }

    public var writer: WriterGate {
        get {
            guard let gate = storage[WriterGateKey.self] else { fatalError("configure(_:) sets the writer gate") }
            return gate
        }
        set { storage[WriterGateKey.self] = newValue }
    }
}

extension Request {
    /// A write transaction through the application's writer gate.
    public func write<T: Sendable>(_ body: @Sendable @escaping (any Database) async throws -> T) async throws -> T {
        try await application.writer.transaction(on: db, body)
    }
}
