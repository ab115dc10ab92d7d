import Fluent
import Foundation
import SQLKit
import SonghotiCore
import Vapor

/// `/factories`: the registry in the browser, the factory page, merging duplicates.
struct FactoriesWebController: RouteCollection {
    typealias Option = SupplyChainWeb.Option

    func boot(routes: any RoutesBuilder) throws {
        let factories = routes.grouped("factories")
        factories.get(use: list)
        factories.get("new", use: newForm)
        factories.post(use: create)
        factories.get(":factoryID", use: show)
        factories.get(":factoryID", "edit", use: editForm)
        factories.post(":factoryID", use: update)
        factories.on(.POST, ":factoryID", "links", body: .collect(maxSize: ByteCount(integerLiteral: BodyLimit.uploadBytes)), use: addLink)
        routes.get("documents", ":documentID") { try await SupplyChainDocuments.download($0) }
        factories.post(":factoryID", "merge", use: merge)
        routes.post("factory-merges", ":mergeID", "undo", use: undo)
    }

    // MARK: list

    struct ListRow: Encodable { let id: String; let name: String; let country: String; let osID: String; let address: String; let closed: Bool }
    struct ListView: Encodable { let rows: [ListRow]; let hasRows: Bool; let q: String; let country: String; let countries: [Option]; let canEdit: Bool; let next: String?; let previous: String? }

    /// Factories whose name, other name or OS ID matches the search (normalised), 50 to a page.
    func list(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .view)
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        let country = (req.query[String.self, at: "country"] ?? "").uppercased()
        let page = max(0, req.query[Int.self, at: "page"] ?? 0)
        let found = try await Self.search(q: q, country: country, offset: page * 50, limit: 51, on: req.db)
        let rows = found.prefix(50).map { ListRow(id: $0.id!.uuidString, name: $0.name, country: $0.country, osID: $0.osID ?? "", address: $0.address, closed: $0.closed) }
        func link(_ page: Int) -> String {
            var parts = ["page=\(page)"]
            if !q.isEmpty { parts.append("q=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
            if !country.isEmpty { parts.append("country=\(country)") }
            return "/factories?" + parts.joined(separator: "&")
        }
        let view = ListView(rows: Array(rows), hasRows: !rows.isEmpty, q: q, country: country,
                            countries: [Option(value: "", label: req.t("factories.any_country"), selected: country.isEmpty)] + SupplyChainWeb.countryOptions(country),
                            canEdit: SupplyChainWeb.can(req, .edit), next: found.count > 50 ? link(page + 1) : nil, previous: page > 0 ? link(page - 1) : nil)
        return try await req.page("factories", titleKey: "factories.title", view)
    }

    static func search(q: String, country: String, offset: Int, limit: Int, on db: any Database) async throws -> [FactoryRecord] {
        var query = FactoryRecord.query(on: db).filter(\.$mergedInto == nil)
        if !country.isEmpty { query = query.filter(\.$country == country) }
        if let osID = OpenSupplyHubID.normalise(q) {
            let viaAlias = try await FactoryIdentifier.query(on: db).filter(\.$value == osID).all().map(\.factoryID)
            query = query.group(.or) { $0.filter(\.$osID == osID).filter(\.$id ~~ viaAlias) }
        } else if !q.isEmpty {
            let key = FactoryNormaliser.normalisedName(q)
            let pattern = "%" + key.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            let viaAlias = try await FactoryName.query(on: db).filter(\.$normalisedName, .custom("LIKE"), pattern).limit(500).all().map(\.factoryID)
            query = query.group(.or) { $0.filter(\.$normalisedName, .custom("LIKE"), pattern).filter(\.$id ~~ viaAlias) }
        }
        return try await query.sort(\.$name).sort(\.$id).range(offset..<(offset + limit)).all()
    }

    // MARK: form

    struct FormValues: Encodable {
        var name = "", otherNames = "", address = "", country = "BD", division = "", district = "", upazila = ""
        var latitude = "", longitude = "", osID = "", identifiers = "", workerBand = "", products = "", parentCompany = ""
        var unionPresence = "unknown", closed = false, source = ""
    }
    struct FormView: Encodable {
        let id: String?; let form: FormValues; let countries: [Option]; let bands: [Option]; let unions: [Option]; let schemes: String; let errors: [String: String]
    }

    private func formView(_ req: Request, id: UUID?, _ form: FormValues, errors: [String: String] = [:]) -> FormView {
        FormView(id: id?.uuidString, form: form, countries: SupplyChainWeb.countryOptions(form.country),
                 bands: [Option(value: "", label: req.t("factory.band.unknown"), selected: form.workerBand.isEmpty)]
                    + CasesWebController.options(WorkerCountBand.allCases, req, key: { "factory.band.\($0.rawValue)" }, selected: form.workerBand),
                 unions: CasesWebController.options(FactoryRecord.UnionPresence.allCases, req, key: { "factory.union.\($0.rawValue)" }, selected: form.unionPresence),
                 schemes: FactoryIdentifier.Scheme.allCases.map(\.rawValue).joined(separator: ", "), errors: errors)
    }

    private func formValues(_ req: Request) -> FormValues {
        let f = { SupplyChainWeb.form(req, $0) }
        return FormValues(name: f("name"), otherNames: f("other_names"), address: f("address"), country: f("country"), division: f("division"),
                          district: f("district"), upazila: f("upazila"), latitude: f("latitude"), longitude: f("longitude"), osID: f("os_id"),
                          identifiers: f("identifiers"), workerBand: f("worker_band"), products: f("products"), parentCompany: f("parent_company"),
                          unionPresence: f("union_presence").isEmpty ? FactoryRecord.UnionPresence.unknown.rawValue : f("union_presence"), closed: f("closed") == "on", source: f("source"))
    }

    private func input(_ form: FormValues) -> FactoryService.Input {
        FactoryService.Input(name: form.name, otherNames: SupplyChainWeb.lines(form.otherNames), address: form.address, country: form.country,
                             division: form.division, district: form.district, upazila: form.upazila, latitude: form.latitude, longitude: form.longitude,
                             osID: form.osID, identifiers: SupplyChainWeb.lines(form.identifiers), workerBand: form.workerBand, products: form.products,
                             parentCompany: form.parentCompany, unionPresence: form.unionPresence, closed: form.closed, source: form.source.isEmpty ? nil : form.source)
    }

    func newForm(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .edit)
        return try await req.page("factory-form", titleKey: "factory.new", formView(req, id: nil, FormValues()))
    }

    func create(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .edit)
        let form = formValues(req)
        do {
            let factory = try await FactoryService(context: req.change).create(input(form), principal: principal)
            return req.seeOther("/factories/\(try factory.requireID())?notice=factory_saved")
        } catch let invalid as Invalid {
            return try await req.page("factory-form", titleKey: "factory.new", formView(req, id: nil, form, errors: invalid.translated(req)), status: .unprocessableEntity)
        }
    }

    enum Loaded { case found(FactoryRecord), moved(Response) }

    /// The live factory, or a permanent redirect when the id was merged into another.
    private func load(_ req: Request, suffix: String = "") async throws -> Loaded {
        guard let id = req.parameters.get("factoryID", as: UUID.self), let factory = try await FactoryService.live(id, on: req.db) else { throw Abort(.notFound) }
        if factory.id != id { return .moved(req.redirect(to: "/factories/\(factory.id!)\(suffix)", redirectType: .permanent)) }
        return .found(factory)
    }

    func editForm(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .edit)
        let factory: FactoryRecord
        switch try await load(req, suffix: "/edit") { case .found(let f): factory = f; case .moved(let r): return r }
        let id = try factory.requireID()
        let names = try await FactoryName.query(on: req.db).filter(\.$factoryID == id).filter(\.$source == "entered by hand").all().map(\.name)
        let identifiers = try await FactoryIdentifier.query(on: req.db).filter(\.$factoryID == id).filter(\.$source == "entered by hand").all().map { "\($0.scheme):\($0.value)" }
        let form = FormValues(name: factory.name, otherNames: names.joined(separator: "\n"), address: factory.address, country: factory.country,
                              division: factory.division, district: factory.district, upazila: factory.upazila,
                              latitude: factory.latitude.map { String($0) } ?? "", longitude: factory.longitude.map { String($0) } ?? "",
                              osID: factory.osID ?? "", identifiers: identifiers.joined(separator: "\n"), workerBand: factory.workerBand ?? "",
                              products: factory.products, parentCompany: factory.parentCompany, unionPresence: factory.unionPresence, closed: factory.closed, source: factory.source)
        return try await req.page("factory-form", titleKey: "factory.edit", formView(req, id: id, form))
    }

    func update(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .edit)
        let factory: FactoryRecord
        switch try await load(req) { case .found(let f): factory = f; case .moved: throw Abort(.conflict, reason: "This factory was merged into another.") }
        let form = formValues(req)
        do {
            try await FactoryService(context: req.change).update(factory, with: input(form), principal: principal)
            return req.seeOther("/factories/\(try factory.requireID())?notice=factory_saved")
        } catch let invalid as Invalid {
            return try await req.page("factory-form", titleKey: "factory.edit", formView(req, id: factory.id, form, errors: invalid.translated(req)), status: .unprocessableEntity)
        }
    }

    // MARK: page

    struct Fact: Encodable { let label: String; let value: String }
    struct CountRow: Encodable { let label: String; let count: Int }
    struct CaseRow: Encodable { let id: String; let reference: String; let category: String; let status: String }
    struct LinkRow: Encodable { let brandID: String; let brand: String; let evidence: String; let period: String; let confidence: String; let sourceURL: String; let sourceNote: String; let documentID: String?; let recorded: String }
    struct MergeRow: Encodable { let id: String; let mergedID: String; let name: String; let when: String; let undone: Bool }
    struct LinkForm: Encodable { var brandID = "", evidence = "", periodFrom = "", periodTo = "", confidence = "likely", sourceURL = "", sourceNote = "" }
    struct PageView: Encodable {
        let id: String; let name: String; let facts: [Fact]; let otherNames: [String]; let identifiers: [Fact]
        let byCategory: [CountRow]; let byStatus: [CountRow]; let cases: [CaseRow]
        let links: [LinkRow]; let escalations: [SupplyChainWeb.EscalationRow]; let amounts: [SupplyChainWeb.LedgerLine]; let merges: [MergeRow]
        let canEdit: Bool; let canMerge: Bool
        /// Which lists have entries (Leaf cannot test an array for emptiness reliably).
        var has: [String: Bool] {
            ["otherNames": !otherNames.isEmpty, "cases": !cases.isEmpty, "amounts": !amounts.isEmpty, "links": !links.isEmpty, "brands": !brands.isEmpty,
             "escalations": !escalations.isEmpty, "merges": !merges.isEmpty, "errors": !errors.isEmpty]
        }
        let brands: [Option]; let evidences: [Option]; let confidences: [Option]; let linkForm: LinkForm; let errors: [String: String]; let mergeQuery: String

        enum CodingKeys: String, CodingKey {
            case id, name, facts, otherNames, identifiers, byCategory, byStatus, cases, links, escalations, amounts, merges, canEdit, canMerge, brands, evidences, confidences, linkForm, errors, mergeQuery, has
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(name, forKey: .name); try c.encode(facts, forKey: .facts); try c.encode(otherNames, forKey: .otherNames)
            try c.encode(identifiers, forKey: .identifiers); try c.encode(byCategory, forKey: .byCategory); try c.encode(byStatus, forKey: .byStatus)
            try c.encode(cases, forKey: .cases); try c.encode(links, forKey: .links); try c.encode(escalations, forKey: .escalations); try c.encode(amounts, forKey: .amounts)
            try c.encode(merges, forKey: .merges); try c.encode(canEdit, forKey: .canEdit); try c.encode(canMerge, forKey: .canMerge); try c.encode(brands, forKey: .brands)
            try c.encode(evidences, forKey: .evidences); try c.encode(confidences, forKey: .confidences); try c.encode(linkForm, forKey: .linkForm)
            try c.encode(errors, forKey: .errors); try c.encode(mergeQuery, forKey: .mergeQuery); try c.encode(has, forKey: .has)
        }
    }

    func show(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .view)
        switch try await load(req) {
        case .found(let factory): return try await page(req, factory)
        case .moved(let redirect): return redirect
        }
    }

    func page(_ req: Request, _ factory: FactoryRecord, linkForm: LinkForm = LinkForm(), errors: [String: String] = [:], mergeQuery: String = "", status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let id = try factory.requireID()
        let names = try await FactoryName.query(on: db).filter(\.$factoryID == id).sort(\.$name).all()
        let identifiers = try await FactoryIdentifier.query(on: db).filter(\.$factoryID == id).all()
        let links = try await SourcingLink.query(on: db).filter(\.$factoryID == id).sort(\.$createdAt).all()
        let merges = try await FactoryMerge.query(on: db).filter(\.$survivorID == id).sort(\.$createdAt, .descending).all()
        let users = try await SupplyChainWeb.userNames(links.map(\.recordedBy) + [factory.createdBy], on: db)
        var brandNames: [UUID: String] = [:]
        let brandIDs = Array(Set(links.map(\.brandID)))
        if !brandIDs.isEmpty { for brand in try await Brand.query(on: db).filter(\.$id ~~ brandIDs).all() { brandNames[brand.id!] = brand.name } }
        let cases = try await SupplyChainWeb.visibleCases(at: [id], req)
        var byCategory: [String: Int] = [:]
        var byStatus: [String: Int] = [:]
        for file in cases { byCategory[file.category, default: 0] += 1; byStatus[file.status, default: 0] += 1 }
        let caseMap = Dictionary(uniqueKeysWithValues: cases.map { ($0.id!, $0) })
        let escalations = caseMap.isEmpty ? [] : try await Escalation.query(on: db).filter(\.$caseID ~~ Array(caseMap.keys)).sort(\.$sentOn, .descending).all()
        let ledger = try await LedgerService(context: req.change).figures(for: try req.principal(), onlyCases: Set(caseMap.keys))
        var mergedNames: [UUID: String] = [:]
        if !merges.isEmpty { for f in try await FactoryRecord.query(on: db).filter(\.$id ~~ merges.map(\.mergedID)).all() { mergedNames[f.id!] = f.name } }
        let allBrands = try await Brand.query(on: db).sort(\.$name).all()

        var facts: [Fact] = [
            Fact(label: req.t("factory.country"), value: "\(Countries.englishName(for: factory.country) ?? factory.country) (\(factory.country))"),
            Fact(label: req.t("factory.address"), value: factory.address),
            Fact(label: req.t("factory.admin_areas"), value: [factory.division, factory.district, factory.upazila].filter { !$0.isEmpty }.joined(separator: " › ")),
            Fact(label: req.t("factory.os_id"), value: factory.osID ?? ""),
            Fact(label: req.t("factory.worker_band"), value: factory.workerBand.map { req.t("factory.band.\($0)") } ?? ""),
            Fact(label: req.t("factory.products"), value: factory.products),
            Fact(label: req.t("factory.parent_company"), value: factory.parentCompany),
            Fact(label: req.t("factory.union_presence"), value: req.t("factory.union.\(factory.unionPresence)")),
            Fact(label: req.t("factory.state"), value: req.t(factory.closed ? "factory.closed" : "factory.open")),
        ]
        if let lat = factory.latitude, let lng = factory.longitude { facts.append(Fact(label: req.t("factory.coordinates"), value: String(format: "%.5f, %.5f", lat, lng))) }
        facts.append(Fact(label: req.t("factory.provenance"), value: [SupplyChainWeb.source(factory.source, req), factory.createdBy.flatMap { users[$0] } ?? "", factory.createdAt.map(req.format.date) ?? ""]
            .filter { !$0.isEmpty }.joined(separator: " · ")))
        let view = PageView(
            id: id.uuidString, name: factory.name, facts: facts.filter { !$0.value.isEmpty },
            otherNames: names.map(\.name),
            identifiers: identifiers.map { Fact(label: req.t("factory.scheme.\($0.scheme)"), value: $0.value) },
            byCategory: byCategory.sorted { $0.key < $1.key }.map { CountRow(label: req.t("case.category.\($0.key)"), count: $0.value) },
            byStatus: byStatus.sorted { $0.key < $1.key }.map { CountRow(label: req.t("case.status.\($0.key)"), count: $0.value) },
            cases: cases.prefix(100).map { CaseRow(id: $0.id!.uuidString, reference: $0.reference, category: req.t("case.category.\($0.category)"), status: req.t("case.status.\($0.status)")) },
            links: links.map { link in
                LinkRow(brandID: link.brandID.uuidString, brand: brandNames[link.brandID] ?? "", evidence: req.t("link.evidence.\(link.evidence)"),
                        period: [link.periodFrom, link.periodTo].filter { !$0.isEmpty }.joined(separator: " – "),
                        confidence: req.t("link.confidence.\(link.confidence)"), sourceURL: link.sourceURL, sourceNote: link.sourceNote, documentID: link.documentID?.uuidString,
                        recorded: [link.recordedBy.flatMap { users[$0] } ?? "", link.createdAt.map(req.format.date) ?? ""].filter { !$0.isEmpty }.joined(separator: " · "))
            },
            escalations: try await SupplyChainWeb.escalationRows(escalations, cases: caseMap, req),
            amounts: SupplyChainWeb.ledgerLines(ledger.factories.lines(for: id.uuidString), req),
            merges: merges.map { MergeRow(id: $0.id!.uuidString, mergedID: $0.mergedID.uuidString, name: mergedNames[$0.mergedID] ?? "", when: $0.createdAt.map(req.format.date) ?? "", undone: $0.undoneAt != nil) },
            canEdit: SupplyChainWeb.can(req, .edit), canMerge: SupplyChainWeb.can(req, .merge),
            brands: allBrands.map { Option(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == linkForm.brandID) },
            evidences: CasesWebController.options(SourcingLink.Evidence.allCases, req, key: { "link.evidence.\($0.rawValue)" }, selected: linkForm.evidence),
            confidences: CasesWebController.options(SourcingLink.Confidence.allCases, req, key: { "link.confidence.\($0.rawValue)" }, selected: linkForm.confidence),
            linkForm: linkForm, errors: errors, mergeQuery: mergeQuery)
        return try await req.page("factory", titleKey: "factory.title", view, status: status)
    }

    func addLink(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .edit)
        let factory: FactoryRecord
        switch try await load(req) { case .found(let f): factory = f; case .moved: throw Abort(.conflict) }
        let f = { SupplyChainWeb.form(req, $0) }
        let form = LinkForm(brandID: f("brand_id"), evidence: f("evidence"), periodFrom: f("period_from"), periodTo: f("period_to"),
                            confidence: f("confidence"), sourceURL: f("source_url"), sourceNote: f("source_note"))
        let document = SupplyChainWeb.document(req)
        do {
            _ = try await BrandService(context: req.change).link(.init(brandID: form.brandID, factoryID: try factory.requireID().uuidString, evidence: form.evidence,
                                                                       periodFrom: form.periodFrom, periodTo: form.periodTo, confidence: form.confidence,
                                                                       sourceURL: form.sourceURL, sourceNote: form.sourceNote, document: document), principal: principal)
            return req.seeOther("/factories/\(try factory.requireID())?notice=link_saved#brands")
        } catch let invalid as Invalid {
            return try await page(req, factory, linkForm: form, errors: invalid.translated(req), status: .unprocessableEntity)
        }
    }

    /// Merges the factory named in `duplicate` (its id or OS ID) into this one.
    func merge(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .merge)
        let survivor: FactoryRecord
        switch try await load(req) { case .found(let f): survivor = f; case .moved: throw Abort(.conflict) }
        let raw = SupplyChainWeb.form(req, "duplicate")
        var duplicate: FactoryRecord?
        if let id = UUID(uuidString: raw) { duplicate = try await FactoryRecord.find(id, on: req.db) }
        else if let osID = OpenSupplyHubID.normalise(raw) { duplicate = try await FactoryRecord.query(on: req.db).filter(\.$osID == osID).filter(\.$mergedInto == nil).first() }
        guard let duplicate, duplicate.id != survivor.id, duplicate.mergedInto == nil else {
            return try await page(req, survivor, errors: ["duplicate": req.t("factory.error.duplicate")], mergeQuery: raw, status: .unprocessableEntity)
        }
        _ = try await FactoryService(context: req.change).merge(duplicate, into: survivor, principal: principal)
        return req.seeOther("/factories/\(try survivor.requireID())?notice=factory_merged")
    }

    func undo(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .merge)
        guard let id = req.parameters.get("mergeID", as: UUID.self), let merge = try await FactoryMerge.find(id, on: req.db) else { throw Abort(.notFound) }
        do {
            try await FactoryService(context: req.change).undo(merge, principal: principal)
        } catch is FactoryService.MergeRefusal {
            throw Abort(.conflict, reason: "This merge cannot be undone now: it is already undone, or the surviving factory was itself merged since.")
        }
        return req.seeOther("/factories/\(merge.mergedID)?notice=factory_unmerged")
    }
}
