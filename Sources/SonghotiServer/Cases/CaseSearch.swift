import Fluent
import FluentSQL
import Foundation
import SonghotiCore
import SQLKit
import Vapor

/// A named case-list filter a staff member keeps (the query string of the list page).
final class SavedFilter: Model, @unchecked Sendable {
    static let schema = "saved_filters"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "name") var name: String
    @Field(key: "query") var query: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    static let maximumPerUser = 30
}

/// The search index, saved filters, per-worker claims and the indexes the case list needs.
struct CreateCaseSearch: AsyncMigration {
    let dialect: any StorageDialect
    var name: String { "CreateCaseSearch" }

    func prepare(on database: any Database) async throws {
        // Per-worker claims on a case: what is claimed (sealed on restricted cases), the amount owed, the outcome.
        try await database.schema(CaseWorkerLink.schema).field("claim_sealed", .data).update()
        try await database.schema(CaseWorkerLink.schema).field("owed_minor", .int64).update()
        try await database.schema(CaseWorkerLink.schema).field("owed_currency", .string).update()
        try await database.schema(CaseWorkerLink.schema).field("outcome", .string).update()
        // Free text beside a restricted case's narrative is sealed with it.
        try await database.schema(RemedyItem.schema).field("note_sealed", .data).update()
        try await database.schema(Referral.schema).field("feedback_sealed", .data).update()
        try await database.schema(SavedFilter.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("query", .string, .required)
            .field("created_at", .datetime)
            .create()
        let sql = database.sql
        try await sql.create(index: "saved_filters_user_idx").on(SavedFilter.schema).column("user_id").run()
        try await sql.create(index: "cases_created_idx").on(CaseFile.schema).column("created_at").column("id").run()
        try await sql.create(index: "cases_office_created_idx").on(CaseFile.schema).column("office_id").column("created_at").column("id").run()
        try await sql.create(index: "cases_office_status_created_idx").on(CaseFile.schema)
            .column("office_id").column("status").column("created_at").column("id").run()
        try await sql.create(index: "cases_factory_idx").on(CaseFile.schema).column("factory_id").run()
        try await sql.create(index: "case_assignees_user_case_idx").on(CaseAssignee.schema).column("user_id").column("case_id").run()
        try await dialect.createCaseSearch(sql)
    }

    func revert(on database: any Database) async throws {
        try await dialect.dropCaseSearch(database.sql)
        try await database.schema(SavedFilter.schema).delete()
        for index in ["cases_created_idx", "cases_office_created_idx", "cases_office_status_created_idx", "cases_factory_idx", "case_assignees_user_case_idx"] {
            try await database.sql.drop(index: index).run()
        }
        for column in ["claim_sealed", "owed_minor", "owed_currency", "outcome"] {
            try await database.schema(CaseWorkerLink.schema).deleteField(.string(column)).update()
        }
        try await database.schema(RemedyItem.schema).deleteField("note_sealed").update()
        try await database.schema(Referral.schema).deleteField("feedback_sealed").update()
    }
}

/// Keeps `case_search_docs` in step with a case. Restricted cases have no row at all: their narratives never
/// reach the index, and lifting the restriction puts them back.
enum CaseSearchIndex {
    static func text(for file: CaseFile, on db: any Database) async throws -> String? {
        guard !file.restricted, let summary = file.summary else { return nil }
        var parts = [summary]
        let events = try await CaseEvent.query(on: db).filter(\.$caseID == file.requireID()).sort(\.$occurredAt).all()
        parts += events.compactMap(\.body)
        if let factoryID = file.factoryID, let factory = try await Factory.find(factoryID, on: db) { parts.append(factory.name) }
        if let agency = file.recruitingAgency { parts.append(agency) }
        return parts.joined(separator: "\n")
    }

    /// Call inside the write transaction that changed the case or its timeline. A restricted case keeps its row
    /// with an empty text (nothing of it is indexed), so the row's position, which orders search results, never changes.
    static func refresh(_ file: CaseFile, on db: any Database) async throws {
        let id = try file.requireID()
        let body = try await text(for: file, on: db) ?? ""
        try await db.sql.raw("""
            INSERT INTO case_search_docs (case_id, body) VALUES (\(bind: id), \(bind: body))
            ON CONFLICT (case_id) DO UPDATE SET body = excluded.body
            """).run()
    }

    /// Whether the case has a row in the index (tests and `songhoti` diagnostics).
    static func isIndexed(_ id: UUID, on db: any Database) async throws -> Bool {
        try await db.sql.raw("SELECT COUNT(*) AS n FROM case_search_docs WHERE case_id = \(bind: id) AND body <> ''").first()?.decode(column: "n", as: Int.self) ?? 0 > 0
    }
}

/// The case list's filters, read from a query string (web) or query parameters (API) and written back as one.
struct CaseFilter: Sendable, Equatable {
    var q = ""
    var status = ""
    var category = ""
    var office = ""
    /// "me", or a staff member's id.
    var assignee = ""
    var urgency = ""
    var channel = ""
    var factory = ""
    /// Opened on or after / on or before, "YYYY-MM-DD" in the organisation's time zone.
    var from = ""
    var to = ""

    static let keys = ["q", "status", "category", "office", "assignee", "urgency", "channel", "factory", "from", "to"]

    init() {}

    init(_ query: any URLQueryContainer) {
        var values: [String: String] = [:]
        for key in Self.keys { values[key] = query[String.self, at: key] }
        self.init(values: values)
    }

    /// From a stored query string such as "status=new&q=wages" (saved filters sent through the API).
    init(queryString: String) {
        var values: [String: String] = [:]
        for pair in queryString.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if parts.count == 2, Self.keys.contains(parts[0]) { values[parts[0]] = parts[1] }
        }
        self.init(values: values)
    }

    init(values: [String: String]) {
        func value(_ key: String) -> String { (values[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        q = String(value("q").prefix(200))
        status = value("status"); category = value("category"); office = value("office"); assignee = value("assignee")
        urgency = value("urgency"); channel = value("channel"); factory = value("factory"); from = value("from"); to = value("to")
    }

    var values: [(String, String)] {
        [("q", q), ("status", status), ("category", category), ("office", office), ("assignee", assignee), ("urgency", urgency),
         ("channel", channel), ("factory", factory), ("from", from), ("to", to)]
    }

    var isEmpty: Bool { values.allSatisfy { $0.1.isEmpty } }

    /// "status=new&q=wages" with only the filters that are set, percent-encoded.
    var queryString: String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return values.filter { !$0.1.isEmpty }
            .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
    }

    /// Field errors as catalog keys; an unknown value is an error, not silently "any".
    func problems() -> [String: String] {
        var fields: [String: String] = [:]
        if !status.isEmpty, CaseStatus(rawValue: status) == nil { fields["status"] = "form.error.choose" }
        if !urgency.isEmpty, CaseUrgency(rawValue: urgency) == nil { fields["urgency"] = "form.error.choose" }
        if !channel.isEmpty, IntakeChannel(rawValue: channel) == nil { fields["channel"] = "form.error.choose" }
        if !office.isEmpty, UUID(uuidString: office) == nil { fields["office"] = "form.error.choose" }
        if !factory.isEmpty, UUID(uuidString: factory) == nil { fields["factory"] = "form.error.choose" }
        if !assignee.isEmpty, assignee != "me", UUID(uuidString: assignee) == nil { fields["assignee"] = "form.error.choose" }
        if !from.isEmpty, CalendarDate.parse(from) == nil { fields["from"] = "worker.error.date" }
        if !to.isEmpty, CalendarDate.parse(to) == nil { fields["to"] = "worker.error.date" }
        if fields["from"] == nil, fields["to"] == nil, !from.isEmpty, !to.isEmpty, to < from { fields["to"] = "case.error.date_order" }
        return fields
    }
}

/// Where a page of results ends: the last case's opening time (as the database's exact number) and id
/// (ties on time are broken by id).
struct CaseCursor: Equatable, Sendable {
    let time: Double
    let id: UUID

    var encoded: String {
        Data("\(time)|\(id.uuidString)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    init(time: Double, id: UUID) { self.time = time; self.id = id }

    init?(_ raw: String) {
        var base64 = raw.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|")
        guard parts.count == 2, let time = Double(parts[0]), time.isFinite, abs(time) < 1e17, let id = UUID(uuidString: String(parts[1])) else { return nil }
        self.time = time
        self.id = id
    }
}

/// One query for every case list: policies, filters, full-text search and keyset pagination together,
/// so a list never shows (or counts) a case its reader could not open.
struct CaseQuery {
    let app: Application
    let db: any Database

    struct Page: Sendable {
        let cases: [CaseFile]
        let next: CaseCursor?
    }

    /// What the search box asked for: a case reference, a worker code, or words.
    enum Search: Equatable {
        case none
        case reference(String)
        case worker(Int)
        case words(SearchTerms)

        init(_ text: String) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { self = .none; return }
            let upper = trimmed.uppercased()
            let parts = upper.split(separator: "-")
            if parts.count == 3, parts[1].count == 4, parts[2].count == 5, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber),
               parts[2].allSatisfy(\.isASCII), parts[2].allSatisfy(\.isNumber), !parts[0].isEmpty {
                self = .reference(upper); return
            }
            if let number = WorkerCode.parse(trimmed) { self = .worker(number); return }
            let terms = SearchTerms(trimmed)
            self = terms.isEmpty ? .none : .words(terms)
        }
    }

    func startOfDay(_ text: String, plusDays: Int = 0) -> Date? {
        guard let midnightUTC = CalendarDate.parse(text) else { return nil }
        let zone = app.songhotiSettings.timeZone
        let shifted = midnightUTC.addingTimeInterval(Double(plusDays) * 86_400)
        return shifted.addingTimeInterval(-Double(zone.secondsFromGMT(for: shifted)))
    }

    /// The WHERE clause for `principal` and `filter` (without pagination).
    func conditions(principal: Principal, filter: CaseFilter, words: Bool = true) async throws -> [SQLQueryString] {
        var conditions: [SQLQueryString] = []
        if let office = principal.officeID { conditions.append("cases.office_id = \(bind: office)") }
        if principal.role != .coordinator {
            // Restricted cases appear only to those assigned to them (coordinators see all in their scope).
            conditions.append("(cases.restricted = \(bind: false) OR cases.id IN (SELECT case_id FROM case_assignees WHERE user_id = \(bind: principal.userID)))")
        }
        if let office = UUID(uuidString: filter.office) { conditions.append("cases.office_id = \(bind: office)") }
        if !filter.status.isEmpty { conditions.append("cases.status = \(bind: filter.status)") }
        if !filter.category.isEmpty { conditions.append("cases.category = \(bind: filter.category)") }
        if !filter.urgency.isEmpty { conditions.append("cases.urgency = \(bind: filter.urgency)") }
        if !filter.channel.isEmpty { conditions.append("cases.channel = \(bind: filter.channel)") }
        if let factory = UUID(uuidString: filter.factory) { conditions.append("cases.factory_id = \(bind: factory)") }
        let assignee = filter.assignee == "me" ? principal.userID : UUID(uuidString: filter.assignee)
        if let assignee { conditions.append("cases.id IN (SELECT case_id FROM case_assignees WHERE user_id = \(bind: assignee))") }
        if let from = startOfDay(filter.from) { conditions.append("cases.created_at >= \(bind: from)") }
        if let to = startOfDay(filter.to, plusDays: 1) { conditions.append("cases.created_at < \(bind: to)") }
        switch Search(filter.q) {
        case .none: break
        case .reference(let reference): conditions.append("cases.reference = \(bind: reference)")
        case .worker(let number):
            conditions.append("cases.id IN (SELECT cw.case_id FROM case_workers cw JOIN workers w ON w.id = cw.worker_id WHERE w.code_number = \(bind: number))")
        case .words(let terms): if words { conditions.append(app.dialect.caseSearchCondition(terms)) }
        }
        return conditions
    }

    func page(principal: Principal, filter: CaseFilter, after cursor: CaseCursor?, limit: Int) async throws -> Page {
        let dialect = app.dialect
        if case .words(let terms) = Search(filter.q),
           let ranked = dialect.rankedCaseSearch(terms, conditions: try await conditions(principal: principal, filter: filter, words: false),
                                                 after: cursor?.time, limit: limit) {
            return try await page(of: db.sql.raw(ranked).all(), limit: limit)
        }
        var conditions = try await conditions(principal: principal, filter: filter)
        if let cursor {
            let time = dialect.keysetTime(cursor.time)
            conditions.append("(cases.created_at < " + time + " OR (cases.created_at = " + time + " AND cases.id < \(bind: cursor.id)))")
        }
        let whereClause: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try await db.sql.raw("SELECT cases.*, " + dialect.keysetTimeSelect + " FROM cases" + whereClause
                                        + " ORDER BY cases.created_at DESC, cases.id DESC LIMIT \(literal: limit + 1)").all()
        return try page(of: rows, limit: limit)
    }

    private func page(of rows: [any SQLRow], limit: Int) throws -> Page {
        let files = try rows.map { try $0.decode(fluentModel: CaseFile.self) }
        let page = Array(files.prefix(limit))
        var next: CaseCursor?
        if rows.count > limit, let last = page.last, let id = last.id {
            let row = rows[limit - 1]
            let time = try (try? row.decode(column: "keyset_time", as: Int64.self)).map(Double.init) ?? row.decode(column: "keyset_time", as: Double.self)
            next = CaseCursor(time: time, id: id)
        }
        return Page(cases: page, next: next)
    }
}
