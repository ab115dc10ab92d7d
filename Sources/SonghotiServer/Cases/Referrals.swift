import Fluent
import Foundation
import SonghotiCore
import Vapor

/// A partner service in the organisation's directory.
final class Partner: Model, @unchecked Sendable {
    static let schema = "partners"

    enum Kind: String, CaseIterable, Codable, Sendable {
        case legalAid = "legal_aid", shelter, psychosocial, embassy, iom, government, union, other
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @Field(key: "contact") var contact: String
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// A worker referred from a case to a partner.
final class Referral: Model, @unchecked Sendable {
    static let schema = "referrals"

    enum Status: String, CaseIterable, Codable, Sendable { case sent, accepted, declined, completed }

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "worker_id") var workerID: UUID
    @Field(key: "partner_id") var partnerID: UUID
    @Field(key: "status") var status: String
    /// Calendar date "YYYY-MM-DD".
    @OptionalField(key: "follow_up_on") var followUpOn: String?
    /// In clear on ordinary cases ("" when the case is restricted: see `feedbackSealed`).
    @Field(key: "feedback") var feedback: String
    @OptionalField(key: "feedback_sealed") var feedbackSealed: Data?
    /// Set when a coordinator referred without the worker's consent; the reason is sealed.
    @OptionalField(key: "override_by") var overrideBy: UUID?
    @OptionalField(key: "override_reason") var overrideReason: Data?
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    static func reasonContext(_ id: UUID) -> FieldContext { FieldContext(table: schema, column: "override_reason", rowID: id.uuidString) }
    static func feedbackContext(_ id: UUID) -> FieldContext { FieldContext(table: schema, column: "feedback_sealed", rowID: id.uuidString) }

    func feedbackText(_ cipher: FieldCipher) throws -> String {
        try cipher.text(clear: feedback, sealed: feedbackSealed, context: Self.feedbackContext(try requireID()))
    }
}

struct CreateReferrals: AsyncMigration {
    var name: String { "CreateReferrals" }

    func prepare(on database: any Database) async throws {
        try await database.schema(Partner.schema)
            .id()
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("contact", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(Referral.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id", onDelete: .cascade))
            .field("worker_id", .uuid, .required, .references(Worker.schema, "id", onDelete: .restrict))
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id", onDelete: .restrict))
            .field("status", .string, .required)
            .field("follow_up_on", .string)
            .field("feedback", .string, .required)
            .field("override_by", .uuid, .references(User.schema, "id", onDelete: .restrict))
            .field("override_reason", .data)
            .field("created_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.sql.create(index: "referrals_case_idx").on(Referral.schema).column("case_id").run()
        try await database.sql.create(index: "referrals_follow_up_idx").on(Referral.schema).column("status").column("follow_up_on").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Referral.schema).delete()
        try await database.schema(Partner.schema).delete()
    }
}

/// Referring workers to partners, with consent enforced: the worker must have agreed to referral to this
/// partner, or a coordinator overrides with a written reason (audited).
struct ReferralService {
    let context: ChangeContext

    /// Consent names the partner in free text; compare names the way people type them.
    static func partnerKey(_ name: String) -> String { name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }

    struct ConsentRequired: Error {
        let refusal: ConsentRefusal
    }

    func refer(file: CaseFile, workerID: UUID, partnerID: UUID, followUpOn: String, overrideReason: String?, principal: Principal) async throws -> Referral {
        let db = context.app.db
        var fields: [String: String] = [:]
        let linked = try await CaseWorkerLink.query(on: db).filter(\.$caseID == file.requireID()).filter(\.$workerID == workerID).count() > 0
        let worker = try await Worker.find(workerID, on: db)
        if !linked || worker == nil { fields["worker_id"] = "form.error.choose" }
        let partner = try await Partner.find(partnerID, on: db)
        if partner?.active != true { fields["partner_id"] = "form.error.choose" }
        if !followUpOn.isEmpty, CalendarDate.parse(followUpOn) == nil { fields["follow_up_on"] = "worker.error.date" }
        guard fields.isEmpty, let worker, let partner else { throw Invalid(fields: fields) }

        // The consent check: the one rule in Core, fed with this worker's records.
        let records = try await WorkerConsent.query(on: db).filter(\.$workerID == workerID).all().compactMap(\.record)
            .map { record -> ConsentRecord in
                var copy = record
                copy.partner = record.partner.map(Self.partnerKey)
                return copy
            }
        let today = CalendarDate.parse(CalendarDate.today(in: context.app.songhotiSettings.timeZone)) ?? Date()
        let override = overrideReason.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : ConsentOverride(principal: principal, reason: $0) }
        let decision = ConsentRules.check(records, purpose: .referral, partner: Self.partnerKey(partner.name), at: today, override: override)
        let referral = Referral()
        let id = UUID()
        referral.id = id
        switch decision {
        case .refused(let refusal): throw ConsentRequired(refusal: refusal)
        case .consented: break
        case .overridden(let by, let reason):
            referral.overrideBy = by
            referral.overrideReason = try context.app.fieldProtection.cipher.seal(reason, context: Referral.reasonContext(id))
        }
        referral.caseID = try file.requireID()
        referral.workerID = try worker.requireID()
        referral.partnerID = try partner.requireID()
        referral.status = Referral.Status.sent.rawValue
        referral.followUpOn = followUpOn.isEmpty ? nil : followUpOn
        referral.feedback = ""
        referral.createdBy = principal.userID
        let context = self.context
        let overridden = referral.overrideBy != nil
        try await context.write { db in
            try await referral.create(on: db)
            try await context.audit("referral.create", "case", referral.caseID.uuidString, on: db)
            if overridden { try await context.audit("consent.override", "worker", referral.workerID.uuidString, on: db) }
        }
        return referral
    }

    func update(_ referral: Referral, of file: CaseFile, status raw: String, feedback: String) async throws {
        guard let status = Referral.Status(rawValue: raw) else { throw Invalid(fields: ["status": "form.error.choose"]) }
        guard feedback.count <= 5000 else { throw Invalid(fields: ["feedback": "form.error.too_long"]) }
        referral.status = status.rawValue
        let placed = try context.app.fieldProtection.cipher.place(feedback.trimmingCharacters(in: .whitespacesAndNewlines), sealed: file.restricted,
                                                                  context: Referral.feedbackContext(try referral.requireID()))
        (referral.feedback, referral.feedbackSealed) = (placed.clear ?? "", placed.sealed)
        let context = self.context
        try await context.write { db in
            try await referral.update(on: db)
            try await context.audit("referral.update", "case", referral.caseID.uuidString, on: db)
        }
    }

    static func refusalKey(_ refusal: ConsentRefusal) -> String {
        switch refusal {
        case .neverGiven: "referral.error.no_consent"
        case .withdrawn: "referral.error.withdrawn"
        case .otherPartnerOnly: "referral.error.other_partner"
        case .overrideNotPermitted: "referral.error.override_role"
        case .overrideReasonTooShort: "referral.error.override_reason"
        }
    }
}
