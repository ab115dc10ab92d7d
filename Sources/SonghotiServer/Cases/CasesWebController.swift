import Fluent
import SonghotiCore
import Vapor

/// Cases in the browser: list, intake, detail with workflow, break-glass, and the closure-approval setting.
struct CasesWebController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cases = routes.grouped("cases")
        cases.get("new", use: newForm)
        cases.post(use: create)
        cases.get("settings", use: settings)
        cases.post("settings", use: saveSettings)
        cases.get(":caseID", use: show)
        cases.post(":caseID", "access", use: breakGlass)
        cases.post(":caseID", "transitions", use: transition)
        cases.post(":caseID", "events", use: addEvent)
        cases.get(":caseID", "events", ":eventID", "edit", use: editEventForm)
        cases.post(":caseID", "events", ":eventID", use: editEvent)
        cases.post(":caseID", "referrals", use: refer)
        cases.post(":caseID", "referrals", ":referralID", use: updateReferral)
        cases.post(":caseID", "remedies", use: recordRemedy)
        cases.on(.POST, ":caseID", "attachments", body: .collect(maxSize: ByteCount(integerLiteral: EvidenceType.maximumBytes + 64 * 1024)), use: upload)
        cases.get(":caseID", "attachments", ":attachmentID", use: download)
    }

    /// `datetime-local` values ("2026-11-23T14:05") in the organisation's time zone.
    static func parseLocal(_ text: String?, _ req: Request) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = req.application.songhotiSettings.timeZone
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    static func formatLocal(_ date: Date, _ req: Request) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = req.application.songhotiSettings.timeZone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }

    struct Option: Encodable { let value: String; let label: String; let selected: Bool }

    static func options<T: RawRepresentable>(_ values: [T], _ req: Request, key: (T) -> String, selected: String?) -> [Option] where T.RawValue == String {
        values.map { Option(value: $0.rawValue, label: req.t(key($0)), selected: $0.rawValue == selected) }
    }

    static func categoryOptions(_ req: Request, selected: String?) async throws -> [Option] {
        try await CaseCategory.query(on: req.db).filter(\.$active == true).all().compactMap(\.id)
            .map { Option(value: $0, label: req.t("case.category.\($0)"), selected: $0 == selected) }
    }

    struct FormValues: Encodable { var summary = "", workers = "", employer = "", country = "BD", incidentFrom = "", incidentTo = "", destinationCountry = "", recruitingAgency = "", restricted = false }
    struct FormView: Encodable {
        var form: FormValues
        var offices: [Option], kinds: [Option], categories: [Option], channels: [Option], urgencies: [Option]
        var errors: [String: String]
    }

    struct Form: Content {
        var office_id: String?, kind: String?, category: String?, channel: String?, urgency: String?, summary: String?, restricted: String?
        var workers: String?, employer: String?, country: String?, incident_from: String?, incident_to: String?, destination_country: String?, recruiting_agency: String?

        var input: CaseService.Input {
            CaseService.Input(officeID: office_id.flatMap(UUID.init(uuidString:)), kind: kind ?? "", category: category ?? "", channel: channel ?? "",
                              urgency: urgency ?? "", summary: summary ?? "", restricted: restricted == "on",
                              workers: (workers ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0.isNewline }).map(String.init),
                              employer: employer ?? "", country: country ?? "", incidentFrom: incident_from ?? "", incidentTo: incident_to ?? "",
                              destinationCountry: destination_country ?? "", recruitingAgency: recruiting_agency ?? "")
        }
        var values: FormValues {
            FormValues(summary: summary ?? "", workers: workers ?? "", employer: employer ?? "", country: country ?? "", incidentFrom: incident_from ?? "",
                       incidentTo: incident_to ?? "", destinationCountry: destination_country ?? "", recruitingAgency: recruiting_agency ?? "", restricted: restricted == "on")
        }
    }

    private func formView(_ req: Request, form: Form?, errors: [String: String] = [:]) async throws -> FormView {
        let principal = try req.principal()
        let offices = try await Office.query(on: req.db).filter(\.$active == true).sort(\.$name).all().filter { principal.covers(office: $0.id) }
        let selectedOffice = form?.office_id ?? principal.officeID?.uuidString
        var values = form?.values ?? FormValues()
        if form == nil, let prefill = req.query[String.self, at: "worker"] { values.workers = prefill }
        return FormView(
            form: values,
            offices: offices.map { Option(value: $0.id?.uuidString ?? "", label: $0.name, selected: $0.id?.uuidString == selectedOffice) },
            kinds: CaseFile.Kind.allCases.map { Option(value: $0.rawValue, label: req.t("case.kind.\($0.rawValue)"), selected: $0.rawValue == (form?.kind ?? "individual")) },
            categories: try await Self.categoryOptions(req, selected: form?.category),
            channels: Self.options(IntakeChannel.allCases, req, key: \.labelKey, selected: form?.channel ?? "phone"),
            urgencies: Self.options(CaseUrgency.allCases, req, key: \.labelKey, selected: form?.urgency ?? "standard"),
            errors: errors)
    }

    func newForm(req: Request) async throws -> Response {
        try req.authorize(CasePolicy.decide(try req.principal(), .create).decision)
        return try await req.page("case-form", titleKey: "cases.new_title", try await formView(req, form: nil))
    }

    func create(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(CasePolicy.decide(principal, .create).decision)
        let form = try req.content.decode(Form.self)
        do {
            let file = try await CaseService(context: req.change).create(form.input, principal: principal)
            return req.seeOther("/cases/\(try file.requireID())?notice=case_created")
        } catch let invalid as Invalid {
            return try await req.page("case-form", titleKey: "cases.new_title", try await formView(req, form: form, errors: invalid.translated(req)), status: .unprocessableEntity)
        }
    }

    struct WorkerRow: Encodable { let id: String; let code: String }
    struct ClaimRow: Encodable { let id: String; let code: String; let claim: String; let owed: String?; let outcome: String?; let calculation: String?; let unverified: Bool }
    struct AccessRow: Encodable { let who: String; let when: String; let reason: String }
    struct DetailView: Encodable {
        let id: String, reference: String, summary: String, status: String, category: String, urgency: String, channel: String, kind: String
        let restricted: Bool, office: String, employer: String?, incident: String?, country: String, destination: String?, agency: String?
        let outcome: String?, closureRequested: String?, due: String, overdue: Bool
        let workers: [WorkerRow]
        let next: [Option], outcomes: [Option]
        let canTransition: Bool
        let accesses: [AccessRow]
        let hasAccesses: Bool
        let errors: [String: String]
        let events: [EventRow]
        let hasEvents: Bool
        let eventKinds: [Option]
        let now: String
        let eventBody: String
        let referrals: [ReferralRow]
        let hasReferrals: Bool
        let referralWorkers: [Option]
        let partners: [Option]
        let hasPartners: Bool
        let canOverride: Bool
        let referralStatuses: [Option]
        let remedies: [RemedyRow]
        let hasRemedies: Bool
        let promised: [String]
        let delivered: [String]
        let remedyKinds: [Option], remedyStages: [Option], confirmations: [Option], currencies: [Option]
        let today: String
        let attachments: [AttachmentRow]
        let hasAttachments: Bool
        let claims: [ClaimRow]
        let owed: [String]
        let assignees: [String]
        let isCollective: Bool
        let canEdit: Bool
        let factoryID: String?
        let escalations: [SupplyChainWeb.EscalationRow]
        let hasEscalations: Bool
        let canEscalate: Bool
    }
    struct AttachmentRow: Encodable { let id: String; let name: String; let type: String; let size: String; let sha256: String; let by: String; let when: String }
    struct RemedyRow: Encodable { let kind: String; let stage: String; let amount: String?; let date: String; let worker: String; let confirmed: String; let note: String }
    struct ReferralRow: Encodable { let id: String; let partner: String; let worker: String; let status: String; let followUp: String?; let feedback: String; let overridden: Bool }
    struct EventRow: Encodable { let id: String; let kind: String; let when: String; let author: String; let body: String; let edited: Bool; let history: [String]; let canEdit: Bool }
    struct ReasonView: Encodable { let id: String; let reference: String; let error: String? }

    func loadCase(_ req: Request) async throws -> CaseFile {
        let principal = try req.principal()
        try req.authorize(CasePolicy.decide(principal, .list).decision)
        guard let id = req.parameters.get("caseID", as: UUID.self), let file = try await CaseFile.find(id, on: req.db) else { throw Abort(.notFound) }
        return file
    }

    func detail(_ req: Request, _ file: CaseFile, errors: [String: String] = [:], eventBody: String = "", status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.principal()
        let service = CaseService(context: req.change)
        let id = try file.requireID()
        let links = try await CaseWorkerLink.query(on: req.db).filter(\.$caseID == id).all()
        var workers: [WorkerRow] = []
        var claims: [ClaimRow] = []
        let claimService = CaseClaims(context: req.change)
        let calculationIDs = links.compactMap(\.calculationID)
        let unverified = calculationIDs.isEmpty ? [] : Set(try await EntitlementCalculation.query(on: req.db).filter(\.$id ~~ calculationIDs)
            .filter(\.$hasUnverified == true).all().compactMap(\.id))
        for link in links {
            guard let w = try await Worker.find(link.workerID, on: req.db) else { continue }
            workers.append(WorkerRow(id: link.workerID.uuidString, code: w.code))
            claims.append(ClaimRow(id: link.workerID.uuidString, code: w.code, claim: try claimService.claimText(link), owed: link.owed.map(req.format.money),
                                   outcome: link.outcome.map { req.t("case.outcome.\($0)") }, calculation: link.calculationID?.uuidString,
                                   unverified: link.calculationID.map(unverified.contains) ?? false))
        }
        workers.sort { $0.code < $1.code }
        claims.sort { $0.code < $1.code }
        var assigneeNames: [String] = []
        for assignee in try await CaseAssignee.query(on: req.db).filter(\.$caseID == id).all() {
            if let user = try await User.find(assignee.userID, on: req.db) { assigneeNames.append(user.displayName) }
        }
        let liveFactory = try await file.factoryID.asyncFlatMap { try await FactoryService.live($0, on: req.db) }
        let liveFactoryID = liveFactory?.id
        let employer = liveFactory?.name
        let escalationRows = try await SupplyChainWeb.escalationRows(
            try await Escalation.query(on: req.db).filter(\.$caseID == id).sort(\.$sentOn).all(), cases: [id: file], req)
        let office = try await Office.find(file.officeID, on: req.db)?.name ?? ""
        var accesses: [AccessRow] = []
        if file.restricted, try await service.verdict(file, .update, principal: principal, on: req.db) == .allow || principal.role == .coordinator {
            for access in try await CaseAccessReason.query(on: req.db).filter(\.$caseID == id).sort(\.$createdAt, .descending).all() {
                let who = try await User.find(access.userID, on: req.db)?.displayName ?? ""
                let reason = (try? req.application.fieldProtection.cipher.openString(access.reason, context: CaseAccessReason.reasonContext(try access.requireID()))) ?? ""
                accesses.append(AccessRow(who: who, when: access.createdAt.map(req.format.dateTime) ?? "", reason: reason))
            }
        }
        let incident = [file.incidentFrom, file.incidentTo].compactMap { $0.flatMap(CalendarDate.parse).map(req.format.calendarDate) }.joined(separator: " – ")
        let canTransition = try await service.verdict(file, .transition, principal: principal, on: req.db) == .allow
        try await req.write { db in try await req.audit("case.view", "case", id.uuidString, on: db) }
        var names: [UUID: String] = [:]
        var events: [EventRow] = []
        for entry in try await CaseTimeline(context: req.change).entries(of: file, on: req.db) {
            if names[entry.authorID] == nil { names[entry.authorID] = try await User.find(entry.authorID, on: req.db)?.displayName ?? "" }
            events.append(EventRow(id: entry.id.uuidString, kind: req.t("event.kind.\(entry.kind)"), when: req.format.dateTime(entry.occurredAt),
                                   author: names[entry.authorID] ?? "", body: entry.body, edited: entry.edited, history: entry.history,
                                   canEdit: canTransition && (entry.authorID == principal.userID || principal.role == .coordinator)))
        }
        var partnerNames: [UUID: String] = [:]
        let partners = try await Partner.query(on: req.db).sort(\.$name).all()
        for partner in partners { if let pid = partner.id { partnerNames[pid] = partner.name } }
        let codes = Dictionary(uniqueKeysWithValues: workers.map { ($0.id, $0.code) })
        let referrals = try await Referral.query(on: req.db).filter(\.$caseID == id).sort(\.$createdAt).all().map { referral in
            ReferralRow(id: referral.id?.uuidString ?? "", partner: partnerNames[referral.partnerID] ?? "", worker: codes[referral.workerID.uuidString] ?? "",
                        status: req.t("referral.status.\(referral.status)"), followUp: referral.followUpOn.flatMap(CalendarDate.parse).map(req.format.calendarDate),
                        feedback: (try? referral.feedbackText(req.application.fieldProtection.cipher)) ?? "", overridden: referral.overrideBy != nil)
        }
        let activePartners = partners.filter(\.active)
        let remedyItems = try await RemedyItem.query(on: req.db).filter(\.$caseID == id).sort(\.$onDate).all()
        let remedies = remedyItems.map { item in
            RemedyRow(kind: req.t("remedy.kind.\(item.kind)"), stage: req.t("remedy.stage.\(item.stage)"), amount: item.money.map(req.format.money),
                      date: CalendarDate.parse(item.onDate).map(req.format.calendarDate) ?? item.onDate,
                      worker: item.workerID.flatMap { codes[$0.uuidString] } ?? req.t("remedy.whole_case"),
                      confirmed: req.t("remedy.confirmed.\(item.confirmed)"), note: (try? item.noteText(req.application.fieldProtection.cipher)) ?? "")
        }
        let totals = RemedyService.totals(remedyItems)
        let store = EvidenceStore(context: req.change)
        var attachments: [AttachmentRow] = []
        for attachment in try await Attachment.query(on: req.db).filter(\.$caseID == id).sort(\.$createdAt).all() {
            if names[attachment.uploadedBy] == nil { names[attachment.uploadedBy] = try await User.find(attachment.uploadedBy, on: req.db)?.displayName ?? "" }
            attachments.append(AttachmentRow(id: attachment.id?.uuidString ?? "", name: store.filename(of: attachment), type: attachment.mediaType,
                                             size: req.format.number(max(1, attachment.size / 1024)) + " KB", sha256: attachment.sha256,
                                             by: names[attachment.uploadedBy] ?? "", when: attachment.createdAt.map(req.format.dateTime) ?? ""))
        }
        func lines(_ sums: [String: Int64]) -> [String] { sums.isEmpty ? ["—"] : sums.sorted { $0.key < $1.key }.map { req.format.money(Money(minorUnits: $0.value, currency: $0.key)) } }
        let view = DetailView(
            id: id.uuidString, reference: file.reference, summary: try service.summary(of: file), status: req.t("case.status.\(file.status)"),
            category: req.t("case.category.\(file.category)"), urgency: req.t("case.urgency.\(file.urgency)"), channel: req.t("case.channel.\(file.channel)"),
            kind: req.t("case.kind.\(file.kind)"), restricted: file.restricted, office: office, employer: employer, incident: incident.isEmpty ? nil : incident,
            country: file.country, destination: file.destinationCountry, agency: file.recruitingAgency,
            outcome: file.outcome.map { req.t("case.outcome.\($0)") }, closureRequested: file.closureRequestedOutcome.map { req.t("case.outcome.\($0)") },
            due: req.format.dateTime(file.firstResponseDueAt), overdue: file.caseStatus == .new && file.firstResponseDueAt < Date(),
            workers: workers,
            next: CaseWorkflow.allowedNext(from: file.caseStatus).map { Option(value: $0.rawValue, label: req.t($0.labelKey), selected: false) },
            outcomes: [Option(value: "", label: req.t("cases.no_outcome"), selected: true)] + Self.options(CaseOutcome.allCases, req, key: \.labelKey, selected: nil),
            canTransition: canTransition, accesses: accesses, hasAccesses: !accesses.isEmpty, errors: errors,
            events: events, hasEvents: !events.isEmpty,
            eventKinds: CaseEvent.Kind.allCases.map { Option(value: $0.rawValue, label: req.t("event.kind.\($0.rawValue)"), selected: $0 == .note) },
            now: Self.formatLocal(Date(), req), eventBody: eventBody,
            referrals: referrals, hasReferrals: !referrals.isEmpty,
            referralWorkers: workers.map { Option(value: $0.id, label: $0.code, selected: false) },
            partners: activePartners.map { Option(value: $0.id?.uuidString ?? "", label: $0.name + " (" + req.t("partner.kind.\($0.kind)") + ")", selected: false) },
            hasPartners: !activePartners.isEmpty, canOverride: principal.role == .coordinator,
            referralStatuses: Referral.Status.allCases.map { Option(value: $0.rawValue, label: req.t("referral.status.\($0.rawValue)"), selected: false) },
            remedies: remedies, hasRemedies: !remedies.isEmpty, promised: lines(totals.promised), delivered: lines(totals.delivered),
            remedyKinds: RemedyItem.Kind.allCases.map { Option(value: $0.rawValue, label: req.t("remedy.kind.\($0.rawValue)"), selected: false) },
            remedyStages: RemedyItem.Stage.allCases.map { Option(value: $0.rawValue, label: req.t("remedy.stage.\($0.rawValue)"), selected: $0 == .delivered) },
            confirmations: RemedyItem.Confirmation.allCases.map { Option(value: $0.rawValue, label: req.t("remedy.confirmed.\($0.rawValue)"), selected: $0 == .unknown) },
            currencies: Money.minorDigits.keys.sorted().map { Option(value: $0, label: $0, selected: $0 == (file.country == "KH" ? "USD" : "BDT")) },
            today: CalendarDate.today(in: req.application.songhotiSettings.timeZone),
            attachments: attachments, hasAttachments: !attachments.isEmpty,
            claims: claims, owed: lines(CaseClaims.owed(links)), assignees: assigneeNames.sorted(), isCollective: file.kind == CaseFile.Kind.collective.rawValue,
            canEdit: canTransition, factoryID: liveFactoryID?.uuidString,
            escalations: escalationRows, hasEscalations: !escalationRows.isEmpty,
            canEscalate: canTransition && SupplyChainPolicy.decide(principal, .escalate).isAllowed)
        return try await req.page("case", titleKey: "cases.detail_title", view, status: status)
    }

    func show(req: Request) async throws -> Response {
        let file = try await loadCase(req)
        switch try await CaseService(context: req.change).verdict(file, .view, principal: try req.principal(), on: req.db) {
        case .allow: return try await detail(req, file)
        case .needsReason:
            return try await req.page("case-reason", titleKey: "cases.reason_title", ReasonView(id: try file.requireID().uuidString, reference: file.reference, error: nil), status: .forbidden)
        case .deny(let why): try req.authorize(.deny(why)); throw Abort(.forbidden)
        }
    }

    func breakGlass(req: Request) async throws -> Response {
        let file = try await loadCase(req)
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        do {
            try await CaseService(context: req.change).breakGlass(file, principal: try req.principal(), reason: reason)
            return req.seeOther("/cases/\(try file.requireID())")
        } catch let invalid as Invalid {
            return try await req.page("case-reason", titleKey: "cases.reason_title",
                                      ReasonView(id: try file.requireID().uuidString, reference: file.reference, error: invalid.translated(req)["reason"]), status: .unprocessableEntity)
        }
    }

    func transition(req: Request) async throws -> Response {
        let file = try await loadCase(req)
        let principal = try req.principal()
        let service = CaseService(context: req.change)
        guard try await service.verdict(file, .transition, principal: principal, on: req.db) == .allow else { throw Abort(.forbidden) }
        let to = (try? req.content.get(String.self, at: "to")) ?? ""
        let outcome = try? req.content.get(String.self, at: "outcome")
        do {
            let result = try await service.transition(file, to: to, outcome: outcome, principal: principal)
            return req.seeOther("/cases/\(try file.requireID())?notice=\(result == .moved ? "case_moved" : "closure_requested")")
        } catch let invalid as Invalid {
            return try await detail(req, file, errors: invalid.translated(req), status: .unprocessableEntity)
        }
    }

    /// The case, once the principal may change it (caseworkers and coordinators with access).
    func changeableCase(_ req: Request) async throws -> CaseFile {
        let file = try await loadCase(req)
        let verdict = try await CaseService(context: req.change).verdict(file, .update, principal: try req.principal(), on: req.db)
        try req.authorize(verdict.decision)
        return file
    }

    func addEvent(req: Request) async throws -> Response {
        let file = try await changeableCase(req)
        let kind = (try? req.content.get(String.self, at: "kind")) ?? ""
        let body = (try? req.content.get(String.self, at: "body")) ?? ""
        let when = Self.parseLocal(try? req.content.get(String.self, at: "occurred_at"), req)
        do {
            _ = try await CaseTimeline(context: req.change).add(to: file, kind: kind, body: body, occurredAt: when, principal: try req.principal())
            return req.seeOther("/cases/\(try file.requireID())?notice=event_added")
        } catch let invalid as Invalid {
            return try await detail(req, file, errors: invalid.translated(req), eventBody: body, status: .unprocessableEntity)
        }
    }

    func refer(req: Request) async throws -> Response {
        let file = try await changeableCase(req)
        let workerID = (try? req.content.get(String.self, at: "worker_id")).flatMap(UUID.init(uuidString:)) ?? UUID()
        let partnerID = (try? req.content.get(String.self, at: "partner_id")).flatMap(UUID.init(uuidString:)) ?? UUID()
        let followUp = (try? req.content.get(String.self, at: "follow_up_on")) ?? ""
        let reason = try? req.content.get(String.self, at: "override_reason")
        do {
            _ = try await ReferralService(context: req.change).refer(file: file, workerID: workerID, partnerID: partnerID, followUpOn: followUp,
                                                                     overrideReason: reason, principal: try req.principal())
            return req.seeOther("/cases/\(try file.requireID())?notice=referral_sent")
        } catch let invalid as Invalid {
            return try await detail(req, file, errors: invalid.translated(req).mapKeys { "referral_" + $0 }, status: .unprocessableEntity)
        } catch let refused as ReferralService.ConsentRequired {
            return try await detail(req, file, errors: ["referral_consent": req.t(ReferralService.refusalKey(refused.refusal))], status: .conflict)
        }
    }

    func updateReferral(req: Request) async throws -> Response {
        let file = try await changeableCase(req)
        guard let id = req.parameters.get("referralID", as: UUID.self), let referral = try await Referral.find(id, on: req.db), referral.caseID == file.id else {
            throw Abort(.notFound)
        }
        do {
            try await ReferralService(context: req.change).update(referral, of: file, status: (try? req.content.get(String.self, at: "status")) ?? "",
                                                                  feedback: (try? req.content.get(String.self, at: "feedback")) ?? "")
            return req.seeOther("/cases/\(try file.requireID())?notice=referral_updated")
        } catch let invalid as Invalid {
            return try await detail(req, file, errors: invalid.translated(req).mapKeys { "referral_" + $0 }, status: .unprocessableEntity)
        }
    }

    func recordRemedy(req: Request) async throws -> Response {
        let file = try await changeableCase(req)
        func field(_ name: String) -> String { (try? req.content.get(String.self, at: name)) ?? "" }
        let input = RemedyService.Input(workerID: field("worker_id"), kind: field("kind"), stage: field("stage"), amount: field("amount"),
                                        currency: field("currency"), onDate: field("on_date"), confirmed: field("confirmed"), note: field("note"))
        do {
            _ = try await RemedyService(context: req.change).record(input, on: file, principal: try req.principal())
            return req.seeOther("/cases/\(try file.requireID())?notice=remedy_recorded")
        } catch let invalid as Invalid {
            return try await detail(req, file, errors: invalid.translated(req).mapKeys { "remedy_" + $0 }, status: .unprocessableEntity)
        }
    }

    struct Upload: Content { var file: File? }

    func upload(req: Request) async throws -> Response {
        let file = try await changeableCase(req)
        let upload = try? req.content.decode(Upload.self)
        guard let part = upload?.file else {
            return try await detail(req, file, errors: ["evidence": req.t("evidence.error.empty")], status: .unprocessableEntity)
        }
        do {
            _ = try await EvidenceStore(context: req.change).store(Data(buffer: part.data), filename: part.filename, on: file, principal: try req.principal())
            return req.seeOther("/cases/\(try file.requireID())?notice=evidence_added")
        } catch let refusal as EvidenceStore.Refusal {
            return try await detail(req, file, errors: ["evidence": req.t(EvidenceStore.refusalKey(refusal))], status: .unprocessableEntity)
        }
    }

    func download(req: Request) async throws -> Response {
        let file = try await loadCase(req)
        let verdict = try await CaseService(context: req.change).verdict(file, .view, principal: try req.principal(), on: req.db)
        try req.authorize(verdict.decision)
        guard let id = req.parameters.get("attachmentID", as: UUID.self), let attachment = try await Attachment.find(id, on: req.db), attachment.caseID == file.id else {
            throw Abort(.notFound)
        }
        let response = try EvidenceStore(context: req.change).download(attachment, for: req)
        try await req.write { db in try await req.audit("attachment.download", "case", attachment.caseID.uuidString, on: db) }
        return response
    }

    struct EventEditView: Encodable { let caseID: String; let eventID: String; let reference: String; let body: String; let error: String? }

    private func editableEvent(_ req: Request, _ file: CaseFile) async throws -> CaseEvent {
        let principal = try req.principal()
        guard let id = req.parameters.get("eventID", as: UUID.self), let event = try await CaseEvent.find(id, on: req.db), event.caseID == file.id else { throw Abort(.notFound) }
        guard event.authorID == principal.userID || principal.role == .coordinator else {
            try req.authorize(.deny("only the author or a coordinator edits a timeline entry")); throw Abort(.forbidden)
        }
        return event
    }

    func editEventForm(req: Request) async throws -> Response {
        let file = try await changeableCase(req)
        let event = try await editableEvent(req, file)
        return try await req.page("case-event-edit", titleKey: "event.edit_title", EventEditView(
            caseID: try file.requireID().uuidString, eventID: try event.requireID().uuidString, reference: file.reference,
            body: try CaseTimeline(context: req.change).text(of: event), error: nil))
    }

    func editEvent(req: Request) async throws -> Response {
        let file = try await changeableCase(req)
        let event = try await editableEvent(req, file)
        let body = (try? req.content.get(String.self, at: "body")) ?? ""
        do {
            try await CaseTimeline(context: req.change).edit(event, of: file, body: body, principal: try req.principal())
            return req.seeOther("/cases/\(try file.requireID())?notice=event_edited")
        } catch let invalid as Invalid {
            return try await req.page("case-event-edit", titleKey: "event.edit_title", EventEditView(
                caseID: try file.requireID().uuidString, eventID: try event.requireID().uuidString, reference: file.reference,
                body: body, error: invalid.translated(req)["body"]), status: .unprocessableEntity)
        }
    }

    struct SettingsView: Encodable { let approval: Bool }

    private func authorizeSettings(_ req: Request) throws {
        let principal = try req.principal()
        guard [.coordinator, .administrator].contains(principal.role), principal.isOrganisationWide || principal.role == .coordinator else {
            try req.authorize(.deny("case settings are for coordinators and administrators")); return
        }
    }

    func settings(req: Request) async throws -> Response {
        try authorizeSettings(req)
        return try await req.page("case-settings", titleKey: "cases.settings_title",
                                  SettingsView(approval: try await OrganisationSetting.flag(OrganisationSetting.closureApproval, on: req.db)))
    }

    func saveSettings(req: Request) async throws -> Response {
        try authorizeSettings(req)
        let on = (try? req.content.get(String.self, at: "approval")) == "on"
        try await req.write { db in
            let setting = try await OrganisationSetting.find(OrganisationSetting.closureApproval, on: db)
                ?? OrganisationSetting(key: OrganisationSetting.closureApproval, value: "false")
            setting.value = on ? "true" : "false"
            try await setting.save(on: db)
            try await req.audit("settings.case_closure_approval", "organisation", nil, on: db)
        }
        return req.seeOther("/cases/settings?notice=settings_saved")
    }
}

extension CasePolicy.Verdict {
    /// As a plain decision: asking for a reason counts as a refusal where no reason can be given.
    var decision: Decision {
        switch self {
        case .allow: .allow
        case .needsReason: .deny("a reason is needed to open this restricted case")
        case .deny(let why): .deny(why)
        }
    }
}

extension Dictionary where Key == String {
    func mapKeys(_ transform: (String) -> String) -> [String: Value] {
        Dictionary(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
