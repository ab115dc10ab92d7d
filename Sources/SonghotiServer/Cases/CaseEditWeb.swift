import Fluent
import SonghotiCore
import Vapor

/// Editing a case, its workers' claims, and the remedy totals page, in the browser.
struct CaseEditController: RouteCollection {
    let cases = CasesWebController()

    func boot(routes: any RoutesBuilder) throws {
        let group = routes.grouped("cases")
        group.get("totals", use: totals)
        group.get(":caseID", "edit", use: editForm)
        group.post(":caseID", "edit", use: saveEdit)
        group.post(":caseID", "workers", use: addWorker)
        group.get(":caseID", "workers", ":workerID", "edit", use: claimForm)
        group.post(":caseID", "workers", ":workerID", use: saveClaim)
        group.post(":caseID", "workers", ":workerID", "remove", use: removeWorker)
    }

    typealias Option = CasesWebController.Option

    struct EditValues: Encodable {
        var summary = "", employer = "", country = "", incidentFrom = "", incidentTo = "", destinationCountry = "", recruitingAgency = ""
        var restricted = false
    }
    struct AssigneeOption: Encodable { let id: String; let name: String; let checked: Bool }
    struct EditView: Encodable {
        let id: String, reference: String
        let form: EditValues
        let categories: [Option], channels: [Option], urgencies: [Option]
        let canAssign: Bool
        let staff: [AssigneeOption]
        /// The restriction can be lifted only by a coordinator; others see it fixed.
        let restrictionLocked: Bool
        let errors: [String: String]
    }

    struct EditForm: Content {
        var category: String?, channel: String?, urgency: String?, summary: String?, employer: String?, country: String?
        var incident_from: String?, incident_to: String?, destination_country: String?, recruiting_agency: String?, restricted: String?
        var assignees: [String]?
    }

    /// A restricted case stays restricted for anyone who may not lift the restriction, whatever the form says
    /// (an unchecked box is simply absent from the form).
    static func restrictionLocked(_ file: CaseFile, _ principal: Principal, _ facts: CasePolicy.Facts) -> Bool {
        file.restricted && !CasePolicy.decide(principal, .unrestrict, facts: facts).isAllowed
    }

    private func editView(_ req: Request, _ file: CaseFile, form: EditForm?, errors: [String: String] = [:]) async throws -> EditView {
        let principal = try req.principal()
        let service = CaseService(context: req.change)
        let facts = try await service.facts(file, on: req.db)
        var values = EditValues()
        if let form {
            values = EditValues(summary: form.summary ?? "", employer: form.employer ?? "", country: form.country ?? "", incidentFrom: form.incident_from ?? "",
                                incidentTo: form.incident_to ?? "", destinationCountry: form.destination_country ?? "", recruitingAgency: form.recruiting_agency ?? "",
                                restricted: form.restricted == "on" || Self.restrictionLocked(file, principal, facts))
        } else {
            let employer = try await file.factoryID.asyncFlatMap { try await Factory.find($0, on: req.db)?.name } ?? ""
            values = EditValues(summary: try service.summary(of: file), employer: employer, country: file.country, incidentFrom: file.incidentFrom ?? "",
                                incidentTo: file.incidentTo ?? "", destinationCountry: file.destinationCountry ?? "", recruitingAgency: file.recruitingAgency ?? "",
                                restricted: file.restricted)
        }
        let canAssign = CasePolicy.decide(principal, .assign, facts: facts).isAllowed
        var staff: [AssigneeOption] = []
        if canAssign {
            let chosen = form?.assignees.map { Set($0) } ?? Set(facts.assignees.map(\.uuidString))
            let users = try await User.query(on: req.db).filter(\.$roleRaw ~~ [Role.caseworker.rawValue, Role.coordinator.rawValue]).sort(\.$displayName).all()
            staff = users.filter { !$0.isDisabled && ($0.officeID == nil || $0.officeID == file.officeID) }
                .map { AssigneeOption(id: $0.id?.uuidString ?? "", name: $0.displayName, checked: chosen.contains($0.id?.uuidString ?? "")) }
        }
        return EditView(
            id: try file.requireID().uuidString, reference: file.reference, form: values,
            categories: try await CasesWebController.categoryOptions(req, selected: form?.category ?? file.category),
            channels: CasesWebController.options(IntakeChannel.allCases, req, key: \.labelKey, selected: form?.channel ?? file.channel),
            urgencies: CasesWebController.options(CaseUrgency.allCases, req, key: \.labelKey, selected: form?.urgency ?? file.urgency),
            canAssign: canAssign, staff: staff,
            restrictionLocked: Self.restrictionLocked(file, principal, facts),
            errors: errors)
    }

    func editForm(req: Request) async throws -> Response {
        let file = try await cases.changeableCase(req)
        let id = try file.requireID()
        try await req.write { db in try await req.audit("case.view", "case", id.uuidString, on: db) }
        return try await req.page("case-edit", titleKey: "cases.edit_title", try await editView(req, file, form: nil))
    }

    func saveEdit(req: Request) async throws -> Response {
        let file = try await cases.changeableCase(req)
        let principal = try req.principal()
        let form = try req.content.decode(EditForm.self)
        let facts = try await CaseService(context: req.change).facts(file, on: req.db)
        let canAssign = CasePolicy.decide(principal, .assign, facts: facts).isAllowed
        let restricted = form.restricted == "on" || Self.restrictionLocked(file, principal, facts)
        let edit = CaseService.Edit(category: form.category, channel: form.channel, urgency: form.urgency, summary: form.summary, employer: form.employer ?? "",
                                    country: form.country, incidentFrom: form.incident_from ?? "", incidentTo: form.incident_to ?? "",
                                    destinationCountry: form.destination_country ?? "", recruitingAgency: form.recruiting_agency ?? "",
                                    restricted: restricted,
                                    assignees: canAssign ? (form.assignees ?? []).compactMap(UUID.init(uuidString:)) : nil)
        do {
            try await CaseService(context: req.change).update(file, with: edit, principal: principal)
            return req.seeOther("/cases/\(try file.requireID())?notice=case_updated")
        } catch let invalid as Invalid {
            // Reload: the failed update must not leave half-applied values on the instance we render from.
            guard let fresh = try await CaseFile.find(file.requireID(), on: req.db) else { throw Abort(.notFound) }
            return try await req.page("case-edit", titleKey: "cases.edit_title", try await editView(req, fresh, form: form, errors: invalid.translated(req)),
                                      status: .unprocessableEntity)
        }
    }

    func addWorker(req: Request) async throws -> Response {
        let file = try await cases.changeableCase(req)
        let token = (try? req.content.get(String.self, at: "worker")) ?? ""
        do {
            _ = try await CaseClaims(context: req.change).add(token, to: file, principal: try req.principal())
            return req.seeOther("/cases/\(try file.requireID())?notice=worker_added")
        } catch let invalid as Invalid {
            return try await cases.detail(req, file, errors: invalid.translated(req), status: .unprocessableEntity)
        }
    }

    func removeWorker(req: Request) async throws -> Response {
        let file = try await cases.changeableCase(req)
        let (link, worker) = try await link(req, file)
        do {
            try await CaseClaims(context: req.change).remove(link, from: file)
            return req.seeOther("/cases/\(try file.requireID())?notice=worker_removed")
        } catch let invalid as Invalid {
            return try await req.page("case-claim", titleKey: "claims.edit_title", try claimView(req, file, link, worker, form: nil, errors: invalid.translated(req)),
                                      status: .unprocessableEntity)
        }
    }

    struct ClaimView: Encodable {
        let id: String, reference: String, workerID: String, code: String
        let removable: Bool
        let claim: String, owed: String
        let currencies: [Option], outcomes: [Option], components: [Option]
        let errors: [String: String]
    }

    struct ClaimForm: Content { var claim: String?, owed: String?, currency: String?, outcome: String?, component: String? }

    /// The claim of the worker the request's `:workerID` names, and the worker.
    func link(_ req: Request, _ file: CaseFile) async throws -> (CaseWorkerLink, Worker) {
        let link = try await CaseWorkerLink.named(by: req, on: file)
        guard let worker = try await Worker.find(link.workerID, on: req.db) else { throw Abort(.notFound) }
        return (link, worker)
    }

    private func claimView(_ req: Request, _ file: CaseFile, _ link: CaseWorkerLink, _ worker: Worker, form: ClaimForm?, errors: [String: String] = [:]) throws -> ClaimView {
        let claims = CaseClaims(context: req.change)
        let currency = form?.currency ?? link.owedCurrency ?? (file.country == "KH" ? "USD" : "BDT")
        let outcome = form?.outcome ?? link.outcome ?? ""
        let component = form?.component ?? link.owedComponent ?? OwedComponent.wages.rawValue
        return ClaimView(
            id: try file.requireID().uuidString, reference: file.reference, workerID: link.workerID.uuidString, code: worker.code,
            removable: file.kind == CaseFile.Kind.collective.rawValue,
            claim: try form?.claim ?? claims.claimText(link), owed: form?.owed ?? link.owed?.decimalString ?? "",
            currencies: Money.minorDigits.keys.sorted().map { Option(value: $0, label: $0, selected: $0 == currency) },
            outcomes: [Option(value: "", label: req.t("cases.no_outcome"), selected: outcome.isEmpty)]
                + CasesWebController.options(CaseOutcome.allCases, req, key: \.labelKey, selected: outcome),
            components: CasesWebController.options(OwedComponent.allCases, req, key: \.labelKey, selected: component),
            errors: errors)
    }

    func claimForm(req: Request) async throws -> Response {
        let file = try await cases.changeableCase(req)
        let (link, worker) = try await link(req, file)
        return try await req.page("case-claim", titleKey: "claims.edit_title", try claimView(req, file, link, worker, form: nil))
    }

    func saveClaim(req: Request) async throws -> Response {
        let file = try await cases.changeableCase(req)
        let (link, worker) = try await link(req, file)
        let form = try req.content.decode(ClaimForm.self)
        let input = CaseClaims.Input(claim: form.claim ?? "", owed: form.owed ?? "", currency: form.currency ?? "BDT", outcome: form.outcome ?? "",
                                     component: form.component ?? OwedComponent.wages.rawValue)
        do {
            try await CaseClaims(context: req.change).update(link, of: file, with: input)
            return req.seeOther("/cases/\(try file.requireID())?notice=claim_saved")
        } catch let invalid as Invalid {
            return try await req.page("case-claim", titleKey: "claims.edit_title", try claimView(req, file, link, worker, form: form, errors: invalid.translated(req)),
                                      status: .unprocessableEntity)
        }
    }

    struct TotalRow: Encodable { let office: String; let currency: String; let owed: String; let promised: String; let delivered: String }
    struct TotalsView: Encodable { let rows: [TotalRow]; let hasRows: Bool }

    func totals(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(CasePolicy.decide(principal, .viewTotals).decision)
        let offices = Dictionary(try await Office.query(on: req.db).all().map { ($0.id ?? UUID(), $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = try await RemedyTotals.lines(principal: principal, on: req.db).map { line in
            TotalRow(office: offices[line.officeID] ?? "", currency: line.currency,
                     owed: req.format.money(Money(minorUnits: line.owed, currency: line.currency)),
                     promised: req.format.money(Money(minorUnits: line.promised, currency: line.currency)),
                     delivered: req.format.money(Money(minorUnits: line.delivered, currency: line.currency)))
        }.sorted { ($0.office, $0.currency) < ($1.office, $1.currency) }
        return try await req.page("totals", titleKey: "totals.title", TotalsView(rows: rows, hasRows: !rows.isEmpty))
    }
}
