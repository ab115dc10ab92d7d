import Fluent
import Foundation
import SonghotiCore
import Vapor

/// One entry on a case's timeline: a note, call, meeting, letter, hearing or counselling session.
final class CaseEvent: Model, @unchecked Sendable {
    static let schema = "case_events"

    enum Kind: String, CaseIterable, Codable, Sendable { case note, call, meeting, letter, hearing, counselling }

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "occurred_at") var occurredAt: Date
    /// In clear for ordinary cases; nil when the case is restricted.
    @OptionalField(key: "body") var body: String?
    @OptionalField(key: "body_sealed") var bodySealed: Data?
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "edited") var edited: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

/// The text an event had before each edit, so the timeline's history is never lost.
final class CaseEventRevision: Model, @unchecked Sendable {
    static let schema = "case_event_revisions"
    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: UUID
    @OptionalField(key: "body") var body: String?
    @OptionalField(key: "body_sealed") var bodySealed: Data?
    @Field(key: "edited_by") var editedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

struct CreateCaseEvents: AsyncMigration {
    var name: String { "CreateCaseEvents" }

    func prepare(on database: any Database) async throws {
        try await database.schema(CaseEvent.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("body", .string)
            .field("body_sealed", .data)
            .field("author_id", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("edited", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(CaseEventRevision.schema)
            .id()
            .field("event_id", .uuid, .required, .references(CaseEvent.schema, "id", onDelete: .cascade))
            .field("body", .string)
            .field("body_sealed", .data)
            .field("edited_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .create()
        try await database.sql.create(index: "case_events_case_idx").on(CaseEvent.schema).column("case_id").column("occurred_at").run()
        try await database.sql.create(index: "case_event_revisions_event_idx").on(CaseEventRevision.schema).column("event_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CaseEventRevision.schema).delete()
        try await database.schema(CaseEvent.schema).delete()
    }
}

/// Adding, editing and reading timeline entries; restricted cases keep every text sealed.
struct CaseTimeline {
    let context: ChangeContext
    var cipher: FieldCipher { context.app.fieldProtection.cipher }

    static func eventContext(_ id: UUID) -> FieldContext { FieldContext(table: CaseEvent.schema, column: "body_sealed", rowID: id.uuidString) }
    static func revisionContext(_ id: UUID) -> FieldContext { FieldContext(table: CaseEventRevision.schema, column: "body_sealed", rowID: id.uuidString) }

    struct Entry: Sendable, Encodable {
        let id: UUID
        let kind: String
        let occurredAt: Date
        let body: String
        let authorID: UUID
        let edited: Bool
        let history: [String]
    }

    private func validate(kind: String, body raw: String, occurredAt: Date?) throws -> (CaseEvent.Kind, String, Date) {
        var fields: [String: String] = [:]
        let kind = CaseEvent.Kind(rawValue: kind)
        if kind == nil { fields["kind"] = "form.error.choose" }
        let body = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.isEmpty || body.count > 20_000 { fields["body"] = "case.error.summary" }
        if occurredAt == nil { fields["occurred_at"] = "event.error.when" }
        if let occurredAt, occurredAt > Date().addingTimeInterval(3600) { fields["occurred_at"] = "event.error.future" }
        guard fields.isEmpty, let kind, let occurredAt else { throw Invalid(fields: fields) }
        return (kind, body, occurredAt)
    }

    func add(to file: CaseFile, kind rawKind: String, body rawBody: String, occurredAt: Date?, principal: Principal) async throws -> CaseEvent {
        let (kind, body, when) = try validate(kind: rawKind, body: rawBody, occurredAt: occurredAt)
        let event = CaseEvent()
        let id = UUID()
        event.id = id
        event.caseID = try file.requireID()
        event.kind = kind.rawValue
        event.occurredAt = when
        event.authorID = principal.userID
        event.edited = false
        (event.body, event.bodySealed) = try cipher.place(body, sealed: file.restricted, context: Self.eventContext(id))
        let context = self.context
        try await context.write { db in
            try await event.create(on: db)
            try await CaseSearchIndex.refresh(file, on: db)
            try await context.audit("case.event_add", "case", event.caseID.uuidString, on: db)
        }
        return event
    }

    /// Replaces the text, keeping the previous text as a revision.
    func edit(_ event: CaseEvent, of file: CaseFile, body rawBody: String, principal: Principal) async throws {
        let (_, body, _) = try validate(kind: event.kind, body: rawBody, occurredAt: event.occurredAt)
        let revision = CaseEventRevision()
        let revisionID = UUID()
        revision.id = revisionID
        revision.eventID = try event.requireID()
        revision.editedBy = principal.userID
        let previous = try text(of: event)
        (revision.body, revision.bodySealed) = try cipher.place(previous, sealed: file.restricted, context: Self.revisionContext(revisionID))
        (event.body, event.bodySealed) = try cipher.place(body, sealed: file.restricted, context: Self.eventContext(try event.requireID()))
        event.edited = true
        let context = self.context
        try await context.write { db in
            try await revision.create(on: db)
            try await event.update(on: db)
            try await CaseSearchIndex.refresh(file, on: db)
            try await context.audit("case.event_edit", "case", event.caseID.uuidString, on: db)
        }
    }

    func text(of event: CaseEvent) throws -> String {
        try cipher.text(clear: event.body, sealed: event.bodySealed, context: Self.eventContext(try event.requireID()))
    }

    func entries(of file: CaseFile, on db: any Database) async throws -> [Entry] {
        let events = try await CaseEvent.query(on: db).filter(\.$caseID == file.requireID()).sort(\.$occurredAt, .descending).all()
        var result: [Entry] = []
        for event in events {
            let id = try event.requireID()
            let revisions = event.edited ? try await CaseEventRevision.query(on: db).filter(\.$eventID == id).sort(\.$createdAt).all() : []
            let history = try revisions.map { revision in
                try cipher.text(clear: revision.body, sealed: revision.bodySealed, context: Self.revisionContext(try revision.requireID()))
            }
            result.append(Entry(id: id, kind: event.kind, occurredAt: event.occurredAt, body: try text(of: event), authorID: event.authorID, edited: event.edited, history: history))
        }
        return result
    }
}
