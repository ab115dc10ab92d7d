import Fluent
import SonghotiCore
import Vapor

/// The case list in the browser: search, filters, keyset pages, saved filters and CSV export.
struct CaseListController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cases = routes.grouped("cases")
        cases.get(use: list)
        cases.get("export.csv", use: export)
        cases.post("filters", use: saveFilter)
        cases.post("filters", ":filterID", "delete", use: deleteFilter)
    }

    typealias Option = CasesWebController.Option

    struct Row: Encodable {
        let id: String, reference: String, category: String, status: String, urgency: String, restricted: Bool, opened: String
        let excerpt: String?
    }
    struct SavedRow: Encodable { let id: String; let name: String; let query: String }
    struct Pair: Encodable { let name: String; let value: String }
    struct ListView: Encodable {
        let rows: [Row]
        let hasRows: Bool
        let q: String, from: String, to: String
        let statuses: [Option], categories: [Option], urgencies: [Option], channels: [Option], offices: [Option], assignees: [Option]
        let showOffices: Bool
        let factory: String?
        let factoryID: String
        let filtered: Bool
        let query: String
        let next: String?
        let saved: [SavedRow]
        let hasSaved: Bool
        let errors: [String: String]
        let canCreate: Bool, canConfigure: Bool, canExport: Bool, canExportIdentifiers: Bool, canSeeTotals: Bool
        let filterName: String
        let exportFields: [Pair]
    }

    static func anyOption(_ req: Request, _ selected: String) -> Option {
        Option(value: "", label: req.t("cases.filter_any"), selected: selected.isEmpty)
    }

    func listView(_ req: Request, filter: CaseFilter, errors: [String: String], filterName: String = "") async throws -> (ListView, HTTPStatus) {
        let principal = try req.principal()
        var rows: [Row] = []
        var next: String?
        if errors.isEmpty {
            let after = req.query[String.self, at: "after"].flatMap(CaseCursor.init)
            let page = try await CaseQuery(app: req.application, db: req.db).page(principal: principal, filter: filter, after: after, limit: 50)
            let search = CaseQuery.Search(filter.q)
            rows = page.cases.map { file in
                var excerpt: String?
                // Excerpts only for word searches, and only from narratives that are in clear (never restricted ones).
                if case .words(let terms) = search, !file.restricted, let summary = file.summary { excerpt = terms.excerpt(of: summary) }
                return Row(id: file.id?.uuidString ?? "", reference: file.reference, category: req.t("case.category.\(file.category)"),
                           status: req.t("case.status.\(file.status)"), urgency: req.t("case.urgency.\(file.urgency)"), restricted: file.restricted,
                           opened: file.createdAt.map(req.format.date) ?? "", excerpt: excerpt)
            }
            if let cursor = page.next {
                let base = filter.queryString
                next = "/cases?" + (base.isEmpty ? "" : base + "&") + "after=" + cursor.encoded
            }
        }
        var statuses = [Self.anyOption(req, filter.status)]
        statuses += CasesWebController.options(CaseStatus.allCases, req, key: \.labelKey, selected: filter.status)
        var categories = [Self.anyOption(req, filter.category)]
        categories += try await CasesWebController.categoryOptions(req, selected: filter.category)
        var urgencies = [Self.anyOption(req, filter.urgency)]
        urgencies += CasesWebController.options(CaseUrgency.allCases, req, key: \.labelKey, selected: filter.urgency)
        var channels = [Self.anyOption(req, filter.channel)]
        channels += CasesWebController.options(IntakeChannel.allCases, req, key: \.labelKey, selected: filter.channel)
        let offices = try await Office.query(on: req.db).sort(\.$name).all().filter { principal.covers(office: $0.id) }
        var officeOptions = [Self.anyOption(req, filter.office)]
        officeOptions += offices.map { Option(value: $0.id?.uuidString ?? "", label: $0.name, selected: $0.id?.uuidString == filter.office) }
        var assignees = [Self.anyOption(req, filter.assignee), Option(value: "me", label: req.t("cases.assigned_to_me"), selected: filter.assignee == "me")]
        if principal.role == .coordinator || principal.role == .administrator {
            var staff = User.query(on: req.db).filter(\.$roleRaw ~~ [Role.caseworker.rawValue, Role.coordinator.rawValue]).sort(\.$displayName)
            if let office = principal.officeID { staff = staff.filter(\.$officeID == office) }
            assignees += try await staff.all().map { Option(value: $0.id?.uuidString ?? "", label: $0.displayName, selected: $0.id?.uuidString == filter.assignee) }
        }
        let factory = try await UUID(uuidString: filter.factory).asyncFlatMap { try await Factory.find($0, on: req.db)?.name }
        let saved = try await SavedFilter.query(on: req.db).filter(\.$userID == principal.userID).sort(\.$name).all()
        let view = ListView(
            rows: rows, hasRows: !rows.isEmpty, q: filter.q, from: filter.from, to: filter.to,
            statuses: statuses, categories: categories, urgencies: urgencies, channels: channels, offices: officeOptions, assignees: assignees,
            showOffices: principal.officeID == nil, factory: factory, factoryID: filter.factory,
            filtered: !filter.isEmpty, query: filter.queryString, next: next,
            saved: saved.map { SavedRow(id: $0.id?.uuidString ?? "", name: $0.name, query: $0.query) }, hasSaved: !saved.isEmpty,
            errors: errors,
            canCreate: CasePolicy.decide(principal, .create).isAllowed, canConfigure: [.coordinator, .administrator].contains(principal.role),
            canExport: CasePolicy.decide(principal, .export).isAllowed,
            canExportIdentifiers: CasePolicy.decide(principal, .export).isAllowed && WorkerPolicy.decide(principal, .viewIdentifiers).isAllowed,
            canSeeTotals: CasePolicy.decide(principal, .viewTotals).isAllowed,
            filterName: filterName,
            exportFields: filter.values.filter { !$0.1.isEmpty }.map { Pair(name: $0.0, value: $0.1) })
        return (view, errors.isEmpty ? .ok : .badRequest)
    }

    func list(req: Request) async throws -> Response {
        try req.authorize(CasePolicy.decide(try req.principal(), .list).decision)
        let filter = CaseFilter(req.query)
        let (view, status) = try await listView(req, filter: filter, errors: filter.problems().mapValues { req.t($0) })
        return try await req.page("cases", titleKey: "cases.title", view, status: status)
    }

    struct SaveForm: Content { var name: String? }

    func saveFilter(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(CasePolicy.decide(principal, .list).decision)
        let filter = CaseFilter(req.query)
        let name = (try req.content.decode(SaveForm.self).name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            _ = try await SavedFilters(context: req.change).save(name: name, filter: filter, principal: principal)
            return req.seeOther("/cases?" + filter.queryString)
        } catch let invalid as Invalid {
            let (view, _) = try await listView(req, filter: filter, errors: invalid.translated(req), filterName: name)
            return try await req.page("cases", titleKey: "cases.title", view, status: .unprocessableEntity)
        }
    }

    func deleteFilter(req: Request) async throws -> Response {
        let principal = try req.principal()
        guard let id = req.parameters.get("filterID", as: UUID.self) else { throw Abort(.notFound) }
        try await SavedFilters(context: req.change).delete(id, principal: principal)
        return req.seeOther("/cases")
    }

    func export(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(CasePolicy.decide(principal, .export).decision)
        let filter = CaseFilter(req.query)
        let problems = filter.problems()
        guard problems.isEmpty else {
            let (view, status) = try await listView(req, filter: filter, errors: problems.mapValues { req.t($0) })
            return try await req.page("cases", titleKey: "cases.title", view, status: status)
        }
        let identifiers = req.query[String.self, at: "identifiers"] == "on"
        if identifiers { try req.authorize(WorkerPolicy.decide(principal, .viewIdentifiers)) }
        do {
            let table = try await CaseExport(context: req.change).csv(principal: principal, filter: filter, identifiers: identifiers)
            return CaseExport.response(table, req: req)
        } catch let invalid as Invalid {
            let (view, _) = try await listView(req, filter: filter, errors: invalid.translated(req))
            return try await req.page("cases", titleKey: "cases.title", view, status: .unprocessableEntity)
        }
    }
}

/// Saving and removing a staff member's named filters.
struct SavedFilters {
    let context: ChangeContext

    func save(name: String, filter: CaseFilter, principal: Principal) async throws -> SavedFilter {
        var fields: [String: String] = [:]
        if name.isEmpty || name.count > 80 { fields["name"] = "cases.error.filter_name" }
        if filter.isEmpty { fields["name"] = "cases.error.filter_empty" }
        let problems = filter.problems()
        if !problems.isEmpty { fields.merge(problems) { a, _ in a } }
        let db = context.app.db
        let count = try await SavedFilter.query(on: db).filter(\.$userID == principal.userID).count()
        if count >= SavedFilter.maximumPerUser { fields["name"] = "cases.error.filter_limit" }
        guard fields.isEmpty else { throw Invalid(fields: fields) }
        let saved = SavedFilter()
        saved.userID = principal.userID
        saved.name = name
        saved.query = filter.queryString
        try await context.write { db in try await saved.create(on: db) }
        return saved
    }

    func delete(_ id: UUID, principal: Principal) async throws {
        guard let saved = try await SavedFilter.find(id, on: context.app.db), saved.userID == principal.userID else { throw Abort(.notFound) }
        try await context.write { db in try await saved.delete(on: db) }
    }
}

/// Case lists as CSV. Narratives are never exported; worker names and phone numbers only when asked for by
/// someone allowed to see them, and that export is audited worker by worker.
struct CaseExport {
    let context: ChangeContext
    /// An export larger than this is refused with a message to narrow the filters.
    static let maximumRows = 100_000

    struct TooLarge: Error {}

    func csv(principal: Principal, filter: CaseFilter, identifiers: Bool) async throws -> CSVTable {
        let app = context.app
        let db = app.db
        var header = ["reference", "office", "kind", "category", "channel", "urgency", "status", "restricted", "opened", "first_response_due",
                      "employer", "country", "destination_country", "recruiting_agency", "incident_from", "incident_to", "outcome", "workers"]
        if identifiers { header += ["worker_names", "worker_phones"] }
        var table = CSVTable(header: header)
        let offices = Dictionary(try await Office.query(on: db).all().map { ($0.id ?? UUID(), $0.code) }, uniquingKeysWith: { a, _ in a })
        let query = CaseQuery(app: app, db: db)
        var cursor: CaseCursor?
        var exportedWorkers = Set<UUID>()
        var rows = 0
        let iso = ISO8601DateFormatter()
        repeat {
            let page = try await query.page(principal: principal, filter: filter, after: cursor, limit: 500)
            let ids = page.cases.compactMap(\.id)
            let links = ids.isEmpty ? [] : try await CaseWorkerLink.query(on: db).filter(\.$caseID ~~ ids).all()
            let linksByCase = Dictionary(grouping: links, by: \.caseID)
            let workerIDs = Set(links.map(\.workerID))
            let workers = workerIDs.isEmpty ? [:] : Dictionary(try await Worker.query(on: db).filter(\.$id ~~ Array(workerIDs)).all().map { ($0.id ?? UUID(), $0) },
                                                               uniquingKeysWith: { a, _ in a })
            let factoryIDs = Array(Set(page.cases.compactMap(\.factoryID)))
            let factories = factoryIDs.isEmpty ? [:] : Dictionary(try await Factory.query(on: db).filter(\.$id ~~ factoryIDs).all().map { ($0.id ?? UUID(), $0.name) },
                                                                  uniquingKeysWith: { a, _ in a })
            for file in page.cases {
                let caseWorkers = (file.id.flatMap { linksByCase[$0] } ?? []).compactMap { workers[$0.workerID] }.sorted { $0.codeNumber < $1.codeNumber }
                var row = [file.reference, offices[file.officeID] ?? "", file.kind, file.category, file.channel, file.urgency, file.status,
                           file.restricted ? "yes" : "no", file.createdAt.map(iso.string) ?? "", iso.string(from: file.firstResponseDueAt),
                           file.factoryID.flatMap { factories[$0] } ?? "", file.country, file.destinationCountry ?? "", file.recruitingAgency ?? "",
                           file.incidentFrom ?? "", file.incidentTo ?? "", file.outcome ?? "", caseWorkers.map(\.code).joined(separator: "; ")]
                if identifiers {
                    let cipher = app.fieldProtection.cipher
                    var names: [String] = [], phones: [String] = []
                    for worker in caseWorkers {
                        let id = try worker.requireID()
                        guard WorkerPolicy.decide(principal, .viewIdentifiers, office: worker.officeID).isAllowed else { continue }
                        names.append(try cipher.openString(worker.fullName, context: WorkerService.sealedContext("full_name", id)))
                        if let phone = worker.phone { phones.append(try cipher.openString(phone, context: WorkerService.sealedContext("phone", id))) }
                        exportedWorkers.insert(id)
                    }
                    row += [names.joined(separator: "; "), phones.joined(separator: "; ")]
                }
                table.append(row)
            }
            rows += page.cases.count
            if rows > Self.maximumRows { throw Invalid(fields: ["q": "cases.error.export_too_large"]) }
            cursor = page.next
        } while cursor != nil
        let context = self.context
        let exported = exportedWorkers
        try await context.write { db in
            try await context.audit(identifiers ? "case.export_identifiers" : "case.export", "case_list", nil, on: db)
            for id in exported.sorted(by: { $0.uuidString < $1.uuidString }) {
                try await context.audit("worker.export", "worker", id.uuidString, on: db)
            }
        }
        return table
    }

    static func response(_ table: CSVTable, req: Request, name: String = "cases") -> Response {
        let stamp = CalendarDate.today(in: req.application.songhotiSettings.timeZone)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"songhoti-\(name)-\(stamp).csv\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: Data(table.data)))
    }
}
