import Fluent
import SQLKit

/// Workers, their consents, and named counters (worker codes; case numbers later).
struct CreateWorkers: AsyncMigration {
    var name: String { "CreateWorkers" }

    func prepare(on database: any Database) async throws {
        try await database.schema("counters")
            .field("name", .string, .identifier(auto: false))
            .field("value", .int64, .required)
            .create()

        try await database.schema(Worker.schema)
            .id()
            .field("code_number", .int, .required)
            .field("office_id", .uuid, .required, .references(Office.schema, "id", onDelete: .restrict))
            .field("sex", .string, .required)
            .field("birth_year", .int)
            .field("district", .string, .required)
            .field("upazila", .string, .required)
            .field("occupation", .string, .required)
            .field("grade", .string, .required)
            .field("migrant_status", .string, .required)
            .field("languages", .string, .required)
            .field("full_name", .data, .required)
            .field("phone", .data)
            .field("national_id", .data)
            .field("address", .data)
            .field("birth_date", .data)
            .field("phone_index", .string)
            .field("national_id_index", .string)
            .field("created_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code_number")
            .create()

        try await database.schema(WorkerConsent.schema)
            .id()
            .field("worker_id", .uuid, .required, .references(Worker.schema, "id", onDelete: .cascade))
            .field("purpose", .string, .required)
            .field("partner", .string)
            .field("given_on", .string, .required)
            .field("method", .string, .required)
            .field("recorded_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("withdrawn_on", .string)
            .field("withdrawn_by", .uuid, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .create()

        let sql = database.sql
        try await sql.create(index: "workers_phone_index_idx").on(Worker.schema).column("phone_index").run()
        try await sql.create(index: "workers_national_id_index_idx").on(Worker.schema).column("national_id_index").run()
        try await sql.create(index: "workers_office_idx").on(Worker.schema).column("office_id").run()
        try await sql.create(index: "worker_consents_worker_idx").on(WorkerConsent.schema).column("worker_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WorkerConsent.schema).delete()
        try await database.schema(Worker.schema).delete()
        try await database.schema("counters").delete()
    }
}

/// Named counters, incremented atomically in the caller's transaction (a row lock on PostgreSQL, the
/// writer gate on SQLite), so two instances never hand out the same number.
enum Counters {
    static func next(_ name: String, on db: any Database) async throws -> Int {
        let sql = db.sql
        try await sql.raw("INSERT INTO counters (name, value) VALUES (\(bind: name), 0) ON CONFLICT (name) DO NOTHING").run()
        guard let row = try await sql.raw("UPDATE counters SET value = value + 1 WHERE name = \(bind: name) RETURNING value").first() else {
            throw CounterError.missing(name)
        }
        return Int(try row.decode(column: "value", as: Int64.self))
    }

    enum CounterError: Error { case missing(String) }
}
