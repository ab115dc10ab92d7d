import Fluent
import Foundation
import SonghotiCore
import Vapor

/// `/brands`: brands, their commitments, the factories they source from, and how they answer letters.
struct BrandsWebController: RouteCollection {
    typealias Option = SupplyChainWeb.Option

    func boot(routes: any RoutesBuilder) throws {
        let brands = routes.grouped("brands")
        brands.get(use: list)
        brands.get("new", use: newForm)
        brands.post(use: create)
        brands.get(":brandID", use: show)
        brands.get(":brandID", "edit", use: editForm)
        brands.post(":brandID", use: update)
        brands.post(":brandID", "commitments", use: addCommitment)
    }

    struct ListRow: Encodable { let id: String; let name: String; let headquarters: String; let accord: Bool; let pledge: String }
    struct ListView: Encodable { let rows: [ListRow]; let hasRows: Bool; let canEdit: Bool }

    func list(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .view)
        let rows = try await Brand.query(on: req.db).sort(\.$name).all().map {
            ListRow(id: $0.id!.uuidString, name: $0.name, headquarters: $0.headquarters, accord: $0.accordSignatory, pledge: req.t("brand.pledge.\($0.pledge)"))
        }
        return try await req.page("brands", titleKey: "brands.title", ListView(rows: rows, hasRows: !rows.isEmpty, canEdit: SupplyChainWeb.can(req, .edit)))
    }

    struct FormValues: Encodable {
        var name = "", otherNames = "", headquarters = "", website = "", parentCompany = "", accordSignatory = false
        var accordFrom = "", accordTo = "", accordSource = "", pledge = "unknown", pledgeSource = ""
    }
    struct FormView: Encodable { let id: String?; let form: FormValues; let countries: [Option]; let pledges: [Option]; let errors: [String: String] }

    private func formView(_ req: Request, id: UUID?, _ form: FormValues, errors: [String: String] = [:]) -> FormView {
        FormView(id: id?.uuidString, form: form,
                 countries: [Option(value: "", label: "—", selected: form.headquarters.isEmpty)] + SupplyChainWeb.countryOptions(form.headquarters),
                 pledges: CasesWebController.options(Brand.PledgeAlignment.allCases, req, key: { "brand.pledge.\($0.rawValue)" }, selected: form.pledge), errors: errors)
    }

    private func formValues(_ req: Request) -> FormValues {
        let f = { SupplyChainWeb.form(req, $0) }
        return FormValues(name: f("name"), otherNames: f("other_names"), headquarters: f("headquarters"), website: f("website"), parentCompany: f("parent_company"),
                          accordSignatory: f("accord_signatory") == "on", accordFrom: f("accord_from"), accordTo: f("accord_to"), accordSource: f("accord_source"),
                          pledge: f("pledge"), pledgeSource: f("pledge_source"))
    }

    private func input(_ form: FormValues) -> BrandService.Input {
        BrandService.Input(name: form.name, otherNames: SupplyChainWeb.lines(form.otherNames), headquarters: form.headquarters, website: form.website,
                           parentCompany: form.parentCompany, accordSignatory: form.accordSignatory, accordFrom: form.accordFrom, accordTo: form.accordTo,
                           accordSource: form.accordSource, pledge: form.pledge, pledgeSource: form.pledgeSource)
    }

    func newForm(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .edit)
        return try await req.page("brand-form", titleKey: "brand.new", formView(req, id: nil, FormValues()))
    }

    func create(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .edit)
        let form = formValues(req)
        do {
            let brand = try await BrandService(context: req.change).create(input(form), principal: principal)
            return req.seeOther("/brands/\(try brand.requireID())?notice=brand_saved")
        } catch let invalid as Invalid {
            return try await req.page("brand-form", titleKey: "brand.new", formView(req, id: nil, form, errors: invalid.translated(req)), status: .unprocessableEntity)
        }
    }

    private func load(_ req: Request) async throws -> Brand {
        guard let id = req.parameters.get("brandID", as: UUID.self), let brand = try await Brand.find(id, on: req.db) else { throw Abort(.notFound) }
        return brand
    }

    func editForm(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .edit)
        let brand = try await load(req)
        let form = FormValues(name: brand.name, otherNames: brand.otherNames, headquarters: brand.headquarters, website: brand.website, parentCompany: brand.parentCompany,
                              accordSignatory: brand.accordSignatory, accordFrom: brand.accordFrom, accordTo: brand.accordTo, accordSource: brand.accordSource,
                              pledge: brand.pledge, pledgeSource: brand.pledgeSource)
        return try await req.page("brand-form", titleKey: "brand.edit", formView(req, id: brand.id, form))
    }

    func update(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .edit)
        let brand = try await load(req)
        let form = formValues(req)
        do {
            try await BrandService(context: req.change).update(brand, with: input(form), principal: principal)
            return req.seeOther("/brands/\(try brand.requireID())?notice=brand_saved")
        } catch let invalid as Invalid {
            return try await req.page("brand-form", titleKey: "brand.edit", formView(req, id: brand.id, form, errors: invalid.translated(req)), status: .unprocessableEntity)
        }
    }

    struct Fact: Encodable { let label: String; let value: String }
    struct FactoryRow: Encodable { let id: String; let name: String; let country: String; let evidence: String; let period: String; let confidence: String }
    struct CommitmentRow: Encodable { let kind: String; let statement: String; let madeOn: String; let source: String; let recorded: String }
    struct CommitmentForm: Encodable { var kind = "pay_wages_owed", statement = "", madeOn = "", source = "" }
    struct PageView: Encodable {
        let id: String; let name: String; let facts: [Fact]; let factories: [FactoryRow]; let commitments: [CommitmentRow]
        let escalations: [SupplyChainWeb.EscalationRow]; let statistics: [Fact]; let amounts: [SupplyChainWeb.LedgerLine]
        let canEdit: Bool; let kinds: [Option]; let form: CommitmentForm; let errors: [String: String]; let has: [String: Bool]
    }

    func show(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .view)
        return try await page(req, try await load(req))
    }

    func page(_ req: Request, _ brand: Brand, form: CommitmentForm = CommitmentForm(), errors: [String: String] = [:], status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let id = try brand.requireID()
        let links = try await SourcingLink.query(on: db).filter(\.$brandID == id).all()
        var factories: [UUID: FactoryRecord] = [:]
        for chunk in Array(Set(links.map(\.factoryID))).chunks(of: 500) {
            for factory in try await FactoryRecord.query(on: db).filter(\.$id ~~ Array(chunk)).all() { factories[factory.id!] = factory }
        }
        let commitments = try await BrandCommitment.query(on: db).filter(\.$brandID == id).sort(\.$madeOn, .descending).all()
        let users = try await SupplyChainWeb.userNames(commitments.map(\.recordedBy) + [brand.createdBy], on: db)
        let escalations = try await Escalation.query(on: db).filter(\.$brandID == id).sort(\.$sentOn, .descending).all()
        let principal = try req.principal()
        let service = CaseService(context: req.change)
        var cases: [UUID: CaseFile] = [:]
        for caseID in Set(escalations.map(\.caseID)) {
            guard let file = try await CaseFile.find(caseID, on: db), CasePolicy.listable(principal, facts: try await service.facts(file, on: db)) else { continue }
            cases[caseID] = file
        }
        let visible = escalations.filter { cases[$0.caseID] != nil }
        let responses = try await EscalationService.responses(for: visible, on: db)
        let statistics = BrandResponseStatistics(visible.map { EscalationService.record($0, responses: responses[$0.id!] ?? []) })
        let factoryCases = try await SupplyChainWeb.visibleCases(at: Array(factories.keys), req)
        let ledger = try await LedgerService(context: req.change).figures(for: principal, onlyCases: Set(factoryCases.compactMap(\.id)))
        var facts = [
            Fact(label: req.t("brand.other_names"), value: brand.otherNameList.joined(separator: ", ")),
            Fact(label: req.t("brand.headquarters"), value: brand.headquarters.isEmpty ? "" : "\(Countries.englishName(for: brand.headquarters) ?? brand.headquarters) (\(brand.headquarters))"),
            Fact(label: req.t("brand.website"), value: brand.website),
            Fact(label: req.t("brand.parent_company"), value: brand.parentCompany),
            Fact(label: req.t("brand.accord"), value: brand.accordSignatory
                 ? req.t("brand.accord_yes", [brand.accordFrom, brand.accordTo].filter { !$0.isEmpty }.joined(separator: " – ")) : req.t("brand.accord_no")),
            Fact(label: req.t("brand.accord_source"), value: brand.accordSource),
            Fact(label: req.t("brand.pledge"), value: req.t("brand.pledge.\(brand.pledge)")),
            Fact(label: req.t("brand.pledge_source"), value: brand.pledgeSource),
        ]
        facts.append(Fact(label: req.t("factory.provenance"), value: [brand.createdBy.flatMap { users[$0] } ?? "", brand.createdAt.map(req.format.date) ?? ""].filter { !$0.isEmpty }.joined(separator: " · ")))
        let factoryRows = links.compactMap { link -> FactoryRow? in
            guard let factory = factories[link.factoryID] else { return nil }
            return FactoryRow(id: link.factoryID.uuidString, name: factory.name, country: factory.country, evidence: req.t("link.evidence.\(link.evidence)"),
                              period: [link.periodFrom, link.periodTo].filter { !$0.isEmpty }.joined(separator: " – "), confidence: req.t("link.confidence.\(link.confidence)"))
        }.sorted { $0.name < $1.name }
        let commitmentRows = commitments.map {
            CommitmentRow(kind: req.t("brand.commitment.\($0.kind)"), statement: $0.statement, madeOn: $0.madeOn, source: $0.source,
                          recorded: [users[$0.recordedBy] ?? "", $0.createdAt.map(req.format.date) ?? ""].filter { !$0.isEmpty }.joined(separator: " · "))
        }
        let statisticFacts = [
            Fact(label: req.t("brand.letters"), value: "\(statistics.letters)"),
            Fact(label: req.t("brand.response_rate"), value: statistics.responseRate.map { String(format: "%.0f%%", $0 * 100) } ?? "—"),
            Fact(label: req.t("brand.median_days"), value: statistics.medianDaysToFirstAnswer.map { String(format: "%g", $0) } ?? "—"),
            Fact(label: req.t("brand.remedy_delivered"), value: "\(statistics.remedyDelivered)"),
        ]
        let escalationRows = try await SupplyChainWeb.escalationRows(visible, cases: cases, req)
        let amounts = SupplyChainWeb.ledgerLines(ledger.brands.lines(for: id.uuidString), req)
        let view = PageView(id: id.uuidString, name: brand.name, facts: facts.filter { !$0.value.isEmpty }, factories: factoryRows, commitments: commitmentRows,
                            escalations: escalationRows, statistics: statisticFacts, amounts: amounts, canEdit: SupplyChainWeb.can(req, .edit),
                            kinds: CasesWebController.options(BrandCommitment.Kind.allCases, req, key: { "brand.commitment.\($0.rawValue)" }, selected: form.kind),
                            form: form, errors: errors,
                            has: ["factories": !factoryRows.isEmpty, "commitments": !commitmentRows.isEmpty, "escalations": !escalationRows.isEmpty,
                                  "amounts": !amounts.isEmpty, "errors": !errors.isEmpty])
        return try await req.page("brand", titleKey: "brand.title", view, status: status)
    }

    func addCommitment(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .edit)
        let brand = try await load(req)
        let f = { SupplyChainWeb.form(req, $0) }
        let form = CommitmentForm(kind: f("kind"), statement: f("statement"), madeOn: f("made_on"), source: f("source"))
        do {
            _ = try await BrandService(context: req.change).addCommitment(.init(kind: form.kind, statement: form.statement, madeOn: form.madeOn, source: form.source), to: brand, principal: principal)
            return req.seeOther("/brands/\(try brand.requireID())?notice=commitment_saved")
        } catch let invalid as Invalid {
            return try await page(req, brand, form: form, errors: invalid.translated(req), status: .unprocessableEntity)
        }
    }
}
