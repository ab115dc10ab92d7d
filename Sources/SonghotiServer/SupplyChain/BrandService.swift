import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Brands, their public commitments, and sourcing links between brands and factories.
struct BrandService {
    let context: ChangeContext

    struct Input: Sendable {
        var name: String?
        var otherNames: [String]?
        var headquarters: String?
        var website: String?
        var parentCompany: String?
        var accordSignatory: Bool?
        var accordFrom: String?
        var accordTo: String?
        var accordSource: String?
        var pledge: String?
        var pledgeSource: String?
    }

    static func isDate(_ text: String) -> Bool { text.isEmpty || CalendarDate.parse(text) != nil }
    /// "YYYY-MM" or "YYYY-MM-DD" (periods are often only known to the month).
    static func isPeriod(_ text: String) -> Bool { text.isEmpty || CalendarDate.parse(text) != nil || CalendarDate.parse(text + "-01") != nil }

    static func normalisedName(_ name: String) -> String { FactoryNormaliser.normalisedName(name) }

    /// An http(s) address of at most `maximum` characters (website, evidence and answer documents).
    static func isWebAddress(_ text: String, maximum: Int = 500) -> Bool {
        (text.hasPrefix("https://") || text.hasPrefix("http://")) && text.count <= maximum
    }

    private func authorize(_ principal: Principal) throws {
        if case .deny(let why) = SupplyChainPolicy.decide(principal, .edit) { throw Abort(.forbidden, reason: why) }
    }

    private func validate(_ input: Input, creating: Bool) -> [String: String] {
        var fields: [String: String] = [:]
        let name = input.name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if creating || name != nil, (name ?? "").isEmpty || (name ?? "").count > 200 { fields["name"] = "form.error.required_short" }
        if let country = input.headquarters, !country.trimmingCharacters(in: .whitespaces).isEmpty, Countries.isoCode(for: country) == nil { fields["headquarters"] = "case.error.country" }
        if let website = input.website?.trimmingCharacters(in: .whitespaces), !website.isEmpty, !Self.isWebAddress(website, maximum: 300) {
            fields["website"] = "brand.error.url"
        }
        for (key, value) in [("accord_from", input.accordFrom), ("accord_to", input.accordTo)] where !Self.isDate(value ?? "") { fields[key] = "worker.error.date" }
        if let from = input.accordFrom, let to = input.accordTo, !from.isEmpty, !to.isEmpty, to < from { fields["accord_to"] = "case.error.date_order" }
        if let pledge = input.pledge, Brand.PledgeAlignment(rawValue: pledge) == nil { fields["pledge"] = "form.error.choose" }
        for (key, value) in [("accord_source", input.accordSource), ("pledge_source", input.pledgeSource), ("parent_company", input.parentCompany)] where (value?.count ?? 0) > 1000 {
            fields[key] = "form.error.too_long"
        }
        return fields
    }

    private func apply(_ input: Input, to brand: Brand) {
        func trimmed(_ value: String?) -> String? { value?.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let name = trimmed(input.name) { brand.name = name; brand.normalisedName = Self.normalisedName(name) }
        if let names = input.otherNames { brand.otherNames = names.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "\n") }
        if let hq = trimmed(input.headquarters) { brand.headquarters = hq.isEmpty ? "" : Countries.isoCode(for: hq) ?? "" }
        if let website = trimmed(input.website) { brand.website = website }
        if let parent = trimmed(input.parentCompany) { brand.parentCompany = parent }
        if let accord = input.accordSignatory { brand.accordSignatory = accord }
        if let from = trimmed(input.accordFrom) { brand.accordFrom = from }
        if let to = trimmed(input.accordTo) { brand.accordTo = to }
        if let source = trimmed(input.accordSource) { brand.accordSource = source }
        if let pledge = input.pledge { brand.pledge = pledge }
        if let source = trimmed(input.pledgeSource) { brand.pledgeSource = source }
    }

    func create(_ input: Input, principal: Principal) async throws -> Brand {
        try authorize(principal)
        let fields = validate(input, creating: true)
        guard fields.isEmpty else { throw Invalid(fields: fields) }
        let brand = Brand()
        (brand.otherNames, brand.headquarters, brand.website, brand.parentCompany) = ("", "", "", "")
        (brand.accordSignatory, brand.accordFrom, brand.accordTo, brand.accordSource) = (false, "", "", "")
        (brand.pledge, brand.pledgeSource) = (Brand.PledgeAlignment.unknown.rawValue, "")
        brand.createdBy = principal.userID
        apply(input, to: brand)
        let context = self.context
        try await context.write { db in
            try await brand.create(on: db)
            try await context.audit("brand.create", "brand", brand.id?.uuidString, on: db)
        }
        return brand
    }

    func update(_ brand: Brand, with input: Input, principal: Principal) async throws {
        try authorize(principal)
        let fields = validate(input, creating: false)
        guard fields.isEmpty else { throw Invalid(fields: fields) }
        apply(input, to: brand)
        let context = self.context
        try await context.write { db in
            try await brand.update(on: db)
            try await context.audit("brand.update", "brand", brand.id?.uuidString, on: db)
        }
    }

    struct CommitmentInput: Sendable { var kind = ""; var statement = ""; var madeOn = ""; var source = "" }

    func addCommitment(_ input: CommitmentInput, to brand: Brand, principal: Principal) async throws -> BrandCommitment {
        try authorize(principal)
        var fields: [String: String] = [:]
        if BrandCommitment.Kind(rawValue: input.kind) == nil { fields["kind"] = "form.error.choose" }
        let statement = input.statement.trimmingCharacters(in: .whitespacesAndNewlines)
        if statement.isEmpty || statement.count > 4000 { fields["statement"] = "form.error.required_short" }
        if input.madeOn.isEmpty || CalendarDate.parse(input.madeOn) == nil { fields["made_on"] = "worker.error.date" }
        let source = input.source.trimmingCharacters(in: .whitespacesAndNewlines)
        if source.isEmpty || source.count > 1000 { fields["source"] = "brand.error.source" }
        guard fields.isEmpty else { throw Invalid(fields: fields) }
        let commitment = BrandCommitment()
        commitment.brandID = try brand.requireID()
        commitment.kind = input.kind
        commitment.statement = statement
        commitment.madeOn = input.madeOn
        commitment.source = source
        commitment.recordedBy = principal.userID
        let context = self.context
        try await context.write { db in
            try await commitment.create(on: db)
            try await context.audit("brand.commitment", "brand", commitment.brandID.uuidString, on: db)
        }
        return commitment
    }

    struct LinkInput: Sendable {
        var brandID = ""
        var factoryID = ""
        var evidence = ""
        var periodFrom = ""
        var periodTo = ""
        var confidence = SourcingLink.Confidence.likely.rawValue
        var sourceURL = ""
        var sourceNote = ""
        /// A source document kept with the evidence (a photo of a label, a shipping record, a PDF list).
        var document: SupplyChainDocuments.Upload?
    }

    /// Records that a brand sources from a factory. The evidence needs a source: a URL or a note saying what it is.
    func link(_ input: LinkInput, principal: Principal) async throws -> SourcingLink {
        try authorize(principal)
        let db = context.app.db
        var fields: [String: String] = [:]
        let brand = try await UUID(uuidString: input.brandID).asyncFlatMap { try await Brand.find($0, on: db) }
        if brand == nil { fields["brand_id"] = "form.error.choose" }
        let factory = try await UUID(uuidString: input.factoryID).asyncFlatMap { try await FactoryService.live($0, on: db) }
        if factory == nil { fields["factory_id"] = "form.error.choose" }
        if SourcingLink.Evidence(rawValue: input.evidence) == nil { fields["evidence"] = "form.error.choose" }
        if SourcingLink.Confidence(rawValue: input.confidence) == nil { fields["confidence"] = "form.error.choose" }
        for (key, value) in [("period_from", input.periodFrom), ("period_to", input.periodTo)] where !Self.isPeriod(value.trimmingCharacters(in: .whitespaces)) {
            fields[key] = "link.error.period"
        }
        let url = input.sourceURL.trimmingCharacters(in: .whitespaces)
        let note = input.sourceNote.trimmingCharacters(in: .whitespacesAndNewlines)
        if !url.isEmpty, !Self.isWebAddress(url) { fields["source_url"] = "brand.error.url" }
        if url.isEmpty && note.isEmpty && input.document == nil { fields["source_note"] = "link.error.source" }
        if note.count > 2000 { fields["source_note"] = "form.error.too_long" }
        guard fields.isEmpty, let brand, let factory else { throw Invalid(fields: fields) }
        let link = SourcingLink()
        link.brandID = try brand.requireID()
        link.factoryID = try factory.requireID()
        link.evidence = input.evidence
        link.periodFrom = input.periodFrom.trimmingCharacters(in: .whitespaces)
        link.periodTo = input.periodTo.trimmingCharacters(in: .whitespaces)
        link.confidence = input.confidence
        link.sourceURL = url
        link.sourceNote = note
        link.recordedBy = principal.userID
        let documents = SupplyChainDocuments(context: context)
        let document = try documents.prepareIfGiven(input.document, principal: principal)
        link.documentID = document?.id
        let context = self.context
        try await documents.save(document) { db in
            try await link.create(on: db)
            try await context.audit("sourcing.link", "factory", link.factoryID.uuidString, on: db)
        }
        return link
    }
}
