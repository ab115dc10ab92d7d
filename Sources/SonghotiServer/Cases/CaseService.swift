import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Opening, reading and moving cases; the pages and the API both come through here.
struct CaseService {
    let context: ChangeContext
    var app: Application { context.app }

    struct Input: Sendable {
        var officeID: UUID?
        var kind = CaseFile.Kind.individual.rawValue
        var category = ""
        var channel = ""
        var urgency = CaseUrgency.standard.rawValue
        var summary = ""
        var restricted = false
        /// Worker codes ("W-00012") or ids.
        var workers: [String] = []
        var employer = ""
        var country = "BD"
        var incidentFrom = ""
        var incidentTo = ""
        var destinationCountry = ""
        var recruitingAgency = ""
    }

    // MARK: Access

    func facts(_ file: CaseFile, on db: any Database) async throws -> CasePolicy.Facts {
        let assignees = try await CaseAssignee.query(on: db).filter(\.$caseID == file.requireID()).all().map(\.userID)
        return CasePolicy.Facts(officeID: file.officeID, restricted: file.restricted, assignees: Set(assignees))
    }

    /// Whether `principal` stated a reason for this restricted case recently enough.
    func hasBrokenGlass(_ file: CaseFile, principal: Principal, on db: any Database, now: Date = Date()) async throws -> Bool {
        try await CaseAccessReason.query(on: db)
            .filter(\.$caseID == file.requireID()).filter(\.$userID == principal.userID)
            .filter(\.$createdAt > now.addingTimeInterval(-CaseAccessReason.validity)).count() > 0
    }

    func verdict(_ file: CaseFile, _ action: CasePolicy.Action, principal: Principal, on db: any Database) async throws -> CasePolicy.Verdict {
        let facts = try await facts(file, on: db)
        let first = CasePolicy.decide(principal, action, facts: facts)
        guard first == .needsReason else { return first }
        return CasePolicy.decide(principal, action, facts: facts, brokeGlass: try await hasBrokenGlass(file, principal: principal, on: db))
    }

    static let minimumReason = 10

    /// A two-letter ISO 3166 code as typed ("BD", "my"): two ASCII letters.
    static func isCountryCode(_ text: String) -> Bool { text.count == 2 && text.allSatisfy { $0.isASCII && $0.isLetter } }

    /// Records a break-glass reason (sealed) and audits it.
    func breakGlass(_ file: CaseFile, principal: Principal, reason raw: String) async throws {
        let reason = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard reason.count >= Self.minimumReason, reason.count <= 1000 else { throw Invalid(fields: ["reason": "case.error.reason"]) }
        guard CasePolicy.decide(principal, .view, facts: try await facts(file, on: app.db), brokeGlass: true) == .allow else { throw Abort(.forbidden) }
        let access = CaseAccessReason()
        let id = UUID()
        access.id = id
        access.caseID = try file.requireID()
        access.userID = principal.userID
        access.reason = try app.fieldProtection.cipher.seal(reason, context: CaseAccessReason.reasonContext(id))
        let context = self.context
        try await context.write { db in
            try await access.create(on: db)
            try await context.audit("case.break_glass", "case", access.caseID.uuidString, on: db)
        }
    }

    func summary(of file: CaseFile) throws -> String {
        try app.fieldProtection.cipher.text(clear: file.summary, sealed: file.summarySealed, context: CaseFile.summaryContext(try file.requireID()))
    }

    // MARK: Opening a case

    func create(_ input: Input, principal: Principal, now: Date = Date()) async throws -> CaseFile {
        let db = app.db
        var fields: [String: String] = [:]
        let office = try await input.officeID.asyncFlatMap { try await Office.find($0, on: db) }
        if office == nil || !principal.covers(office: input.officeID) { fields["office_id"] = "form.error.choose" }
        if CaseFile.Kind(rawValue: input.kind) == nil { fields["kind"] = "form.error.choose" }
        let category = try await CaseCategory.find(input.category, on: db)
        if category?.active != true { fields["category"] = "form.error.choose" }
        if IntakeChannel(rawValue: input.channel) == nil { fields["channel"] = "form.error.choose" }
        guard let urgency = CaseUrgency(rawValue: input.urgency) else { throw Invalid(fields: fields.merging(["urgency": "form.error.choose"]) { a, _ in a }) }
        let summary = input.summary.trimmingCharacters(in: .whitespacesAndNewlines)
        if summary.isEmpty || summary.count > 20_000 { fields["summary"] = "case.error.summary" }
        let country = input.country.trimmingCharacters(in: .whitespaces).uppercased()
        if !Self.isCountryCode(country) { fields["country"] = "case.error.country" }
        for (key, value) in [("incident_from", input.incidentFrom), ("incident_to", input.incidentTo)] where !value.isEmpty && CalendarDate.parse(value) == nil {
            fields[key] = "worker.error.date"
        }
        if !input.incidentFrom.isEmpty, !input.incidentTo.isEmpty, input.incidentTo < input.incidentFrom { fields["incident_to"] = "case.error.date_order" }
        var workers: [Worker] = []
        for token in input.workers.map({ $0.trimmingCharacters(in: .whitespaces) }).filter({ !$0.isEmpty }) {
            let found = try await Worker.find(token: token, on: db)
            guard let found, principal.covers(office: found.officeID) else { fields["workers"] = "case.error.worker"; continue }
            if !workers.contains(where: { $0.id == found.id }) { workers.append(found) }
        }
        if workers.isEmpty, fields["workers"] == nil { fields["workers"] = "case.error.no_worker" }
        if input.kind == CaseFile.Kind.individual.rawValue, workers.count > 1 { fields["workers"] = "case.error.individual" }
        guard fields.isEmpty, let office, let category else { throw Invalid(fields: fields) }

        let id = UUID()
        let file = CaseFile()
        file.id = id
        file.officeID = try office.requireID()
        file.kind = input.kind
        file.category = input.category
        file.channel = input.channel
        file.urgency = urgency.rawValue
        file.status = CaseStatus.new.rawValue
        file.restricted = input.restricted || category.restrictedByDefault
        (file.summary, file.summarySealed) = try app.fieldProtection.cipher.place(summary, sealed: file.restricted, context: CaseFile.summaryContext(id))
        file.incidentFrom = input.incidentFrom.isEmpty ? nil : input.incidentFrom
        file.incidentTo = input.incidentTo.isEmpty ? nil : input.incidentTo
        file.country = country
        file.destinationCountry = input.destinationCountry.isEmpty ? nil : input.destinationCountry.uppercased()
        file.recruitingAgency = input.recruitingAgency.isEmpty ? nil : input.recruitingAgency
        file.firstResponseDueAt = now.addingTimeInterval(urgency.firstResponseTarget)
        file.createdBy = principal.userID
        let year = Calendar(identifier: .gregorian).component(.year, from: now)
        let employer = input.employer.trimmingCharacters(in: .whitespacesAndNewlines)
        let context = self.context
        let officeCode = office.code
        let workerIDs = try workers.map { try $0.requireID() }
        try await context.write { db in
            if !employer.isEmpty { file.factoryID = try await Self.factory(named: employer, country: country, context: context, on: db) }
            let number = try await Counters.next(CaseReference.counterName(officeCode: officeCode, year: year), on: db)
            file.reference = CaseReference.format(officeCode: officeCode, year: year, number: number)
            try await file.create(on: db)
            for workerID in workerIDs {
                try await CaseWorkerLink(caseID: id, workerID: workerID, claim: "").create(on: db)
            }
            try await CaseAssignee(caseID: id, userID: principal.userID).create(on: db)
            try await CaseSearchIndex.refresh(file, on: db)
            try await context.audit("case.create", "case", id.uuidString, on: db)
        }
        return file
    }

    // MARK: Workflow

    enum TransitionResult: Sendable { case moved, closureRequested }

    func transition(_ file: CaseFile, to raw: String, outcome rawOutcome: String?, principal: Principal) async throws -> TransitionResult {
        guard let target = CaseStatus(rawValue: raw) else { throw Invalid(fields: ["to": "form.error.choose"]) }
        let outcome = rawOutcome.flatMap { $0.isEmpty ? nil : CaseOutcome(rawValue: $0) }
        if let rawOutcome, !rawOutcome.isEmpty, outcome == nil { throw Invalid(fields: ["outcome": "form.error.choose"]) }
        let approval = try await OrganisationSetting.flag(OrganisationSetting.closureApproval, on: app.db)
        let from = file.caseStatus
        switch CaseWorkflow.decide(from: from, to: target, outcome: outcome, by: principal, approvalRequired: approval) {
        case .refused(.outcomeRequired): throw Invalid(fields: ["outcome": "case.error.outcome"])
        case .refused(.notAllowed): throw Invalid(fields: ["to": "case.error.transition"])
        case .refused(.notPermitted): throw Abort(.forbidden)
        case .closureRequested:
            file.closureRequestedOutcome = outcome?.rawValue
            file.closureRequestedBy = principal.userID
            let context = self.context
            try await context.write { db in
                try await file.update(on: db)
                try await context.audit("case.closure_request", "case", file.id?.uuidString, on: db)
            }
            return .closureRequested
        case .move:
            file.status = target.rawValue
            if target == .closed {
                file.outcome = outcome?.rawValue
                file.closureRequestedOutcome = nil
                file.closureRequestedBy = nil
            } else if from == .closed || from == .resolved {
                file.outcome = nil
            }
            let transition = CaseTransition()
            transition.caseID = try file.requireID()
            transition.from = from.rawValue
            transition.to = target.rawValue
            transition.outcome = target == .closed ? outcome?.rawValue : nil
            transition.userID = principal.userID
            let context = self.context
            let resolvedNow = target == .resolved
            try await context.write { db in
                try await file.update(on: db)
                try await transition.create(on: db)
                if resolvedNow { try await CaseTasks.scheduleRetaliationChecks(for: file, resolvedOn: Date(), by: principal.userID, on: db) }
                try await context.audit(from == .closed ? "case.reopen" : "case.transition", "case", file.id?.uuidString, on: db)
            }
            return .moved
        }
    }
}
