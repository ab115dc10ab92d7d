import Fluent
import SonghotiCore
import SQLKit
import Vapor

/// The SQL that differs between SQLite and PostgreSQL, behind one protocol with one implementation per engine.
public protocol StorageDialect: CaseSearchDialect {
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
    /// Arbitrary constant naming the lock held while creating extensions.
    static let extensionLockKey: Int64 = 0x536F_6E67_6865_7874

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

// MARK: Case search

/// The full-text index over the narratives of non-restricted cases: `case_search_docs` holds one text per
/// case (summary, timeline notes, employer); each engine indexes it its own way.
public protocol CaseSearchDialect: Sendable {
    func createCaseSearch(_ database: any SQLDatabase) async throws
    func dropCaseSearch(_ database: any SQLDatabase) async throws
    /// A condition on `cases.id` that holds when the case's indexed text matches every word.
    func caseSearchCondition(_ terms: SearchTerms) -> SQLQueryString
    /// `cases.created_at` as an exact number, selected as `keyset_time`, for keyset cursors: a `Date` does not
    /// survive the round trip through the drivers bit for bit, and a cursor must compare equal to its own row.
    var keysetTimeSelect: SQLQueryString { get }
    /// A value to compare `cases.created_at` with, from a `keyset_time` number (the column's index stays usable).
    func keysetTime(_ key: Double) -> SQLQueryString
    /// A whole word-search query driven by the full-text index in its own order (newest indexed first), selecting
    /// `cases.*` and `keyset_time`, or nil when the engine should filter cases by `caseSearchCondition` instead.
    func rankedCaseSearch(_ terms: SearchTerms, conditions: [SQLQueryString], after: Double?, limit: Int) -> SQLQueryString?
}

extension SQLiteDialect {
    public func createCaseSearch(_ database: any SQLDatabase) async throws {
        try await database.raw("""
            CREATE TABLE case_search_docs (rowid INTEGER PRIMARY KEY, case_id BLOB NOT NULL UNIQUE REFERENCES cases(id) ON DELETE CASCADE, body TEXT NOT NULL)
            """).run()
        // External-content FTS5 table: the text is stored once (in case_search_docs), the index beside it.
        try await database.raw("""
            CREATE VIRTUAL TABLE case_search USING fts5(body, content='case_search_docs', content_rowid='rowid',
                tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'", prefix = '2 3')
            """).run()
        try await database.raw("""
            CREATE TRIGGER case_search_docs_ai AFTER INSERT ON case_search_docs BEGIN
              INSERT INTO case_search(rowid, body) VALUES (new.rowid, new.body);
            END
            """).run()
        try await database.raw("""
            CREATE TRIGGER case_search_docs_ad AFTER DELETE ON case_search_docs BEGIN
              INSERT INTO case_search(case_search, rowid, body) VALUES ('delete', old.rowid, old.body);
            END
            """).run()
        try await database.raw("""
            CREATE TRIGGER case_search_docs_au AFTER UPDATE ON case_search_docs BEGIN
              INSERT INTO case_search(case_search, rowid, body) VALUES ('delete', old.rowid, old.body);
              INSERT INTO case_search(rowid, body) VALUES (new.rowid, new.body);
            END
            """).run()
    }

    public func dropCaseSearch(_ database: any SQLDatabase) async throws {
        for trigger in ["case_search_docs_ai", "case_search_docs_ad", "case_search_docs_au"] {
            try await database.raw("DROP TRIGGER IF EXISTS \(ident: trigger)").run()
        }
        try await database.raw("DROP TABLE IF EXISTS case_search").run()
        try await database.raw("DROP TABLE IF EXISTS case_search_docs").run()
    }

    public var keysetTimeSelect: SQLQueryString { "cases.created_at AS keyset_time" }
    public func keysetTime(_ key: Double) -> SQLQueryString { "\(bind: key)" }

    /// FTS5 yields matches in rowid order, newest first with ORDER BY rowid DESC, without sorting them: the query
    /// stops after one page however common the word. A case's row keeps its rowid for life (restricting empties the
    /// text instead of deleting the row), so rowid order is the order cases were opened.
    public func rankedCaseSearch(_ terms: SearchTerms, conditions: [SQLQueryString], after: Double?, limit: Int) -> SQLQueryString? {
        var all = conditions
        all.insert("case_search MATCH \(bind: terms.fts5Query)", at: 0)
        if let after { all.append("d.rowid < \(bind: Int64(after))") }
        return "SELECT cases.*, d.rowid AS keyset_time FROM case_search s JOIN case_search_docs d ON d.rowid = s.rowid JOIN cases ON cases.id = d.case_id WHERE "
            + all.joined(separator: " AND ") + " ORDER BY s.rowid DESC LIMIT \(literal: limit + 1)"
    }

    public func caseSearchCondition(_ terms: SearchTerms) -> SQLQueryString {
        "cases.id IN (SELECT d.case_id FROM case_search s JOIN case_search_docs d ON d.rowid = s.rowid WHERE case_search MATCH \(bind: terms.fts5Query))"
    }
}

extension PostgresDialect {
    public func createCaseSearch(_ database: any SQLDatabase) async throws {
        // pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. It goes into the public
        // schema whatever the search path, under a lock, so that several schemas (or processes) migrating at once share it.
        try await database.raw("""
            DO $$ BEGIN PERFORM pg_advisory_xact_lock(\(literal: Self.extensionLockKey)); CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public; END $$
            """).run()
        try await database.raw("""
            CREATE TABLE case_search_docs (case_id uuid PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE, body text NOT NULL,
                tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)
            """).run()
        try await database.raw("CREATE INDEX case_search_docs_tsv_idx ON case_search_docs USING gin (tsv)").run()
        try await database.raw("CREATE INDEX case_search_docs_trgm_idx ON case_search_docs USING gin (body public.gin_trgm_ops)").run()
    }

    public func dropCaseSearch(_ database: any SQLDatabase) async throws {
        try await database.raw("DROP TABLE IF EXISTS case_search_docs").run()
    }

    public var keysetTimeSelect: SQLQueryString { "CAST(EXTRACT(EPOCH FROM cases.created_at) * 1000000 AS BIGINT) AS keyset_time" }
    public func keysetTime(_ key: Double) -> SQLQueryString { "(TIMESTAMPTZ 'epoch' + \(bind: Int64(key)) * INTERVAL '1 microsecond')" }
    /// GIN indexes return matches unordered; PostgreSQL filters cases with `caseSearchCondition` and sorts by time.
    public func rankedCaseSearch(_ terms: SearchTerms, conditions: [SQLQueryString], after: Double?, limit: Int) -> SQLQueryString? { nil }

    public func caseSearchCondition(_ terms: SearchTerms) -> SQLQueryString {
        // Words as prefixes through the tsvector; a phrase of three or more characters also matches inside
        // words through the trigram index (Bangla suffixes, misspelt factory names).
        let phrase = terms.words.joined(separator: " ")
        if phrase.count >= 3 {
            let pattern = "%" + phrase.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            return "cases.id IN (SELECT case_id FROM case_search_docs WHERE tsv @@ to_tsquery('simple', \(bind: terms.tsQuery)) OR body ILIKE \(bind: pattern))"
        }
        return "cases.id IN (SELECT case_id FROM case_search_docs WHERE tsv @@ to_tsquery('simple', \(bind: terms.tsQuery)))"
    }
}

