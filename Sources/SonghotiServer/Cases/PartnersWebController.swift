import Fluent
import SonghotiCore
import Vapor

/// The directory of partner services that cases are referred to.
struct PartnersWebController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("partners", use: list)
        routes.post("partners", use: create)
    }

    struct Option: Encodable { let value: String; let label: String; let selected: Bool }
    struct Row: Encodable { let name: String; let kind: String; let contact: String }
    struct ListView: Encodable { let rows: [Row]; let hasRows: Bool; let canCreate: Bool; let kinds: [Option]; let name: String; let contact: String; let errors: [String: String] }

    static func canManage(_ principal: Principal) -> Bool { [.coordinator, .administrator].contains(principal.role) }

    private func view(_ req: Request, name: String = "", contact: String = "", kind: String = "legal_aid", errors: [String: String] = [:]) async throws -> ListView {
        let principal = try req.principal()
        let rows = try await Partner.query(on: req.db).filter(\.$active == true).sort(\.$name).all().map {
            Row(name: $0.name, kind: req.t("partner.kind.\($0.kind)"), contact: $0.contact)
        }
        return ListView(rows: rows, hasRows: !rows.isEmpty, canCreate: Self.canManage(principal),
                        kinds: Partner.Kind.allCases.map { Option(value: $0.rawValue, label: req.t("partner.kind.\($0.rawValue)"), selected: $0.rawValue == kind) },
                        name: name, contact: contact, errors: errors)
    }

    func list(req: Request) async throws -> Response {
        try await req.page("partners", titleKey: "partners.title", try await view(req))
    }

    func create(req: Request) async throws -> Response {
        let principal = try req.principal()
        guard Self.canManage(principal) else { try req.authorize(.deny("coordinators and administrators keep the directory")); throw Abort(.forbidden) }
        let name = ((try? req.content.get(String.self, at: "name")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let contact = ((try? req.content.get(String.self, at: "contact")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let kind = (try? req.content.get(String.self, at: "kind")) ?? ""
        var errors: [String: String] = [:]
        if name.isEmpty || name.count > 200 { errors["name"] = req.t("form.error.required_short") }
        if Partner.Kind(rawValue: kind) == nil { errors["kind"] = req.t("form.error.choose") }
        if contact.count > 500 { errors["contact"] = req.t("form.error.too_long") }
        guard errors.isEmpty else {
            return try await req.page("partners", titleKey: "partners.title", try await view(req, name: name, contact: contact, kind: kind, errors: errors), status: .unprocessableEntity)
        }
        let partner = Partner()
        partner.name = name
        partner.kind = kind
        partner.contact = contact
        partner.active = true
        try await req.write { db in
            try await partner.create(on: db)
            try await req.audit("partner.create", "partner", partner.id?.uuidString, on: db)
        }
        return req.seeOther("/partners?notice=partner_created")
    }
}
