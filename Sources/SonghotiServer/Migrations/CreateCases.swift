import Fluent
import SQLKit
import SonghotiCore

struct CreateCases: AsyncMigration {
    var name: String { "CreateCases" }

    func prepare(on database: any Database) async throws {
        try await database.schema(CaseCategory.schema)
            .field("key", .string, .identifier(auto: false))
            .field("restricted_by_default", .bool, .required)
            .field("active", .bool, .required)
            .create()
        for seed in CaseCategorySeed.all {
            try await CaseCategory(key: seed.key, restrictedByDefault: seed.restrictedByDefault).create(on: database)
        }
        try await database.schema(OrganisationSetting.schema)
            .field("key", .string, .identifier(auto: false))
            .field("value", .string, .required)
            .create()
        try await database.schema(Factory.schema)
            .id()
            .field("name", .string, .required)
            .field("normalised_name", .string, .required)
            .field("country", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(CaseFile.schema)
            .id()
            .field("reference", .string, .required)
            .field("office_id", .uuid, .required, .references(Office.schema, "id", onDelete: .restrict))
            .field("kind", .string, .required)
            .field("category", .string, .required, .references(CaseCategory.schema, "key", onDelete: .restrict))
            .field("channel", .string, .required)
            .field("urgency", .string, .required)
            .field("status", .string, .required)
            .field("restricted", .bool, .required)
            .field("summary", .string)
            .field("summary_sealed", .data)
            .field("factory_id", .uuid, .references(Factory.schema, "id", onDelete: .restrict))
            .field("incident_from", .string)
            .field("incident_to", .string)
            .field("country", .string, .required)
            .field("destination_country", .string)
            .field("recruiting_agency", .string)
            .field("outcome", .string)
            .field("closure_requested_outcome", .string)
            .field("closure_requested_by", .uuid)
            .field("first_response_due_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "reference")
            .create()
        try await database.schema(CaseWorkerLink.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id", onDelete: .cascade))
            .field("worker_id", .uuid, .required, .references(Worker.schema, "id", onDelete: .restrict))
            .field("claim", .string, .required)
            .unique(on: "case_id", "worker_id")
            .create()
        try await database.schema(CaseAssignee.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .unique(on: "case_id", "user_id")
            .create()
        try await database.schema(CaseTransition.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id", onDelete: .cascade))
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("outcome", .string)
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .create()
        try await database.schema(CaseAccessReason.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("reason", .data, .required)
            .field("created_at", .datetime)
            .create()
        let sql = database.sql
        try await sql.create(index: "cases_office_status_idx").on(CaseFile.schema).column("office_id").column("status").run()
        try await sql.create(index: "case_workers_worker_idx").on(CaseWorkerLink.schema).column("worker_id").run()
        try await sql.create(index: "case_assignees_user_idx").on(CaseAssignee.schema).column("user_id").run()
        try await sql.create(index: "factories_name_idx").on(Factory.schema).column("normalised_name").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [CaseAccessReason.schema, CaseTransition.schema, CaseAssignee.schema, CaseWorkerLink.schema, CaseFile.schema,
                       Factory.schema, OrganisationSetting.schema, CaseCategory.schema] {
            try await database.schema(schema).delete()
        }
    }
}
