import Fluent
import SonghotiCore
import Vapor

/// Worker intake, lookup, details and consent, in the browser.
struct WorkersWebController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let workers = routes.grouped("workers")
        workers.get(use: list)
        workers.get("new", use: newForm)
        workers.post(use: create)
        workers.get(":workerID", use: show)
        workers.get(":workerID", "edit", use: editForm)
        workers.post(":workerID", use: update)
        workers.post(":workerID", "consents", use: recordConsent)
        workers.post(":workerID", "consents", ":consentID", "withdraw", use: withdrawConsent)
    }

    struct Option: Encodable { let value: String; let label: String; let selected: Bool }
    struct Row: Encodable { let id: String; let code: String; let sex: String; let birthYear: String; let district: String; let occupation: String; let office: String }
    struct ListView: Encodable { let rows: [Row]; let query: String; let searched: Bool; let canCreate: Bool; let hasRows: Bool }

    private func rows(_ req: Request, _ workers: [Worker]) async throws -> [Row] {
        let offices = Dictionary(uniqueKeysWithValues: try await Office.query(on: req.db).all().compactMap { o in o.id.map { ($0, o.name) } })
        return workers.map { worker in
            Row(id: worker.id?.uuidString ?? "", code: worker.code, sex: req.t("worker.sex.\(worker.sex)"),
                birthYear: worker.birthYear.map { req.format.year($0) } ?? "—", district: worker.district, occupation: worker.occupation,
                office: offices[worker.officeID] ?? "")
        }
    }

    func list(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(WorkerPolicy.decide(principal, .list))
        let query = (try? req.query.get(String.self, at: "q"))?.trimmingCharacters(in: .whitespaces) ?? ""
        let workers: [Worker]
        if query.isEmpty {
            var builder = Worker.query(on: req.db).sort(\.$codeNumber, .descending).limit(50)
            if let office = principal.officeID { builder = builder.filter(\.$officeID == office) }
            workers = try await builder.all()
        } else {
            workers = try await req.findWorkers(query)
        }
        let rows = try await rows(req, workers)
        return try await req.page("workers", titleKey: "workers.title", ListView(
            rows: rows, query: query, searched: !query.isEmpty,
            canCreate: WorkerPolicy.decide(principal, .create).isAllowed, hasRows: !rows.isEmpty))
    }

    struct FormValues: Encodable {
        var fullName = "", phone = "", nationalID = "", address = "", birthDate = "", birthYear = ""
        var district = "", upazila = "", occupation = "", grade = "", languages = ""
    }
    struct DuplicateLink: Encodable { let id: String; let code: String }
    struct FormView: Encodable {
        var id: String?
        var form: FormValues
        var sexes: [Option]
        var statuses: [Option]
        var offices: [Option]
        var errors: [String: String]
        var duplicates: [DuplicateLink]
        var hasDuplicates: Bool
    }

    struct Form: Content {
        var full_name: String?, phone: String?, national_id: String?, address: String?, birth_date: String?
        var sex: String?, birth_year: String?, district: String?, upazila: String?, occupation: String?, grade: String?
        var migrant_status: String?, languages: String?, office_id: String?, confirm_new: String?

        var input: WorkerService.Input {
            WorkerService.Input(fullName: full_name ?? "", phone: phone ?? "", nationalID: national_id ?? "", address: address ?? "",
                                birthDate: birth_date ?? "", sex: sex ?? "", birthYear: birth_year ?? "", district: district ?? "",
                                upazila: upazila ?? "", occupation: occupation ?? "", grade: grade ?? "", migrantStatus: migrant_status ?? "",
                                languages: languages ?? "", officeID: office_id.flatMap(UUID.init(uuidString:)))
        }
    }

    private func formView(_ req: Request, id: String?, input: WorkerService.Input, errors: [String: String] = [:], duplicates: [Worker] = []) async throws -> FormView {
        let principal = try req.principal()
        let officeOptions = try await Office.query(on: req.db).filter(\.$active == true).sort(\.$name).all()
            .filter { principal.covers(office: $0.id) }
        let selectedOffice = input.officeID ?? principal.officeID
        return FormView(
            id: id,
            form: FormValues(fullName: input.fullName, phone: input.phone, nationalID: input.nationalID, address: input.address,
                             birthDate: input.birthDate, birthYear: input.birthYear, district: input.district, upazila: input.upazila,
                             occupation: input.occupation, grade: input.grade, languages: input.languages),
            sexes: Worker.Sex.allCases.map { Option(value: $0.rawValue, label: req.t("worker.sex.\($0.rawValue)"), selected: $0.rawValue == input.sex) },
            statuses: Worker.MigrantStatus.allCases.map { Option(value: $0.rawValue, label: req.t("worker.migrant.\($0.rawValue)"), selected: $0.rawValue == input.migrantStatus) },
            offices: officeOptions.map { Option(value: $0.id?.uuidString ?? "", label: $0.name, selected: $0.id == selectedOffice) },
            errors: errors,
            duplicates: duplicates.map { DuplicateLink(id: $0.id?.uuidString ?? "", code: $0.code) },
            hasDuplicates: !duplicates.isEmpty
        )
    }

    func newForm(req: Request) async throws -> Response {
        try req.authorize(WorkerPolicy.decide(try req.principal(), .create))
        return try await req.page("worker-form", titleKey: "workers.new_title", try await formView(req, id: nil, input: WorkerService.Input()))
    }

    func create(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(WorkerPolicy.decide(principal, .create))
        let form = try req.content.decode(Form.self)
        do {
            let worker = try await WorkerService(context: req.change).create(form.input, principal: principal, confirmedNew: form.confirm_new == "on")
            return req.seeOther("/workers/\(try worker.requireID())?notice=worker_created")
        } catch let invalid as Invalid {
            return try await req.page("worker-form", titleKey: "workers.new_title",
                                      try await formView(req, id: nil, input: form.input, errors: invalid.translated(req)), status: .unprocessableEntity)
        } catch let duplicate as WorkerService.PossibleDuplicate {
            let visible = duplicate.matches.filter { principal.covers(office: $0.officeID) }
            return try await req.page("worker-form", titleKey: "workers.new_title",
                                      try await formView(req, id: nil, input: form.input, duplicates: visible), status: .conflict)
        }
    }

    struct ConsentRow: Encodable { let id: String; let purpose: String; let partner: String?; let givenOn: String; let method: String; let withdrawnOn: String?; let inForce: Bool }
    struct DetailView: Encodable {
        let id: String
        let code: String
        let identity: WorkerService.Identity?
        let facts: [Fact]
        let consents: [ConsentRow]
        let hasConsents: Bool
        let canEdit: Bool
        let purposes: [Option]
        let methods: [Option]
        let today: String
        var errors: [String: String]
    }
    struct Fact: Encodable { let label: String; let value: String }

    private func detailView(_ req: Request, _ worker: Worker, errors: [String: String] = [:]) async throws -> DetailView {
        let principal = try req.principal()
        let canSee = WorkerPolicy.decide(principal, .viewIdentifiers, office: worker.officeID).isAllowed
        let identity = canSee ? try await WorkerService(context: req.change).identity(of: worker) : nil
        if !canSee {
            let context = req.change
            let id = try worker.requireID()
            try await req.write { db in try await context.audit("worker.view_coded", "worker", id.uuidString, on: db) }
        }
        let office = try await Office.find(worker.officeID, on: req.db)?.name ?? ""
        let facts: [Fact] = [
            Fact(label: req.t("worker.field.sex"), value: req.t("worker.sex.\(worker.sex)")),
            Fact(label: req.t("worker.field.birth_year"), value: worker.birthYear.map { req.format.year($0) } ?? "—"),
            Fact(label: req.t("worker.field.district"), value: worker.district.isEmpty ? "—" : worker.district),
            Fact(label: req.t("worker.field.upazila"), value: worker.upazila.isEmpty ? "—" : worker.upazila),
            Fact(label: req.t("worker.field.occupation"), value: worker.occupation.isEmpty ? "—" : worker.occupation),
            Fact(label: req.t("worker.field.grade"), value: worker.grade.isEmpty ? "—" : worker.grade),
            Fact(label: req.t("worker.field.migrant_status"), value: req.t("worker.migrant.\(worker.migrantStatus)")),
            Fact(label: req.t("worker.field.languages"), value: worker.languages.isEmpty ? "—" : worker.languages),
            Fact(label: req.t("field.office"), value: office),
        ]
        let today = CalendarDate.today(in: req.application.songhotiSettings.timeZone)
        let todayDate = CalendarDate.parse(today) ?? Date()
        let consents = try await WorkerConsent.query(on: req.db).filter(\.$workerID == worker.requireID()).sort(\.$createdAt, .descending).all()
        let rows = consents.map { consent in
            ConsentRow(id: consent.id?.uuidString ?? "", purpose: req.t("consent.purpose.\(consent.purpose)"), partner: consent.partner,
                       givenOn: CalendarDate.parse(consent.givenOn).map(req.format.calendarDate) ?? consent.givenOn,
                       method: req.t("consent.method.\(consent.method)"),
                       withdrawnOn: consent.withdrawnOn.flatMap(CalendarDate.parse).map(req.format.calendarDate),
                       inForce: consent.record?.isInForce(at: todayDate) ?? false)
        }
        return DetailView(
            id: worker.id?.uuidString ?? "", code: worker.code, identity: identity, facts: facts, consents: rows, hasConsents: !rows.isEmpty,
            canEdit: WorkerPolicy.decide(principal, .update, office: worker.officeID).isAllowed,
            purposes: ConsentPurpose.allCases.map { Option(value: $0.rawValue, label: req.t($0.labelKey), selected: false) },
            methods: ConsentMethod.allCases.map { Option(value: $0.rawValue, label: req.t($0.labelKey), selected: $0 == .verbal) },
            today: today, errors: errors
        )
    }

    func show(req: Request) async throws -> Response {
        let worker = try await req.authorizedWorker(.view)
        return try await req.page("worker", titleKey: "workers.detail_title", try await detailView(req, worker))
    }

    func editForm(req: Request) async throws -> Response {
        let worker = try await req.authorizedWorker(.update)
        let service = WorkerService(context: req.change)
        let identity = try await service.identity(of: worker)
        return try await req.page("worker-form", titleKey: "workers.edit_title",
                                  try await formView(req, id: worker.id?.uuidString, input: service.input(from: worker, identity: identity)))
    }

    func update(req: Request) async throws -> Response {
        let worker = try await req.authorizedWorker(.update)
        let form = try req.content.decode(Form.self)
        do {
            try await WorkerService(context: req.change).update(worker, with: form.input, principal: try req.principal())
            return req.seeOther("/workers/\(try worker.requireID())?notice=worker_updated")
        } catch let invalid as Invalid {
            return try await req.page("worker-form", titleKey: "workers.edit_title",
                                      try await formView(req, id: worker.id?.uuidString, input: form.input, errors: invalid.translated(req)), status: .unprocessableEntity)
        }
    }

    struct ConsentForm: Content { var purpose: String?; var partner: String?; var given_on: String?; var method: String? }

    func recordConsent(req: Request) async throws -> Response {
        let worker = try await req.authorizedWorker(.recordConsent)
        let form = try req.content.decode(ConsentForm.self)
        do {
            _ = try await WorkerService(context: req.change).recordConsent(
                .init(purpose: form.purpose ?? "", partner: form.partner ?? "", givenOn: form.given_on ?? "", method: form.method ?? ""),
                for: worker, principal: try req.principal())
            return req.seeOther("/workers/\(try worker.requireID())?notice=consent_recorded")
        } catch let invalid as Invalid {
            return try await req.page("worker", titleKey: "workers.detail_title", try await detailView(req, worker, errors: invalid.translated(req)), status: .unprocessableEntity)
        }
    }

    func withdrawConsent(req: Request) async throws -> Response {
        let worker = try await req.authorizedWorker(.recordConsent)
        guard let id = req.parameters.get("consentID", as: UUID.self), let consent = try await WorkerConsent.find(id, on: req.db),
              consent.workerID == worker.id else { throw Abort(.notFound) }
        let today = CalendarDate.today(in: req.application.songhotiSettings.timeZone)
        try await WorkerService(context: req.change).withdraw(consent, on: today, principal: try req.principal())
        return req.seeOther("/workers/\(try worker.requireID())?notice=consent_withdrawn")
    }
}
