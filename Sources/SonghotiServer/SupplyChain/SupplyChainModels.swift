import Fluent
import Foundation
import SQLKit
import SonghotiCore
import Vapor

// The supply-chain registry: the `factories` table (created with cases) gains the registry's fields here;
// names, identifiers, merges, brands, sourcing links, supplier-list imports, escalations to brands.

/// Registry fields of a factory, on the same `factories` table as `Factory` (a second model so the columns
/// that case intake needs stay small).
final class FactoryRecord: Model, @unchecked Sendable {
    static let schema = Factory.schema
    enum UnionPresence: String, CaseIterable, Codable, Sendable { case unknown, none, present, recognised }

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "normalised_name") var normalisedName: String
    @Field(key: "country") var country: String
    @Field(key: "address") var address: String
    @Field(key: "admin_division") var division: String
    @Field(key: "admin_district") var district: String
    @Field(key: "admin_upazila") var upazila: String
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @OptionalField(key: "os_id") var osID: String?
    @OptionalField(key: "worker_band") var workerBand: String?
    @Field(key: "products") var products: String
    @Field(key: "parent_company") var parentCompany: String
    @Field(key: "union_presence") var unionPresence: String
    @Field(key: "closed") var closed: Bool
    /// Set when this record was merged into another: every request for it goes to that factory instead.
    @OptionalField(key: "merged_into") var mergedInto: UUID?
    /// Where the record came from ("case intake", "supplier list …", "entered by hand").
    @Field(key: "source") var source: String
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    /// A new record (with its id) whose other registry fields start empty, union presence unknown, open.
    convenience init(name: String, country: String, address: String = "", source: String, by user: UUID?) {
        self.init()
        id = UUID()
        self.name = name
        normalisedName = FactoryNormaliser.normalisedName(name)
        self.country = country
        self.address = address
        (division, district, upazila, products, parentCompany) = ("", "", "", "", "")
        unionPresence = UnionPresence.unknown.rawValue
        closed = false
        self.source = source
        createdBy = user
    }
}

/// Another name a factory is known by: from a merge, an accepted import row, or entered by hand.
final class FactoryName: Model, @unchecked Sendable {
    static let schema = "factory_names"
    @ID(key: .id) var id: UUID?
    @Field(key: "factory_id") var factoryID: UUID
    @Field(key: "name") var name: String
    @Field(key: "normalised_name") var normalisedName: String
    @Field(key: "source") var source: String
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
    init(factoryID: UUID, name: String, source: String, by: UUID?) {
        self.factoryID = factoryID
        self.name = name
        self.normalisedName = FactoryNormaliser.normalisedName(name)
        self.source = source
        self.createdBy = by
    }
}

/// An identifier under a scheme: Accord/RSC, BGMEA/BKMEA membership, Better Factories Cambodia, or the
/// Open Supply Hub ID of a record merged into this one.
final class FactoryIdentifier: Model, @unchecked Sendable {
    static let schema = "factory_identifiers"
    enum Scheme: String, CaseIterable, Codable, Sendable { case openSupplyHub = "os_hub", accord, rsc, bgmea, bkmea, bfc, other }
    @ID(key: .id) var id: UUID?
    @Field(key: "factory_id") var factoryID: UUID
    @Field(key: "scheme") var scheme: String
    @Field(key: "value") var value: String
    @Field(key: "source") var source: String
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
    init(factoryID: UUID, scheme: Scheme, value: String, source: String, by: UUID?) {
        self.factoryID = factoryID
        self.scheme = scheme.rawValue
        self.value = value
        self.source = source
        self.createdBy = by
    }
}

/// One merge of a duplicate into a surviving factory, with exactly what moved so it can be undone.
final class FactoryMerge: Model, @unchecked Sendable {
    static let schema = "factory_merges"
    struct Moved: Codable, Sendable {
        var cases: [UUID] = []
        var links: [UUID] = []
        var names: [UUID] = []
        var identifiers: [UUID] = []
        /// Rows the merge itself created on the survivor (the duplicate's own name and OS ID as aliases).
        var created: [UUID] = []
    }
    @ID(key: .id) var id: UUID?
    @Field(key: "survivor_id") var survivorID: UUID
    @Field(key: "merged_id") var mergedID: UUID
    @Field(key: "moved") var moved: String
    @Field(key: "merged_by") var mergedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "undone_at") var undoneAt: Date?
    @OptionalField(key: "undone_by") var undoneBy: UUID?
    init() {}
}

final class Brand: Model, @unchecked Sendable {
    static let schema = "brands"
    enum PledgeAlignment: String, CaseIterable, Codable, Sendable { case unknown, full, partial, none }
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "normalised_name") var normalisedName: String
    /// One per line.
    @Field(key: "other_names") var otherNames: String
    @Field(key: "hq_country") var headquarters: String
    @Field(key: "website") var website: String
    @Field(key: "parent_company") var parentCompany: String
    @Field(key: "accord_signatory") var accordSignatory: Bool
    @Field(key: "accord_from") var accordFrom: String
    @Field(key: "accord_to") var accordTo: String
    @Field(key: "accord_source") var accordSource: String
    @Field(key: "pledge") var pledge: String
    @Field(key: "pledge_source") var pledgeSource: String
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var otherNameList: [String] { otherNames.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
}

/// A public commitment a brand made (to pay wages owed, fund severance, sign a binding agreement …), with its source.
final class BrandCommitment: Model, @unchecked Sendable {
    static let schema = "brand_commitments"
    enum Kind: String, CaseIterable, Codable, Sendable { case payWagesOwed = "pay_wages_owed", severanceFund = "severance_fund", bindingAgreement = "binding_agreement", payForOrders = "pay_for_orders", other }
    @ID(key: .id) var id: UUID?
    @Field(key: "brand_id") var brandID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "statement") var statement: String
    @Field(key: "made_on") var madeOn: String
    @Field(key: "source") var source: String
    @Field(key: "recorded_by") var recordedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// Evidence that a brand sources (or sourced) from a factory.
final class SourcingLink: Model, @unchecked Sendable {
    static let schema = "sourcing_links"
    enum Evidence: String, CaseIterable, Codable, Sendable {
        case publishedList = "published_list", label, shippingRecord = "shipping_record", workerTestimony = "worker_testimony", brandConfirmation = "brand_confirmation"
    }
    enum Confidence: String, CaseIterable, Codable, Sendable { case confirmed, likely, possible }
    @ID(key: .id) var id: UUID?
    @Field(key: "brand_id") var brandID: UUID
    @Field(key: "factory_id") var factoryID: UUID
    @Field(key: "evidence") var evidence: String
    /// "YYYY-MM" or "YYYY-MM-DD"; "" when unknown.
    @Field(key: "period_from") var periodFrom: String
    @Field(key: "period_to") var periodTo: String
    @Field(key: "confidence") var confidence: String
    @Field(key: "source_url") var sourceURL: String
    @Field(key: "source_note") var sourceNote: String
    @OptionalField(key: "import_id") var importID: UUID?
    /// A source document kept with the evidence (sealed on disk like case evidence).
    @OptionalField(key: "document_id") var documentID: UUID?
    @OptionalField(key: "recorded_by") var recordedBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// A document kept as the source of a sourcing link or with a brand's answer: sealed on disk, name sealed.
final class Document: Model, SealedFileRecord, @unchecked Sendable {
    static let schema = "documents"
    @ID(key: .id) var id: UUID?
    @Field(key: "filename") var filename: Data
    @Field(key: "media_type") var mediaType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "uploaded_by") var uploadedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

struct CreateSupplyChainDocuments: AsyncMigration {
    var name: String { "CreateSupplyChainDocuments" }
    func prepare(on database: any Database) async throws {
        try await database.schema(Document.schema)
            .id()
            .field("filename", .data, .required)
            .field("media_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("uploaded_by", .uuid, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(SourcingLink.schema).field("document_id", .uuid).update()
        try await database.schema(EscalationResponse.schema).field("document_id", .uuid).update()
    }
    func revert(on database: any Database) async throws { try await database.schema(Document.schema).delete() }
}

/// One supplier list brought in (dry runs are not stored).
final class SupplierImport: Model, @unchecked Sendable {
    static let schema = "supplier_imports"
    @ID(key: .id) var id: UUID?
    @Field(key: "filename") var filename: String
    @OptionalField(key: "brand_id") var brandID: UUID?
    @Field(key: "format") var format: String
    @Field(key: "matched") var matched: Int
    @Field(key: "review") var review: Int
    @Field(key: "created") var created: Int
    @Field(key: "rejected") var rejected: Int
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// Every row of an import with its outcome and reason; review rows wait here for a person's decision.
final class SupplierImportRow: Model, @unchecked Sendable {
    static let schema = "supplier_import_rows"
    enum Resolution: String, Codable, Sendable { case none, pending, accepted, rejected, newFactory = "new_factory" }
    @ID(key: .id) var id: UUID?
    @Field(key: "import_id") var importID: UUID
    @Field(key: "row") var row: Int
    @Field(key: "name") var name: String
    @Field(key: "address") var address: String
    @Field(key: "country") var country: String
    @OptionalField(key: "country_code") var countryCode: String?
    @OptionalField(key: "os_id") var osID: String?
    @Field(key: "outcome") var outcome: String
    @OptionalField(key: "factory_id") var factoryID: UUID?
    @OptionalField(key: "score") var score: Double?
    @Field(key: "reason") var reason: String
    /// JSON: the scored candidates for review rows.
    @Field(key: "candidates") var candidates: String
    /// JSON: the row's other fields (sector, products, parent company, worker band, coordinates).
    @Field(key: "details") var details: String
    @Field(key: "resolution") var resolution: String
    @OptionalField(key: "resolved_by") var resolvedBy: UUID?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    init() {}
}

/// A letter to a brand about a case. The letter's text is always sealed: it carries the case narrative.
final class Escalation: Model, @unchecked Sendable {
    static let schema = "escalations"
    enum Channel: String, CaseIterable, Codable, Sendable { case email, post, portal, meeting, other }
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "brand_id") var brandID: UUID
    @Field(key: "language") var language: String
    @Field(key: "letter_sealed") var letterSealed: Data
    @Field(key: "names_included") var namesIncluded: Int
    @Field(key: "channel") var channel: String
    @Field(key: "sent_on") var sentOn: String
    @Field(key: "deadline") var deadline: String
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    static func letterContext(_ id: UUID) -> FieldContext { FieldContext(table: schema, column: "letter_sealed", rowID: id.uuidString) }
}

final class EscalationResponse: Model, @unchecked Sendable {
    static let schema = "escalation_responses"
    @ID(key: .id) var id: UUID?
    @Field(key: "escalation_id") var escalationID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "on_date") var onDate: String
    @Field(key: "note") var note: String
    @Field(key: "document_url") var documentURL: String
    @OptionalField(key: "document_id") var documentID: UUID?
    @Field(key: "recorded_by") var recordedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// The organisation's letter template for one language.
final class LetterTemplateRecord: Model, @unchecked Sendable {
    static let schema = "letter_templates"
    @ID(custom: "language", generatedBy: .user) var id: String?
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @OptionalField(key: "updated_by") var updatedBy: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
    init(language: String, subject: String, body: String) { self.id = language; self.subject = subject; self.body = body }
}

struct CreateSupplyChain: AsyncMigration {
    var name: String { "CreateSupplyChain" }

    func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER TABLE statement.
        let added: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
            ("address", .string, [.required, .sql(.default(""))]),
            ("admin_division", .string, [.required, .sql(.default(""))]),
            ("admin_district", .string, [.required, .sql(.default(""))]),
            ("admin_upazila", .string, [.required, .sql(.default(""))]),
            ("latitude", .double, []),
            ("longitude", .double, []),
            ("os_id", .string, []),
            ("worker_band", .string, []),
            ("products", .string, [.required, .sql(.default(""))]),
            ("parent_company", .string, [.required, .sql(.default(""))]),
            ("union_presence", .string, [.required, .sql(.default("unknown"))]),
            ("closed", .bool, [.required, .sql(.default(false))]),
            ("merged_into", .uuid, []),
            ("source", .string, [.required, .sql(.default(""))]),
            ("created_by", .uuid, []),
            ("updated_at", .datetime, []),
        ]
        for (name, type, constraints) in added {
            try await database.schema(Factory.schema).field(.definition(name: .key(.string(name)), dataType: type, constraints: constraints)).update()
        }
        // NULL on claims recorded before the ledger existed: read as wages.
        try await database.schema(CaseWorkerLink.schema).field("owed_component", .string).update()
        let sql = database.sql
        // Factories made at case intake before the registry used a simpler comparison form: recompute it.
        for factory in try await FactoryRecord.query(on: database).all() {
            factory.normalisedName = FactoryNormaliser.normalisedName(factory.name)
            factory.source = "case intake"
            try await factory.save(on: database)
        }
        try await sql.create(index: "factories_os_id_idx").on(Factory.schema).column("os_id").run()
        try await sql.create(index: "factories_country_idx").on(Factory.schema).column("country").run()

        try await database.schema(FactoryName.schema)
            .id()
            .field("factory_id", .uuid, .required, .references(Factory.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("normalised_name", .string, .required)
            .field("source", .string, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .create()
        try await sql.create(index: "factory_names_factory_idx").on(FactoryName.schema).column("factory_id").run()
        try await sql.create(index: "factory_names_name_idx").on(FactoryName.schema).column("normalised_name").run()

        try await database.schema(FactoryIdentifier.schema)
            .id()
            .field("factory_id", .uuid, .required, .references(Factory.schema, "id", onDelete: .cascade))
            .field("scheme", .string, .required)
            .field("value", .string, .required)
            .field("source", .string, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .create()
        try await sql.create(index: "factory_identifiers_factory_idx").on(FactoryIdentifier.schema).column("factory_id").run()
        try await sql.create(index: "factory_identifiers_value_idx").on(FactoryIdentifier.schema).column("scheme").column("value").run()

        try await database.schema(FactoryMerge.schema)
            .id()
            .field("survivor_id", .uuid, .required, .references(Factory.schema, "id", onDelete: .restrict))
            .field("merged_id", .uuid, .required, .references(Factory.schema, "id", onDelete: .restrict))
            .field("moved", .string, .required)
            .field("merged_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .field("undone_at", .datetime)
            .field("undone_by", .uuid)
            .create()

        try await database.schema(Brand.schema)
            .id()
            .field("name", .string, .required)
            .field("normalised_name", .string, .required)
            .field("other_names", .string, .required)
            .field("hq_country", .string, .required)
            .field("website", .string, .required)
            .field("parent_company", .string, .required)
            .field("accord_signatory", .bool, .required)
            .field("accord_from", .string, .required)
            .field("accord_to", .string, .required)
            .field("accord_source", .string, .required)
            .field("pledge", .string, .required)
            .field("pledge_source", .string, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await sql.create(index: "brands_name_idx").on(Brand.schema).column("normalised_name").run()

        try await database.schema(BrandCommitment.schema)
            .id()
            .field("brand_id", .uuid, .required, .references(Brand.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("statement", .string, .required)
            .field("made_on", .string, .required)
            .field("source", .string, .required)
            .field("recorded_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .create()

        try await database.schema(SupplierImport.schema)
            .id()
            .field("filename", .string, .required)
            .field("brand_id", .uuid, .references(Brand.schema, "id", onDelete: .setNull))
            .field("format", .string, .required)
            .field("matched", .int, .required)
            .field("review", .int, .required)
            .field("created", .int, .required)
            .field("rejected", .int, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .create()

        try await database.schema(SourcingLink.schema)
            .id()
            .field("brand_id", .uuid, .required, .references(Brand.schema, "id", onDelete: .cascade))
            .field("factory_id", .uuid, .required, .references(Factory.schema, "id", onDelete: .cascade))
            .field("evidence", .string, .required)
            .field("period_from", .string, .required)
            .field("period_to", .string, .required)
            .field("confidence", .string, .required)
            .field("source_url", .string, .required)
            .field("source_note", .string, .required)
            .field("import_id", .uuid, .references(SupplierImport.schema, "id", onDelete: .setNull))
            .field("recorded_by", .uuid)
            .field("created_at", .datetime)
            .create()
        try await sql.create(index: "sourcing_links_factory_idx").on(SourcingLink.schema).column("factory_id").run()
        try await sql.create(index: "sourcing_links_brand_idx").on(SourcingLink.schema).column("brand_id").run()

        try await database.schema(SupplierImportRow.schema)
            .id()
            .field("import_id", .uuid, .required, .references(SupplierImport.schema, "id", onDelete: .cascade))
            .field("row", .int, .required)
            .field("name", .string, .required)
            .field("address", .string, .required)
            .field("country", .string, .required)
            .field("country_code", .string)
            .field("os_id", .string)
            .field("outcome", .string, .required)
            .field("factory_id", .uuid, .references(Factory.schema, "id", onDelete: .setNull))
            .field("score", .double)
            .field("reason", .string, .required)
            .field("candidates", .string, .required)
            .field("details", .string, .required)
            .field("resolution", .string, .required)
            .field("resolved_by", .uuid)
            .field("resolved_at", .datetime)
            .create()
        try await sql.create(index: "supplier_import_rows_import_idx").on(SupplierImportRow.schema).column("import_id").column("row").run()
        try await sql.create(index: "supplier_import_rows_resolution_idx").on(SupplierImportRow.schema).column("resolution").run()

        try await database.schema(Escalation.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id", onDelete: .cascade))
            .field("brand_id", .uuid, .required, .references(Brand.schema, "id", onDelete: .restrict))
            .field("language", .string, .required)
            .field("letter_sealed", .data, .required)
            .field("names_included", .int, .required)
            .field("channel", .string, .required)
            .field("sent_on", .string, .required)
            .field("deadline", .string, .required)
            .field("created_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .create()
        try await sql.create(index: "escalations_case_idx").on(Escalation.schema).column("case_id").run()
        try await sql.create(index: "escalations_brand_idx").on(Escalation.schema).column("brand_id").run()

        try await database.schema(EscalationResponse.schema)
            .id()
            .field("escalation_id", .uuid, .required, .references(Escalation.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("on_date", .string, .required)
            .field("note", .string, .required)
            .field("document_url", .string, .required)
            .field("recorded_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .create()
        try await sql.create(index: "escalation_responses_escalation_idx").on(EscalationResponse.schema).column("escalation_id").run()

        try await database.schema(LetterTemplateRecord.schema)
            .field("language", .string, .identifier(auto: false))
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("updated_by", .uuid)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [LetterTemplateRecord.schema, EscalationResponse.schema, Escalation.schema, SupplierImportRow.schema, SourcingLink.schema,
                       SupplierImport.schema, BrandCommitment.schema, Brand.schema, FactoryMerge.schema, FactoryIdentifier.schema, FactoryName.schema] {
            try await database.schema(schema).delete()
        }
    }
}
