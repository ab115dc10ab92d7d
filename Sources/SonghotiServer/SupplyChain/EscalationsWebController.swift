import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Escalating a case to brands: the letter form on a case, the printable letter with its responses,
/// and the organisation's letter templates.
struct EscalationsWebController: RouteCollection {
    typealias Option = SupplyChainWeb.Option
    let cases = CasesWebController()

    func boot(routes: any RoutesBuilder) throws {
        routes.get("cases", ":caseID", "escalations", "new", use: newForm)
        routes.post("cases", ":caseID", "escalations", use: create)
        routes.get("escalations", ":escalationID", use: show)
        routes.on(.POST, "escalations", ":escalationID", "responses", body: .collect(maxSize: ByteCount(integerLiteral: BodyLimit.uploadBytes)), use: respond)
        routes.get("admin", "letters", use: templates)
        routes.post("admin", "letters", use: saveTemplates)
    }

    struct BrandChoice: Encodable { let id: String; let name: String; let suggested: Bool; let checked: Bool }
    struct FormValues: Encodable { var language = "en", channel = "email", sentOn = "", deadlineDays = "", includeNames = false }
    struct FormView: Encodable {
        let id: String; let reference: String; let factory: String; let brands: [BrandChoice]; let hasBrands: Bool; let hasSuggested: Bool
        let languages: [Option]; let channels: [Option]; let form: FormValues; let consenting: Int; let workers: Int; let errors: [String: String]
    }

    private func formPage(_ req: Request, _ file: CaseFile, form: FormValues, chosen: Set<String>?, errors: [String: String] = [:], status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let suggested = try await EscalationService.suggestedBrands(for: file, on: db)
        let suggestedIDs = Set(suggested.map { $0.id!.uuidString })
        let others = try await Brand.query(on: db).sort(\.$name).all().filter { !suggestedIDs.contains($0.id!.uuidString) }
        let checked = chosen ?? suggestedIDs
        let choices = suggested.map { BrandChoice(id: $0.id!.uuidString, name: $0.name, suggested: true, checked: checked.contains($0.id!.uuidString)) }
            + others.map { BrandChoice(id: $0.id!.uuidString, name: $0.name, suggested: false, checked: checked.contains($0.id!.uuidString)) }
        let factory = try await file.factoryID.asyncFlatMap { try await FactoryService.live($0, on: db) }
        let links = try await CaseWorkerLink.query(on: db).filter(\.$caseID == file.requireID()).all()
        let service = WorkerService(context: req.change)
        var consenting = 0
        for link in links {
            if let worker = try await Worker.find(link.workerID, on: db), try await service.consentDecision(for: worker, purpose: .brandDisclosure, on: db) == .consented { consenting += 1 }
        }
        let view = FormView(id: try file.requireID().uuidString, reference: file.reference, factory: factory?.name ?? "", brands: choices, hasBrands: !choices.isEmpty,
                            hasSuggested: !suggested.isEmpty,
                            languages: EscalationService.letterLanguages.map { Option(value: $0.rawValue, label: $0.endonym, selected: $0.rawValue == form.language) },
                            channels: CasesWebController.options(Escalation.Channel.allCases, req, key: { "escalation.channel.\($0.rawValue)" }, selected: form.channel),
                            form: form, consenting: consenting, workers: links.count, errors: errors)
        return try await req.page("escalation-form", titleKey: "escalation.new", view, status: status)
    }

    func newForm(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .escalate)
        let file = try await cases.changeableCase(req)
        let days = try await EscalationService.deadlineDays(on: req.db)
        let form = FormValues(language: req.language == .bangla ? "bn" : "en", sentOn: CalendarDate.today(in: req.application.songhotiSettings.timeZone), deadlineDays: "\(days)")
        return try await formPage(req, file, form: form, chosen: nil)
    }

    func create(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .escalate)
        let file = try await cases.changeableCase(req)
        let brandIDs = (try? req.content.get([String].self, at: "brand_ids")) ?? []
        let f = { SupplyChainWeb.form(req, $0) }
        let form = FormValues(language: f("language"), channel: f("channel"), sentOn: f("sent_on"), deadlineDays: f("deadline_days"), includeNames: f("include_names") == "on")
        do {
            let made = try await EscalationService(context: req.change).create(
                .init(brandIDs: brandIDs, language: form.language, channel: form.channel, sentOn: form.sentOn, deadlineDays: form.deadlineDays, includeNames: form.includeNames),
                for: file, principal: principal)
            if made.count == 1 { return req.seeOther("/escalations/\(made[0].id!)?notice=escalation_saved") }
            return req.seeOther("/cases/\(try file.requireID())?notice=escalation_saved#escalations")
        } catch let invalid as Invalid {
            return try await formPage(req, file, form: form, chosen: Set(brandIDs), errors: invalid.translated(req), status: .unprocessableEntity)
        }
    }

    struct ResponseRow: Encodable { let kind: String; let on: String; let note: String; let documentURL: String; let documentID: String?; let recorded: String }
    struct ResponseForm: Encodable { var kind = "acknowledged", onDate = "", note = "", documentURL = "" }
    struct LetterView: Encodable {
        let id: String; let caseID: String; let reference: String; let brandID: String; let brand: String
        let subject: String; let body: String; let sentOn: String; let deadline: String; let channel: String; let namesIncluded: Int
        let overdue: Bool; let responses: [ResponseRow]; let hasResponses: Bool; let canRespond: Bool; let kinds: [Option]; let form: ResponseForm; let errors: [String: String]
    }

    /// The escalation and its case, if this person may see the case (restricted cases need their reason first).
    private func load(_ req: Request, _ action: CasePolicy.Action) async throws -> (Escalation, CaseFile) {
        guard let id = req.parameters.get("escalationID", as: UUID.self), let escalation = try await Escalation.find(id, on: req.db),
              let file = try await CaseFile.find(escalation.caseID, on: req.db) else { throw Abort(.notFound) }
        let verdict = try await CaseService(context: req.change).verdict(file, action, principal: try req.principal(), on: req.db)
        if verdict == .needsReason { throw Abort(.forbidden, reason: "State a reason on the case first.") }
        try req.authorize(verdict.decision)
        return (escalation, file)
    }

    func show(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .view)
        let (escalation, file) = try await load(req, .view)
        return try await letterPage(req, escalation, file)
    }

    private func letterPage(_ req: Request, _ escalation: Escalation, _ file: CaseFile, form: ResponseForm? = nil, errors: [String: String] = [:], status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let service = EscalationService(context: req.change)
        let letter = try service.letter(of: escalation)
        let responses = try await EscalationResponse.query(on: db).filter(\.$escalationID == escalation.requireID()).sort(\.$onDate).sort(\.$createdAt).all()
        let users = try await SupplyChainWeb.userNames(responses.map(\.recordedBy), on: db)
        let brand = try await Brand.find(escalation.brandID, on: db)
        let today = CalendarDate.today(in: req.application.songhotiSettings.timeZone)
        let record = EscalationService.record(escalation, responses: responses)
        let updateVerdict = try await CaseService(context: req.change).verdict(file, .update, principal: try req.principal(), on: db)
        let canRespond = SupplyChainWeb.can(req, .escalate) && updateVerdict == .allow
        let rows = responses.map {
            ResponseRow(kind: req.t("escalation.response.\($0.kind)"), on: $0.onDate, note: $0.note, documentURL: $0.documentURL, documentID: $0.documentID?.uuidString,
                        recorded: [users[$0.recordedBy] ?? "", $0.createdAt.map(req.format.date) ?? ""].filter { !$0.isEmpty }.joined(separator: " · "))
        }
        let form = form ?? ResponseForm(onDate: today)
        let view = LetterView(id: escalation.id!.uuidString, caseID: file.id!.uuidString, reference: file.reference, brandID: escalation.brandID.uuidString, brand: brand?.name ?? "",
                              subject: letter.subject, body: letter.body, sentOn: escalation.sentOn, deadline: escalation.deadline,
                              channel: req.t("escalation.channel.\(escalation.channel)"), namesIncluded: escalation.namesIncluded,
                              overdue: record.isOverdue(today: today), responses: rows, hasResponses: !rows.isEmpty, canRespond: canRespond,
                              kinds: CasesWebController.options(BrandResponseKind.allCases, req, key: \.labelKey, selected: form.kind), form: form, errors: errors)
        try await req.write { db in try await req.audit("case.escalation_view", "case", file.id!.uuidString, on: db) }
        return try await req.page("escalation", titleKey: "escalation.title", view, status: status)
    }

    func respond(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .escalate)
        let (escalation, file) = try await load(req, .update)
        let f = { SupplyChainWeb.form(req, $0) }
        let form = ResponseForm(kind: f("kind"), onDate: f("on_date"), note: f("note"), documentURL: f("document_url"))
        let document = SupplyChainWeb.document(req)
        do {
            _ = try await EscalationService(context: req.change).respond(.init(kind: form.kind, onDate: form.onDate, note: form.note, documentURL: form.documentURL, document: document),
                                                                         to: escalation, principal: principal)
            return req.seeOther("/escalations/\(escalation.id!)?notice=response_saved")
        } catch let invalid as Invalid {
            return try await letterPage(req, escalation, file, form: form, errors: invalid.translated(req), status: .unprocessableEntity)
        }
    }

    // MARK: templates

    struct TemplateForm: Encodable { let language: String; let name: String; let subject: String; let body: String; let error: String? }
    struct TemplatesView: Encodable { let templates: [TemplateForm]; let days: String; let placeholders: String; let errors: [String: String] }

    private func templatesPage(_ req: Request, values: [String: (String, String)]? = nil, days: String? = nil, errors: [String: String] = [:], status: HTTPStatus = .ok) async throws -> Response {
        var forms: [TemplateForm] = []
        for language in EscalationService.letterLanguages {
            let stored = try await EscalationService.template(language, app: req.application, on: req.db)
            let value = values?[language.rawValue] ?? (stored.subject, stored.body)
            forms.append(TemplateForm(language: language.rawValue, name: language.endonym, subject: value.0, body: value.1, error: errors["body_\(language.rawValue)"]))
        }
        let current = try await EscalationService.deadlineDays(on: req.db)
        let view = TemplatesView(templates: forms, days: days ?? "\(current)",
                                 placeholders: LetterTemplate.Placeholder.allCases.map { "{{\($0.rawValue)}}" }.joined(separator: " "), errors: errors)
        return try await req.page("letter-templates", titleKey: "letters.title", view, status: status)
    }

    func templates(req: Request) async throws -> Response {
        _ = try SupplyChainWeb.authorize(req, .manageTemplates)
        return try await templatesPage(req)
    }

    func saveTemplates(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .manageTemplates)
        var values: [String: (String, String)] = [:]
        var errors: [String: String] = [:]
        for language in EscalationService.letterLanguages {
            let subject = ((try? req.content.get(String.self, at: "subject_\(language.rawValue)")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let body = ((try? req.content.get(String.self, at: "body_\(language.rawValue)")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            values[language.rawValue] = (subject, body)
            switch LetterTemplate(subject: subject, body: body).problem() {
            case .unknownPlaceholder(let name): errors["body_\(language.rawValue)"] = req.t("letters.error.placeholder", name)
            case .unclosedPlaceholder: errors["body_\(language.rawValue)"] = req.t("letters.error.unclosed")
            case .empty: errors["body_\(language.rawValue)"] = req.t("form.error.required_short")
            case nil: if body.count > 20_000 || subject.count > 300 { errors["body_\(language.rawValue)"] = req.t("form.error.too_long") }
            }
        }
        let days = SupplyChainWeb.form(req, "deadline_days")
        if Int(days).map({ !(1...365).contains($0) }) ?? true { errors["deadline_days"] = req.t("escalation.error.days") }
        guard errors.isEmpty else { return try await templatesPage(req, values: values, days: days, errors: errors, status: .unprocessableEntity) }
        try await req.write { [values] db in
            for (language, value) in values {
                let record = try await LetterTemplateRecord.find(language, on: db) ?? LetterTemplateRecord(language: language, subject: "", body: "")
                record.subject = value.0
                record.body = value.1
                record.updatedBy = principal.userID
                try await record.save(on: db)
            }
            let setting = try await OrganisationSetting.find(EscalationService.deadlineSetting, on: db) ?? OrganisationSetting(key: EscalationService.deadlineSetting, value: days)
            setting.value = days
            try await setting.save(on: db)
            try await req.audit("letters.update", "organisation", nil, on: db)
        }
        return req.seeOther("/admin/letters?notice=letters_saved")
    }
}
