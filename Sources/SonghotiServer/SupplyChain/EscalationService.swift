import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Letters to the brands that source from a case's factory, and the brands' responses.
struct EscalationService {
    let context: ChangeContext
    var app: Application { context.app }

    static let deadlineSetting = "escalations.response_days"
    static let defaultDeadlineDays = 14

    static func deadlineDays(on db: any Database) async throws -> Int {
        try await OrganisationSetting.find(deadlineSetting, on: db).flatMap { Int($0.value) } ?? defaultDeadlineDays
    }

    /// The organisation's template for a language, or the shipped default in `Resources/Letters/`.
    static func template(_ language: Language, app: Application, on db: any Database) async throws -> LetterTemplate {
        if let stored = try await LetterTemplateRecord.find(language.rawValue, on: db) { return LetterTemplate(subject: stored.subject, body: stored.body) }
        return defaultTemplate(language, app: app)
    }

    static func defaultTemplate(_ language: Language, app: Application) -> LetterTemplate {
        let path = app.directory.workingDirectory + "Resources/Letters/\(language.rawValue).txt"
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? (try? String(contentsOfFile: app.directory.workingDirectory + "Resources/Letters/en.txt", encoding: .utf8)) ?? ""
        var lines = text.components(separatedBy: "\n")
        var subject = ""
        if let first = lines.first, first.hasPrefix("Subject:") {
            subject = String(first.dropFirst("Subject:".count)).trimmingCharacters(in: .whitespaces)
            lines.removeFirst()
        }
        return LetterTemplate(subject: subject, body: lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Languages a letter can be written in (those with a template).
    static let letterLanguages: [Language] = [.english, .bangla]

    /// Brands linked to the case's factory by any sourcing evidence: the suggested addressees.
    static func suggestedBrands(for file: CaseFile, on db: any Database) async throws -> [Brand] {
        guard let factoryID = file.factoryID, let factory = try await FactoryService.live(factoryID, on: db) else { return [] }
        let brandIDs = Set(try await SourcingLink.query(on: db).filter(\.$factoryID == factory.requireID()).all().map(\.brandID))
        guard !brandIDs.isEmpty else { return [] }
        return try await Brand.query(on: db).filter(\.$id ~~ brandIDs).sort(\.$name).all()
    }

    struct Input: Sendable {
        var brandIDs: [String] = []
        var language = "en"
        var channel = Escalation.Channel.email.rawValue
        var sentOn = ""
        var deadlineDays = ""
        /// Name workers who consented to their names going to brands (others are never named).
        var includeNames = false
    }

    struct Letter: Sendable, Codable {
        let subject: String
        let body: String
    }

    /// Fills the letter for one brand. Worker names appear only when asked for and only for workers whose
    /// consent to brand disclosure is in force today; everyone else is "Worker N" (their count is still given).
    func compose(for file: CaseFile, brand: Brand, language: Language, includeNames: Bool, deadline: String, principal: Principal) async throws -> (Letter, named: Int) {
        let db = app.db
        let catalog = app.catalog
        let template = try await Self.template(language, app: app, on: db)
        let caseID = try file.requireID()
        let factory = try await file.factoryID.asyncFlatMap { try await FactoryService.live($0, on: db) }
        let office = try await Office.find(file.officeID, on: db)
        let organisation = try await Organisation.query(on: db).first()
        let sender = try await User.find(principal.userID, on: db)
        let links = try await CaseWorkerLink.query(on: db).filter(\.$caseID == caseID).all()
        let workers = WorkerService(context: context)
        var lines: [String] = []
        var named = 0
        for (index, link) in links.enumerated() {
            guard let worker = try await Worker.find(link.workerID, on: db) else { continue }
            var label = catalog.string("letter.worker_withheld", language, arguments: ["\(index + 1)"])
            if includeNames, try await workers.consentDecision(for: worker, purpose: .brandDisclosure, on: db) == .consented {
                label = try await workers.identity(of: worker, reason: "worker.disclose_brand").fullName
                named += 1
            }
            lines.append("- " + label)
        }
        let owed = Money.totals(links.compactMap(\.owed)).sorted { $0.key < $1.key }
            .map { Money(minorUnits: $0.value, currency: $0.key).decimalString + " " + $0.key }.joined(separator: ", ")
        let values: [LetterTemplate.Placeholder: String] = [
            .organisation: organisation?.name ?? "",
            .office: office?.name ?? "",
            .date: CalendarDate.today(in: app.songhotiSettings.timeZone),
            .brand: brand.name,
            .factory: factory?.name ?? catalog.string("letter.factory_unknown", language),
            .factoryAddress: factory.map { $0.address.isEmpty ? Countries.englishName(for: $0.country) ?? $0.country : $0.address } ?? "",
            .reference: file.reference,
            .category: catalog.string("case.category.\(file.category)", language),
            .summary: try CaseService(context: context).summary(of: file),
            .workers: lines.joined(separator: "\n"),
            .workerCount: "\(links.count)",
            .amountOwed: owed.isEmpty ? catalog.string("letter.amount_unknown", language) : owed,
            .deadline: deadline,
            .sender: sender?.displayName ?? "",
        ]
        do {
            let filled = try template.render(values)
            return (Letter(subject: filled.subject, body: filled.body), named)
        } catch {
            throw Invalid(fields: ["language": "letter.error.template"])
        }
    }

    func create(_ input: Input, for file: CaseFile, principal: Principal) async throws -> [Escalation] {
        if case .deny(let why) = SupplyChainPolicy.decide(principal, .escalate) { throw Abort(.forbidden, reason: why) }
        let db = app.db
        var fields: [String: String] = [:]
        let ids = input.brandIDs.compactMap(UUID.init(uuidString:))
        let brands = ids.isEmpty ? [] : try await Brand.query(on: db).filter(\.$id ~~ ids).all()
        if brands.isEmpty || brands.count != Set(input.brandIDs).count { fields["brand_ids"] = "escalation.error.brands" }
        let language = Language(rawValue: input.language)
        if language.map({ !Self.letterLanguages.contains($0) }) ?? true { fields["language"] = "form.error.choose" }
        if Escalation.Channel(rawValue: input.channel) == nil { fields["channel"] = "form.error.choose" }
        if CalendarDate.parse(input.sentOn) == nil { fields["sent_on"] = "worker.error.date" }
        var days = try await Self.deadlineDays(on: db)
        if !input.deadlineDays.isEmpty {
            if let value = Int(input.deadlineDays), (1...365).contains(value) { days = value } else { fields["deadline_days"] = "escalation.error.days" }
        }
        guard fields.isEmpty, let language else { throw Invalid(fields: fields) }
        let deadline = EscalationRecord.adding(days: days, to: input.sentOn) ?? input.sentOn
        let cipher = app.fieldProtection.cipher
        var made: [Escalation] = []
        for brand in brands.sorted(by: { $0.name < $1.name }) {
            let (letter, named) = try await compose(for: file, brand: brand, language: language, includeNames: input.includeNames, deadline: deadline, principal: principal)
            let escalation = Escalation()
            let id = UUID()
            escalation.id = id
            escalation.caseID = try file.requireID()
            escalation.brandID = try brand.requireID()
            escalation.language = language.rawValue
            escalation.letterSealed = try cipher.seal(try JSONEncoder().encode(letter), context: Escalation.letterContext(id))
            escalation.namesIncluded = named
            escalation.channel = input.channel
            escalation.sentOn = input.sentOn
            escalation.deadline = deadline
            escalation.createdBy = principal.userID
            made.append(escalation)
        }
        let context = self.context
        try await context.write { [made] db in
            for escalation in made {
                try await escalation.create(on: db)
                try await context.audit("case.escalate", "case", escalation.caseID.uuidString, on: db)
            }
        }
        return made
    }

    func letter(of escalation: Escalation) throws -> Letter {
        let data = try app.fieldProtection.cipher.open(escalation.letterSealed, context: Escalation.letterContext(try escalation.requireID()))
        return try JSONDecoder().decode(Letter.self, from: data)
    }

    struct ResponseInput: Sendable { var kind = ""; var onDate = ""; var note = ""; var documentURL = ""; var document: SupplyChainDocuments.Upload? }

    func respond(_ input: ResponseInput, to escalation: Escalation, principal: Principal) async throws -> EscalationResponse {
        if case .deny(let why) = SupplyChainPolicy.decide(principal, .escalate) { throw Abort(.forbidden, reason: why) }
        var fields: [String: String] = [:]
        if BrandResponseKind(rawValue: input.kind) == nil { fields["kind"] = "form.error.choose" }
        if CalendarDate.parse(input.onDate) == nil { fields["on_date"] = "worker.error.date" }
        else if input.onDate < escalation.sentOn { fields["on_date"] = "escalation.error.before_sent" }
        let url = input.documentURL.trimmingCharacters(in: .whitespaces)
        if !url.isEmpty, !BrandService.isWebAddress(url) { fields["document_url"] = "brand.error.url" }
        if input.note.count > 4000 { fields["note"] = "form.error.too_long" }
        guard fields.isEmpty else { throw Invalid(fields: fields) }
        let response = EscalationResponse()
        response.escalationID = try escalation.requireID()
        response.kind = input.kind
        response.onDate = input.onDate
        response.note = input.note.trimmingCharacters(in: .whitespacesAndNewlines)
        response.documentURL = url
        response.recordedBy = principal.userID
        let documents = SupplyChainDocuments(context: context)
        let document = try documents.prepareIfGiven(input.document, principal: principal)
        response.documentID = document?.id
        let context = self.context
        try await documents.save(document) { db in
            try await response.create(on: db)
            try await context.audit("case.escalation_response", "case", escalation.caseID.uuidString, on: db)
        }
        return response
    }

    static func record(_ escalation: Escalation, responses: [EscalationResponse]) -> EscalationRecord {
        EscalationRecord(sentOn: escalation.sentOn, deadline: escalation.deadline,
                         responses: responses.compactMap { response in BrandResponseKind(rawValue: response.kind).map { .init(kind: $0, on: response.onDate) } })
    }

    /// Escalations with their responses, keyed by escalation id.
    static func responses(for escalations: [Escalation], on db: any Database) async throws -> [UUID: [EscalationResponse]] {
        let ids = escalations.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        var result: [UUID: [EscalationResponse]] = [:]
        for chunk in ids.chunks(of: 500) {
            for response in try await EscalationResponse.query(on: db).filter(\.$escalationID ~~ Array(chunk)).sort(\.$createdAt).all() {
                result[response.escalationID, default: []].append(response)
            }
        }
        return result
    }

    /// Escalations on cases this person may see, with no answer past their deadline.
    static func overdue(for principal: Principal, today: String, context: ChangeContext) async throws -> [(Escalation, CaseFile, Brand)] {
        let db = context.app.db
        let cases = CaseService(context: context)
        let late = try await Escalation.query(on: db).filter(\.$deadline < today).sort(\.$deadline).all()
        let responses = try await responses(for: late, on: db)
        var result: [(Escalation, CaseFile, Brand)] = []
        for escalation in late where record(escalation, responses: responses[escalation.id!] ?? []).isOverdue(today: today) {
            guard let file = try await CaseFile.find(escalation.caseID, on: db),
                  CasePolicy.listable(principal, facts: try await cases.facts(file, on: db)),
                  let brand = try await Brand.find(escalation.brandID, on: db) else { continue }
            result.append((escalation, file, brand))
        }
        return result
    }
}
