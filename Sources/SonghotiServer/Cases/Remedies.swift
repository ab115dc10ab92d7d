import Fluent
import Foundation
import SonghotiCore
import Vapor

/// What a worker (or all the case's workers) was promised or actually received.
final class RemedyItem: Model, @unchecked Sendable {
    static let schema = "remedy_items"

    enum Kind: String, CaseIterable, Codable, Sendable {
        case wagesPaid = "wages_paid", severancePaid = "severance_paid", reinstatement, benefitPaid = "benefit_paid", compensation, apology, policyChange = "policy_change"
    }
    enum Stage: String, CaseIterable, Codable, Sendable { case promised, delivered }
    enum Confirmation: String, CaseIterable, Codable, Sendable { case yes, no, unknown }

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    /// nil: for the case as a whole.
    @OptionalField(key: "worker_id") var workerID: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "stage") var stage: String
    @OptionalField(key: "amount_minor") var amountMinor: Int64?
    @OptionalField(key: "currency") var currency: String?
    /// Calendar date "YYYY-MM-DD".
    @Field(key: "on_date") var onDate: String
    @Field(key: "confirmed_by_worker") var confirmed: String
    /// In clear on ordinary cases ("" when the case is restricted: see `noteSealed`).
    @Field(key: "note") var note: String
    @OptionalField(key: "note_sealed") var noteSealed: Data?
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var money: Money? {
        guard let amountMinor, let currency else { return nil }
        return Money(minorUnits: amountMinor, currency: currency)
    }

    static func noteContext(_ id: UUID) -> FieldContext { FieldContext(table: schema, column: "note_sealed", rowID: id.uuidString) }

    func noteText(_ cipher: FieldCipher) throws -> String {
        try cipher.text(clear: note, sealed: noteSealed, context: Self.noteContext(try requireID()))
    }
}

struct CreateRemedies: AsyncMigration {
    var name: String { "CreateRemedies" }

    func prepare(on database: any Database) async throws {
        try await database.schema(RemedyItem.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id", onDelete: .cascade))
            .field("worker_id", .uuid, .references(Worker.schema, "id", onDelete: .restrict))
            .field("kind", .string, .required)
            .field("stage", .string, .required)
            .field("amount_minor", .int64)
            .field("currency", .string)
            .field("on_date", .string, .required)
            .field("confirmed_by_worker", .string, .required)
            .field("note", .string, .required)
            .field("created_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .create()
        try await database.sql.create(index: "remedy_items_case_idx").on(RemedyItem.schema).column("case_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RemedyItem.schema).delete()
    }
}

struct RemedyService {
    let context: ChangeContext

    struct Input: Sendable {
        var workerID: String = ""
        var kind = ""
        var stage = ""
        var amount = ""
        var currency = "BDT"
        var onDate = ""
        var confirmed = RemedyItem.Confirmation.unknown.rawValue
        var note = ""
    }

    /// Kinds that are money and need an amount; the others (reinstatement, apology, policy change) have none.
    static let monetary: Set<RemedyItem.Kind> = [.wagesPaid, .severancePaid, .benefitPaid, .compensation]

    func record(_ input: Input, on file: CaseFile, principal: Principal) async throws -> RemedyItem {
        var fields: [String: String] = [:]
        let kind = RemedyItem.Kind(rawValue: input.kind)
        if kind == nil { fields["kind"] = "form.error.choose" }
        if RemedyItem.Stage(rawValue: input.stage) == nil { fields["stage"] = "form.error.choose" }
        if RemedyItem.Confirmation(rawValue: input.confirmed) == nil { fields["confirmed"] = "form.error.choose" }
        if CalendarDate.parse(input.onDate) == nil { fields["on_date"] = "worker.error.date" }
        var workerID: UUID?
        if !input.workerID.isEmpty {
            workerID = UUID(uuidString: input.workerID)
            let db = self.context.app.db
            let linked = try await workerID.asyncFlatMap { id in
                try await CaseWorkerLink.query(on: db).filter(\.$caseID == file.requireID()).filter(\.$workerID == id).first()
            }
            if linked == nil { fields["worker_id"] = "form.error.choose" }
        }
        var money: Money?
        if let kind, Self.monetary.contains(kind) || !input.amount.trimmingCharacters(in: .whitespaces).isEmpty {
            do { money = try Money.parse(input.amount, currency: input.currency) } catch {
                fields[error == .unknownCurrency ? "currency" : "amount"] = error == .unknownCurrency ? "form.error.choose" : "remedy.error.amount"
            }
        }
        if input.note.count > 2000 { fields["note"] = "form.error.too_long" }
        guard fields.isEmpty, let kind else { throw Invalid(fields: fields) }
        let item = RemedyItem()
        let itemID = UUID()
        item.id = itemID
        item.caseID = try file.requireID()
        item.workerID = workerID
        item.kind = kind.rawValue
        item.stage = input.stage
        item.amountMinor = money?.minorUnits
        item.currency = money?.currency
        item.onDate = input.onDate
        item.confirmed = input.confirmed
        let placed = try context.app.fieldProtection.cipher.place(input.note.trimmingCharacters(in: .whitespacesAndNewlines), sealed: file.restricted,
                                                                  context: RemedyItem.noteContext(itemID))
        (item.note, item.noteSealed) = (placed.clear ?? "", placed.sealed)
        item.createdBy = principal.userID
        let context = self.context
        try await context.write { db in
            try await item.create(on: db)
            try await context.audit("remedy.create", "case", item.caseID.uuidString, on: db)
        }
        return item
    }

    struct Totals: Sendable, Equatable, Encodable {
        var promised: [String: Int64]
        var delivered: [String: Int64]
    }

    /// Promised and delivered money per currency for one case, or for every case of an office.
    static func totals(_ items: [RemedyItem]) -> Totals {
        Totals(promised: Money.totals(items.filter { $0.stage == RemedyItem.Stage.promised.rawValue }.compactMap(\.money)),
               delivered: Money.totals(items.filter { $0.stage == RemedyItem.Stage.delivered.rawValue }.compactMap(\.money)))
    }
}
