import Fluent
import SonghotiCore
import Vapor

/// Organisation-wide security settings and the audit log viewer.
struct AdministrationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "security", use: security)
        routes.post("admin", "security", use: saveSecurity)
        routes.get("admin", "audit", use: audit)
    }

    struct RoleRow: Encodable { let role: String; let label: String; let required: Bool }
    struct SecurityView: Encodable { let roles: [RoleRow] }

    func security(req: Request) async throws -> Response {
        try req.authorize(AdministrationPolicy.decide(try req.principal(), .viewSecuritySettings))
        let settings = try await RoleSetting.query(on: req.db).all()
        let rows = Role.allCases.map { role in
            RoleRow(role: role.rawValue, label: req.t(role.labelKey), required: settings.first { $0.id == role.rawValue }?.totpRequired ?? false)
        }
        return try await req.page("admin-security", titleKey: "security.title", SecurityView(roles: rows))
    }

    func saveSecurity(req: Request) async throws -> Response {
        try req.authorize(AdministrationPolicy.decide(try req.principal(), .changeSecuritySettings))
        let required = Set(Role.allCases.filter { (try? req.content.get(String.self, at: "require_\($0.rawValue)")) == "on" })
        try await req.write { db in
            for role in Role.allCases {
                let setting = try await RoleSetting.find(role.rawValue, on: db) ?? RoleSetting(role: role.rawValue, totpRequired: false)
                setting.totpRequired = required.contains(role)
                try await setting.save(on: db)
            }
            try await req.audit("settings.two_factor_roles", "organisation", nil, on: db)
        }
        return req.seeOther("/admin/security?notice=settings_saved")
    }

    struct EntryRow: Encodable { let sequence: String; let time: String; let actor: String; let action: String; let resource: String; let ip: String }
    struct AuditView: Encodable { let entries: [EntryRow]; let intact: Bool; let verified: String; let problem: String? }

    func audit(req: Request) async throws -> Response {
        try req.authorize(AdministrationPolicy.decide(try req.principal(), .viewAuditLog))
        let records = try await AuditRecord.query(on: req.db).sort(\.$id, .descending).limit(200).all()
        let report = try await req.application.auditLog.verify(on: req.db)
        let rows = records.map { record in
            EntryRow(sequence: req.format.number(Int(record.id ?? 0)),
                     time: req.format.dateTime(Date(timeIntervalSince1970: Double(record.occurredAtMillis) / 1000)),
                     actor: record.actorID ?? "—", action: record.action,
                     resource: record.resourceType + (record.resourceID.map { " " + $0 } ?? ""), ip: record.sourceIP ?? "—")
        }
        try await req.write { db in try await req.audit("audit.view", "audit_log", nil, on: db) }
        return try await req.page("admin-audit", titleKey: "audit.title",
                                  AuditView(entries: rows, intact: report.intact, verified: req.format.number(Int(report.verified)), problem: report.problem))
    }
}

/// The signed-in home page: who you are and where to go.
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
    }

    struct HomeView: Encodable {
        let greeting: String
        let role: String
        let office: String
        let links: [Shell.Link]
        let twoFactorSuggested: Bool
    }

    func home(req: Request) async throws -> Response {
        guard let user = req.staff else { throw Abort(.unauthorized) }
        let office = try await user.officeID.asyncFlatMap { try await Office.find($0, on: req.db)?.name } ?? req.t("office.whole_organisation")
        let principal = try user.principal()
        var links: [Shell.Link] = []
        if [.caseworker, .coordinator].contains(principal.role) { links.append(.init(href: "/work", label: req.t("work.title"), current: false)) }
        links.append(.init(href: "/cases", label: req.t("home.link.cases"), current: false))
        if WorkerPolicy.decide(principal, .create).isAllowed { links.append(.init(href: "/workers", label: req.t("home.link.workers"), current: false)) }
        if UserPolicy.decide(principal, .create).isAllowed { links.append(.init(href: "/admin/users/new", label: req.t("home.link.new_user"), current: false)) }
        if OfficePolicy.decide(principal, .create).isAllowed { links.append(.init(href: "/admin/offices", label: req.t("home.link.offices"), current: false)) }
        links.append(.init(href: "/account", label: req.t("home.link.account"), current: false))
        return try await req.page("home", titleKey: "home.title", HomeView(
            greeting: req.t("home.greeting", user.displayName), role: req.t(user.role.labelKey), office: office,
            links: links, twoFactorSuggested: !user.hasTOTP
        ))
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
