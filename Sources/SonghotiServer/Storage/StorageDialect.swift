import Fluent
import SQLKit
import Vapor

/// The SQL that differs between SQLite and PostgreSQL, behind one protocol with one implementation per engine.
public protocol StorageDialect: Sendable {
    var name: String { get }
    /// Run once at start-up before migrations (journal mode, extensions).
    func prepare(_ database: any SQLDatabase) async throws
    /// Refuse UPDATE and DELETE on the audit log at the database level.
    func protectAuditLog(_ database: any SQLDatabase) async throws
    /// Drop that protection (only `down` migrations and tamper tests use it).
    func unprotectAuditLog(_ database: any SQLDatabase) async throws
    /// Serialise audit-chain appends across every process sharing the database, until the transaction ends.
    func lockAuditChain(_ database: any SQLDatabase) async throws
}

public struct SQLiteDialect: StorageDialect {
    public init() {}
    public var name: String { "sqlite" }

    public func prepare(_ database: any SQLDatabase) async throws {
        // WAL lets readers proceed while the single writer commits; the setting persists in the file.
        try await database.raw("PRAGMA journal_mode = WAL").run()
        try await database.raw("PRAGMA synchronous = NORMAL").run()
    }

    public func protectAuditLog(_ database: any SQLDatabase) async throws {
        try await database.raw("""
            CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
            """).run()
        try await database.raw("""
            CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
            """).run()
    }

    public func unprotectAuditLog(_ database: any SQLDatabase) async throws {
        try await database.raw("DROP TRIGGER IF EXISTS audit_log_no_update").run()
        try await database.raw("DROP TRIGGER IF EXISTS audit_log_no_delete").run()
    }

    public func lockAuditChain(_ database: any SQLDatabase) async throws {
        // One process, one writer: the writer gate already serialises every write transaction.
    }
}

public struct PostgresDialect: StorageDialect {
    /// Arbitrary constant naming the audit-chain advisory lock.
    static let auditLockKey: Int64 = 0x536F_6E67_6861_7564

    public init() {}
    public var name: String { "postgresql" }

    public func prepare(_ database: any SQLDatabase) async throws {}

    public func protectAuditLog(_ database: any SQLDatabase) async throws {
        try await database.raw("""
            CREATE OR REPLACE FUNCTION songhoti_audit_log_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
            $$ LANGUAGE plpgsql
            """).run()
        try await database.raw("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log").run()
        try await database.raw("""
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION songhoti_audit_log_append_only()
            """).run()
    }

    public func unprotectAuditLog(_ database: any SQLDatabase) async throws {
        try await database.raw("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log").run()
    }

    public func lockAuditChain(_ database: any SQLDatabase) async throws {
        try await database.raw("SELECT pg_advisory_xact_lock(\(bind: Self.auditLockKey))").run()
    }
}

extension Application {
    private struct DialectKey: StorageKey { typealias Value = any StorageDialect }

    public var dialect: any StorageDialect {
        get { storage[DialectKey.self] ?? SQLiteDialect() }
        set { storage[DialectKey.self] = newValue }
    }
}

extension Database {
    /// The SQLKit view of a Fluent database; both supported drivers provide it.
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { fatalError("Songhoti runs only on SQL databases") }
        return sql
    }
}
