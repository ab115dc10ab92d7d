import Fluent
import Foundation
import SQLKit
import SonghotiCore
import Vapor

/// Changing a case after intake: its facts, who is assigned, the restriction, and each worker's claim.
extension CaseService {
    /// A partial change: nil leaves a field as it is.
    struct Edit: Sendable {
        var category: String?
        var channel: String?
        var urgency: String?
        var summary: String?
        var employer: String?
        var country: String?
        var incidentFrom: String?
        var incidentTo: String?
        var destinationCountry: String?
        var recruitingAgency: String?
        var restricted: Bool?
        var assignees: [UUID]?
    }

    /// Applies `edit`; policy checks for assigning and lifting a restriction happen here, once for web and API.
    func update(_ file: CaseFile, with edit: Edit, principal: Principal) async throws {
        let db = app.db
        let facts = try await facts(file, on: db)
        var fields: [String: String] = [:]
        let category = try await edit.category.asyncFlatMap { try await CaseCategory.find($0, on: db) }
        if let wanted = edit.category, wanted != file.category, category?.active != true { fields["category"] = "form.error.choose" }
        if let channel = edit.channel, IntakeChannel(rawValue: channel) == nil { fields["channel"] = "form.error.choose" }
        if let urgency = edit.urgency, CaseUrgency(rawValue: urgency) == nil { fields["urgency"] = "form.error.choose" }
        let summary = edit.summary?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let summary, summary.isEmpty || summary.count > 20_000 { fields["summary"] = "case.error.summary" }
        let country = edit.country?.trimmingCharacters(in: .whitespaces).uppercased()
        if let country, !Self.isCountryCode(country) { fields["country"] = "case.error.country" }
        if let destination = edit.destinationCountry?.trimmingCharacters(in: .whitespaces), !destination.isEmpty, !Self.isCountryCode(destination) {
            fields["destination_country"] = "case.error.country"
        }
        for (key, value) in [("incident_from", edit.incidentFrom), ("incident_to", edit.incidentTo)] {
            if let value, !value.isEmpty, CalendarDate.parse(value) == nil { fields[key] = "worker.error.date" }
        }
        let from = edit.incidentFrom ?? file.incidentFrom ?? ""
        let to = edit.incidentTo ?? file.incidentTo ?? ""
        if fields["incident_from"] == nil, fields["incident_to"] == nil, !from.isEmpty, !to.isEmpty, to < from { fields["incident_to"] = "case.error.date_order" }
        if (edit.recruitingAgency?.count ?? 0) > 300 || (edit.employer?.count ?? 0) > 300 { fields["employer"] = "form.error.too_long" }

        var assignees: [UUID]?
        if let wanted = edit.assignees, Set(wanted) != facts.assignees {
            guard CasePolicy.decide(principal, .assign, facts: facts).isAllowed else { throw Abort(.forbidden, reason: "Only a coordinator assigns staff to a case.") }
            var valid: [UUID] = []
            for id in wanted where !valid.contains(id) {
                guard let user = try await User.find(id, on: db), !user.isDisabled,
                      let role = Role(rawValue: user.roleRaw), [.caseworker, .coordinator].contains(role),
                      user.officeID == nil || user.officeID == file.officeID else { fields["assignees"] = "case.error.assignee"; continue }
                valid.append(id)
            }
            if valid.isEmpty { fields["assignees"] = "case.error.assignee" }
            assignees = valid
        }
        // A category that is restricted by default restricts the case; only a coordinator lifts a restriction.
        var restricted = edit.restricted ?? file.restricted
        if category?.restrictedByDefault == true { restricted = true }
        if file.restricted && !restricted, !CasePolicy.decide(principal, .unrestrict, facts: facts).isAllowed {
            throw Abort(.forbidden, reason: "Only a coordinator lifts a case's restriction.")
        }
        guard fields.isEmpty else { throw Invalid(fields: fields) }

        let id = try file.requireID()
        if let category = edit.category { file.category = category }
        if let channel = edit.channel { file.channel = channel }
        if let urgency = edit.urgency.flatMap(CaseUrgency.init(rawValue:)), urgency.rawValue != file.urgency {
            file.urgency = urgency.rawValue
            // The first-response target follows the urgency, counted from when the case was opened.
            file.firstResponseDueAt = (file.createdAt ?? Date()).addingTimeInterval(urgency.firstResponseTarget)
        }
        if let country { file.country = country }
        if let value = edit.incidentFrom { file.incidentFrom = value.isEmpty ? nil : value }
        if let value = edit.incidentTo { file.incidentTo = value.isEmpty ? nil : value }
        if let value = edit.destinationCountry?.trimmingCharacters(in: .whitespaces) { file.destinationCountry = value.isEmpty ? nil : value.uppercased() }
        if let value = edit.recruitingAgency?.trimmingCharacters(in: .whitespacesAndNewlines) { file.recruitingAgency = value.isEmpty ? nil : value }
        let narrative = try summary ?? self.summary(of: file)
        let restrictionChanged = restricted != file.restricted
        file.restricted = restricted
        let cipher = app.fieldProtection.cipher
        (file.summary, file.summarySealed) = try cipher.place(narrative, sealed: restricted, context: CaseFile.summaryContext(id))
        let employer = edit.employer?.trimmingCharacters(in: .whitespacesAndNewlines)
        let caseCountry = file.country
        let context = self.context
        let nowRestricted = restricted, newAssignees = assignees
        try await context.write { db in
            if let employer {
                file.factoryID = try await employer.isEmpty ? nil : Self.factory(named: employer, country: caseCountry, context: context, on: db)
            }
            try await file.update(on: db)
            if restrictionChanged {
                try await Self.reseal(caseID: id, restricted: nowRestricted, cipher: cipher, on: db)
                try await context.audit(nowRestricted ? "case.restrict" : "case.unrestrict", "case", id.uuidString, on: db)
            }
            if let assignees = newAssignees {
                try await CaseAssignee.query(on: db).filter(\.$caseID == id).delete()
                for user in assignees { try await CaseAssignee(caseID: id, userID: user).create(on: db) }
                try await context.audit("case.assign", "case", id.uuidString, on: db)
            }
            try await CaseSearchIndex.refresh(file, on: db)
            try await context.audit("case.update", "case", id.uuidString, on: db)
        }
    }

    /// The factory record for an employer name, created if new (matching ignores case and punctuation).
    static func factory(named name: String, country: String, context: ChangeContext, on db: any Database) async throws -> UUID? {
        // The registry's own comparison form: a factory already known under this name or another of its names
        // (in the same country, after merges) is reused; otherwise a new record is made for the registry to enrich.
        let key = Factory.normalise(name)
        if let existing = try await Factory.query(on: db).filter(\.$normalisedName == key).filter(\.$country == country).first(),
           let live = try await FactoryService.live(try existing.requireID(), on: db) {
            return live.id
        }
        for alias in try await FactoryName.query(on: db).filter(\.$normalisedName == key).all() {
            if let live = try await FactoryService.live(alias.factoryID, on: db), live.country == country { return live.id }
        }
        let factory = Factory()
        factory.name = name
        factory.normalisedName = key
        factory.country = country
        factory.source = "case intake"
        try await factory.create(on: db)
        try await context.audit("factory.create", "factory", factory.id?.uuidString, on: db)
        return factory.id
    }

    /// Moves every narrative of the case between clear and sealed columns: timeline entries, their earlier
    /// versions, the workers' claims, remedy notes and referral feedback (the summary is handled by the caller).
    static func reseal(caseID: UUID, restricted: Bool, cipher: FieldCipher, on db: any Database) async throws {
        func move(_ clear: String?, _ sealed: Data?, _ context: FieldContext) throws -> (clear: String?, sealed: Data?) {
            try cipher.place(cipher.text(clear: clear, sealed: sealed, context: context), sealed: restricted, context: context)
        }
        for event in try await CaseEvent.query(on: db).filter(\.$caseID == caseID).all() {
            let eventID = try event.requireID()
            (event.body, event.bodySealed) = try move(event.body, event.bodySealed, CaseTimeline.eventContext(eventID))
            try await event.update(on: db)
            for revision in try await CaseEventRevision.query(on: db).filter(\.$eventID == eventID).all() {
                (revision.body, revision.bodySealed) = try move(revision.body, revision.bodySealed, CaseTimeline.revisionContext(try revision.requireID()))
                try await revision.update(on: db)
            }
        }
        for link in try await CaseWorkerLink.query(on: db).filter(\.$caseID == caseID).all() {
            let moved = try move(link.claim, link.claimSealed, CaseWorkerLink.claimContext(try link.requireID()))
            (link.claim, link.claimSealed) = (moved.clear ?? "", moved.sealed)
            try await link.update(on: db)
        }
        for item in try await RemedyItem.query(on: db).filter(\.$caseID == caseID).all() {
            let moved = try move(item.note, item.noteSealed, RemedyItem.noteContext(try item.requireID()))
            (item.note, item.noteSealed) = (moved.clear ?? "", moved.sealed)
            try await item.update(on: db)
        }
        for referral in try await Referral.query(on: db).filter(\.$caseID == caseID).all() {
            let moved = try move(referral.feedback, referral.feedbackSealed, Referral.feedbackContext(try referral.requireID()))
            (referral.feedback, referral.feedbackSealed) = (moved.clear ?? "", moved.sealed)
            try await referral.update(on: db)
        }
    }
}

extension CaseWorkerLink {
    /// The part of `file` of the worker the request's `:workerID` names; 404 when that worker is not on the case.
    static func named(by req: Request, on file: CaseFile) async throws -> CaseWorkerLink {
        guard let workerID = req.parameters.get("workerID", as: UUID.self),
              let link = try await find(caseID: file.requireID(), workerID: workerID, on: req.db) else { throw Abort(.notFound) }
        return link
    }
}

/// Each worker's part of a case: adding workers to a collective case, and their claim, amount owed and outcome.
struct CaseClaims {
    let context: ChangeContext
    var app: Application { context.app }

    struct Input: Sendable {
        var claim = ""
        var owed = ""
        var currency = "BDT"
        var outcome = ""
        /// `OwedComponent` raw value: what the owed amount is for.
        var component = OwedComponent.wages.rawValue
    }

    func claimText(_ link: CaseWorkerLink) throws -> String {
        try app.fieldProtection.cipher.text(clear: link.claim, sealed: link.claimSealed, context: CaseWorkerLink.claimContext(try link.requireID()))
    }

    func update(_ link: CaseWorkerLink, of file: CaseFile, with input: Input) async throws {
        var fields: [String: String] = [:]
        let claim = input.claim.trimmingCharacters(in: .whitespacesAndNewlines)
        if claim.count > 2000 { fields["claim"] = "form.error.too_long" }
        var owed: Money?
        if !input.owed.trimmingCharacters(in: .whitespaces).isEmpty {
            do { owed = try Money.parse(input.owed, currency: input.currency) } catch {
                fields[error == .unknownCurrency ? "currency" : "owed"] = error == .unknownCurrency ? "form.error.choose" : "remedy.error.amount"
            }
        }
        if !input.outcome.isEmpty, CaseOutcome(rawValue: input.outcome) == nil { fields["outcome"] = "form.error.choose" }
        if OwedComponent(rawValue: input.component) == nil { fields["component"] = "form.error.choose" }
        guard fields.isEmpty else { throw Invalid(fields: fields) }
        let placed = try app.fieldProtection.cipher.place(claim, sealed: file.restricted, context: CaseWorkerLink.claimContext(try link.requireID()))
        (link.claim, link.claimSealed) = (placed.clear ?? "", placed.sealed)
        // A hand-edited amount no longer comes from the saved calculation (which stays on the case).
        if link.calculationID != nil, owed != link.owed || input.component != link.owedComponent { link.calculationID = nil }
        link.owedMinor = owed?.minorUnits
        link.owedCurrency = owed?.currency
        link.owedComponent = input.component
        link.outcome = input.outcome.isEmpty ? nil : input.outcome
        let context = self.context
        try await context.write { db in
            try await link.update(on: db)
            try await context.audit("case.claim_update", "case", link.caseID.uuidString, on: db)
        }
    }

    /// Adds a worker (by code or id) to a collective case.
    func add(_ token: String, to file: CaseFile, principal: Principal) async throws -> CaseWorkerLink {
        let db = app.db
        guard file.kind == CaseFile.Kind.collective.rawValue else { throw Invalid(fields: ["worker": "case.error.individual"]) }
        guard let worker = try await Worker.find(token: token, on: db), principal.covers(office: worker.officeID) else { throw Invalid(fields: ["worker": "case.error.worker"]) }
        let caseID = try file.requireID()
        let workerID = try worker.requireID()
        if try await CaseWorkerLink.query(on: db).filter(\.$caseID == caseID).filter(\.$workerID == workerID).first() != nil {
            throw Invalid(fields: ["worker": "case.error.worker_linked"])
        }
        let link = CaseWorkerLink(caseID: caseID, workerID: workerID, claim: "")
        let context = self.context
        try await context.write { db in
            try await link.create(on: db)
            try await context.audit("case.worker_add", "case", caseID.uuidString, on: db)
        }
        return link
    }

    /// Takes a worker off a collective case (added by mistake, or not part of the claim after all). Refused when it
    /// would leave the case without workers, or when referrals or remedies already name this worker on the case.
    func remove(_ link: CaseWorkerLink, from file: CaseFile) async throws {
        let db = app.db
        let caseID = try file.requireID()
        if try await CaseWorkerLink.query(on: db).filter(\.$caseID == caseID).count() <= 1 { throw Invalid(fields: ["worker": "claims.error.last_worker"]) }
        let referrals = try await Referral.query(on: db).filter(\.$caseID == caseID).filter(\.$workerID == link.workerID).count()
        let remedies = try await RemedyItem.query(on: db).filter(\.$caseID == caseID).filter(\.$workerID == link.workerID).count()
        if referrals + remedies > 0 { throw Invalid(fields: ["worker": "claims.error.worker_in_use"]) }
        let context = self.context
        try await context.write { db in
            try await link.delete(on: db)
            try await context.audit("case.worker_remove", "case", caseID.uuidString, on: db)
        }
    }

    /// Owed money per currency over the case's workers.
    static func owed(_ links: [CaseWorkerLink]) -> [String: Int64] { Money.totals(links.compactMap(\.owed)) }
}

/// Owed, promised and delivered money per office and currency, over every case in the reader's scope.
struct RemedyTotals {
    struct Line: Sendable, Encodable, Equatable {
        let officeID: UUID
        let currency: String
        var owed: Int64 = 0
        var promised: Int64 = 0
        var delivered: Int64 = 0
    }

    static func lines(principal: Principal, on db: any Database) async throws -> [Line] {
        let sql = db.sql
        let scope: SQLQueryString = principal.officeID.map { " AND c.office_id = \(bind: $0)" } ?? ""
        var lines: [String: Line] = [:]
        func key(_ office: UUID, _ currency: String) -> String { office.uuidString + currency }
        let owed = try await sql.raw("""
            SELECT c.office_id AS office_id, cw.owed_currency AS currency, CAST(SUM(cw.owed_minor) AS BIGINT) AS total
            FROM case_workers cw JOIN cases c ON c.id = cw.case_id
            WHERE cw.owed_minor IS NOT NULL
            """ + scope + " GROUP BY c.office_id, cw.owed_currency").all()
        for row in owed {
            let office = try row.decode(column: "office_id", as: UUID.self), currency = try row.decode(column: "currency", as: String.self)
            lines[key(office, currency), default: Line(officeID: office, currency: currency)].owed += try row.decode(column: "total", as: Int64.self)
        }
        let remedies = try await sql.raw("""
            SELECT c.office_id AS office_id, r.stage AS stage, r.currency AS currency, CAST(SUM(r.amount_minor) AS BIGINT) AS total
            FROM remedy_items r JOIN cases c ON c.id = r.case_id
            WHERE r.amount_minor IS NOT NULL
            """ + scope + " GROUP BY c.office_id, r.stage, r.currency").all()
        for row in remedies {
            let office = try row.decode(column: "office_id", as: UUID.self), currency = try row.decode(column: "currency", as: String.self)
            let total = try row.decode(column: "total", as: Int64.self)
            if try row.decode(column: "stage", as: String.self) == RemedyItem.Stage.delivered.rawValue {
                lines[key(office, currency), default: Line(officeID: office, currency: currency)].delivered += total
            } else {
                lines[key(office, currency), default: Line(officeID: office, currency: currency)].promised += total
            }
        }
        return lines.values.sorted { ($0.officeID.uuidString, $0.currency) < ($1.officeID.uuidString, $1.currency) }
    }
}
