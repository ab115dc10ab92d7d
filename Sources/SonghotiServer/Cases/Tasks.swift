import Fluent
import Foundation
import SonghotiCore
import Vapor

/// A follow-up with a due date and an assignee.
final class CaseTask: Model, @unchecked Sendable {
    static let schema = "tasks"

    enum Kind: String, CaseIterable, Codable, Sendable { case followUp = "follow_up", retaliationCheck = "retaliation_check" }

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    /// Calendar date "YYYY-MM-DD".
    @Field(key: "due_on") var dueOn: String
    @Field(key: "assignee_id") var assigneeID: UUID
    @OptionalField(key: "done_at") var doneAt: Date?
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

struct CreateTasks: AsyncMigration {
    var name: String { "CreateTasks" }
    func prepare(on database: any Database) async throws {
        try await database.schema(CaseTask.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("due_on", .string, .required)
            .field("assignee_id", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("done_at", .datetime)
            .field("created_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .create()
        try await database.sql.create(index: "tasks_assignee_due_idx").on(CaseTask.schema).column("assignee_id").column("due_on").run()
        try await database.sql.create(index: "tasks_case_idx").on(CaseTask.schema).column("case_id").run()
    }
    func revert(on database: any Database) async throws { try await database.schema(CaseTask.schema).delete() }
}

enum CaseTasks {
    /// Days after resolution at which someone asks the worker whether they faced retaliation (the helplines' practice).
    static let retaliationCheckDays = [30, 90]

    static func add(caseID: UUID, kind: CaseTask.Kind, title: String, dueOn: String, assignee: UUID, by creator: UUID, on db: any Database) async throws -> CaseTask {
        let task = CaseTask()
        task.caseID = caseID
        task.kind = kind.rawValue
        task.title = title
        task.dueOn = dueOn
        task.assigneeID = assignee
        task.createdBy = creator
        try await task.create(on: db)
        return task
    }

    /// Creates the 30- and 90-day retaliation check-ins when a case is resolved, for its first assignee.
    static func scheduleRetaliationChecks(for file: CaseFile, resolvedOn date: Date, by user: UUID, on db: any Database) async throws {
        let caseID = try file.requireID()
        let assignee = try await CaseAssignee.query(on: db).filter(\.$caseID == caseID).first()?.userID ?? user
        for days in retaliationCheckDays {
            let due = CalendarDate.format(date.addingTimeInterval(Double(days) * 86_400))
            _ = try await add(caseID: caseID, kind: .retaliationCheck, title: "", dueOn: due, assignee: assignee, by: user, on: db)
        }
    }
}
