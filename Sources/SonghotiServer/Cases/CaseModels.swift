import Fluent
import Foundation
import SonghotiCore

/// A grievance, individual or collective, from intake to remedy.
final class CaseFile: Model, @unchecked Sendable {
    static let schema = "cases"

    enum Kind: String, CaseIterable, Codable, Sendable { case individual, collective }

    @ID(key: .id) var id: UUID?
    @Field(key: "reference") var reference: String
    @Field(key: "office_id") var officeID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "category") var category: String
    @Field(key: "channel") var channel: String
    @Field(key: "urgency") var urgency: String
    @Field(key: "status") var status: String
    @Field(key: "restricted") var restricted: Bool
    /// The narrative in clear for ordinary cases (searchable later); nil when restricted.
    @OptionalField(key: "summary") var summary: String?
    /// The narrative sealed with the field cipher when the case is restricted.
    @OptionalField(key: "summary_sealed") var summarySealed: Data?
    @OptionalField(key: "factory_id") var factoryID: UUID?
    @OptionalField(key: "incident_from") var incidentFrom: String?
    @OptionalField(key: "incident_to") var incidentTo: String?
    @Field(key: "country") var country: String
    @OptionalField(key: "destination_country") var destinationCountry: String?
    @OptionalField(key: "recruiting_agency") var recruitingAgency: String?
    @OptionalField(key: "outcome") var outcome: String?
    @OptionalField(key: "closure_requested_outcome") var closureRequestedOutcome: String?
    @OptionalField(key: "closure_requested_by") var closureRequestedBy: UUID?
    @Field(key: "first_response_due_at") var firstResponseDueAt: Date
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var caseStatus: CaseStatus { CaseStatus(rawValue: status) ?? .new }

    static func summaryContext(_ id: UUID) -> FieldContext { FieldContext(table: schema, column: "summary_sealed", rowID: id.uuidString) }
}

final class CaseWorkerLink: Model, @unchecked Sendable {
    static let schema = "case_workers"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "worker_id") var workerID: UUID
    /// What this worker claims, in clear on ordinary cases ("" when restricted: see `claimSealed`).
    @Field(key: "claim") var claim: String
    @OptionalField(key: "claim_sealed") var claimSealed: Data?
    /// What the worker is owed: entered by the caseworker, or the total of a saved entitlement calculation.
    @OptionalField(key: "owed_minor") var owedMinor: Int64?
    @OptionalField(key: "owed_currency") var owedCurrency: String?
    /// What the owed amount is for (`OwedComponent`): wages, overtime, severance … (the wage-theft ledger groups by it).
    @OptionalField(key: "owed_component") var owedComponent: String?
    /// The saved entitlement calculation the owed amount comes from (nil once the amount is edited by hand).
    @OptionalField(key: "calculation_id") var calculationID: UUID?
    /// This worker's own outcome (a collective case can end differently for each worker).
    @OptionalField(key: "outcome") var outcome: String?
    init() {}
    init(caseID: UUID, workerID: UUID, claim: String) { self.caseID = caseID; self.workerID = workerID; self.claim = claim }

    var owed: Money? {
        guard let owedMinor, let owedCurrency else { return nil }
        return Money(minorUnits: owedMinor, currency: owedCurrency)
    }

    static func claimContext(_ id: UUID) -> FieldContext { FieldContext(table: schema, column: "claim_sealed", rowID: id.uuidString) }

    /// A worker's part of a case, if the worker is on it.
    static func find(caseID: UUID, workerID: UUID, on db: any Database) async throws -> CaseWorkerLink? {
        try await query(on: db).filter(\.$caseID == caseID).filter(\.$workerID == workerID).first()
    }
}

final class CaseAssignee: Model, @unchecked Sendable {
    static let schema = "case_assignees"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "user_id") var userID: UUID
    init() {}
    init(caseID: UUID, userID: UUID) { self.caseID = caseID; self.userID = userID }
}

final class CaseTransition: Model, @unchecked Sendable {
    static let schema = "case_transitions"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "from_status") var from: String
    @Field(key: "to_status") var to: String
    @OptionalField(key: "outcome") var outcome: String?
    @Field(key: "user_id") var userID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// A "break glass" opening of a restricted case: who, when, and the reason they gave (sealed: it may hold detail).
final class CaseAccessReason: Model, @unchecked Sendable {
    static let schema = "case_access_reasons"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "reason") var reason: Data
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    static func reasonContext(_ id: UUID) -> FieldContext { FieldContext(table: schema, column: "reason", rowID: id.uuidString) }
    /// How long a stated reason keeps a restricted case open for that person.
    static let validity: TimeInterval = 12 * 3600
}

/// An employer as far as case intake knows it; the supply-chain work enriches these records.
final class Factory: Model, @unchecked Sendable {
    static let schema = "factories"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "normalised_name") var normalisedName: String
    @Field(key: "country") var country: String
    /// Where the record came from (the registry's `FactoryRecord.source`); set for factories made at intake.
    @OptionalField(key: "source") var source: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    /// The registry's comparison form (`FactoryNormaliser`): case, punctuation, spelling variants and legal
    /// suffixes folded, so "ABANTI COLOR TEX LTD." and "Abanti Colour Tex" meet; unit numbers are kept.
    static func normalise(_ name: String) -> String { FactoryNormaliser.normalisedName(name) }
}

final class CaseCategory: Model, @unchecked Sendable {
    static let schema = "case_categories"
    @ID(custom: "key", generatedBy: .user) var id: String?
    @Field(key: "restricted_by_default") var restrictedByDefault: Bool
    @Field(key: "active") var active: Bool
    init() {}
    init(key: String, restrictedByDefault: Bool) { self.id = key; self.restrictedByDefault = restrictedByDefault; self.active = true }
}

/// Organisation-wide switches.
final class OrganisationSetting: Model, @unchecked Sendable {
    static let schema = "organisation_settings"
    @ID(custom: "key", generatedBy: .user) var id: String?
    @Field(key: "value") var value: String
    init() {}
    init(key: String, value: String) { self.id = key; self.value = value }

    static let closureApproval = "cases.closure_needs_approval"

    static func flag(_ key: String, on db: any Database) async throws -> Bool {
        try await find(key, on: db)?.value == "true"
    }
}
