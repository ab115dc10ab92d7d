import Fluent
import SQLKit

/// The foundation schema: organisation, offices, staff, sessions, tokens, audit log, key checks.
struct CreateFoundation: AsyncMigration {
    let dialect: any StorageDialect

    var name: String { "CreateFoundation" }

    func prepare(on database: any Database) async throws {
        try await database.schema(Organisation.schema)
            .id()
            .field("name", .string, .required)
            .field("created_at", .datetime)
            .create()

        try await database.schema(Office.schema)
            .id()
            .field("name", .string, .required)
            .field("code", .string, .required)
            .field("kind", .string, .required)
            .field("location", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()

        try await database.schema(User.schema)
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("office_id", .uuid, .references(Office.schema, "id", onDelete: .restrict))
            .field("language", .string, .required)
            .field("must_change_password", .bool, .required)
            .field("totp_secret", .data)
            .field("totp_last_step", .int64)
            .field("disabled_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email")
            .create()

        try await database.schema(WebSession.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .references(User.schema, "id", onDelete: .cascade))
            .field("stage", .string, .required)
            .field("csrf_token", .string, .required)
            .field("language", .string)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()

        try await database.schema(APIToken.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("prefix", .string, .required)
            .field("created_at", .datetime)
            .field("last_used_at", .datetime)
            .field("expires_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()

        try await database.schema(AuditRecord.schema)
            .field("sequence", .int64, .identifier(auto: false))
            .field("occurred_at_ms", .int64, .required)
            .field("actor_id", .string)
            .field("action", .string, .required)
            .field("resource_type", .string, .required)
            .field("resource_id", .string)
            .field("source_ip", .string)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .create()

        try await database.schema(AuditHead.schema)
            .field("id", .int, .identifier(auto: false))
            .field("sequence", .int64, .required)
            .field("hash", .string, .required)
            .create()

        try await database.schema(LoginThrottle.schema)
            .field("key", .string, .identifier(auto: false))
            .field("failures", .int, .required)
            .field("last_failure_at", .datetime, .required)
            .field("locked_until", .datetime)
            .create()

        try await database.schema(SetupToken.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()

        try await database.schema(KeyCheck.schema)
            .field("key_id", .int, .identifier(auto: false))
            .field("sealed", .data, .required)
            .field("created_at", .datetime, .required)
            .create()

        try await database.schema(RoleSetting.schema)
            .field("role", .string, .identifier(auto: false))
            .field("totp_required", .bool, .required)
            .create()

        let sql = database.sql
        try await sql.create(index: "sessions_last_seen_idx").on(WebSession.schema).column("last_seen_at").run()
        try await sql.create(index: "users_office_idx").on(User.schema).column("office_id").run()
        try await dialect.protectAuditLog(sql)
    }

    func revert(on database: any Database) async throws {
        try await dialect.unprotectAuditLog(database.sql)
        for schema in [RoleSetting.schema, KeyCheck.schema, SetupToken.schema, LoginThrottle.schema, AuditHead.schema,
                       AuditRecord.schema, APIToken.schema, WebSession.schema, User.schema, Office.schema, Organisation.schema] {
            try await database.schema(schema).delete()
        }
    }
}
