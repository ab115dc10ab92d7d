import Fluent
import SonghotiCore
import Vapor

/// Administration pages for offices.
struct OfficesWebController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let offices = routes.grouped("admin", "offices")
        offices.get(use: list)
        offices.post(use: create)
        offices.get(":officeID", use: edit)
        offices.post(":officeID", use: update)
    }

    struct Row: Encodable { let id: String; let name: String; let code: String; let kind: String; let location: String; let active: Bool; let staff: String }
    struct Option: Encodable { let value: String; let label: String; let selected: Bool }
    struct FormValues: Encodable { var name = ""; var code = ""; var kind = Office.Kind.workerCentre.rawValue; var location = ""; var active = true }
    struct ListView: Encodable {
        let offices: [Row]
        let hasOffices: Bool
        let canCreate: Bool
        var form: FormValues
        var kinds: [Option]
        var errors: [String: String]
    }
    struct EditView: Encodable {
        let id: String
        var form: FormValues
        var kinds: [Option]
        var errors: [String: String]
    }

    struct Form: Content {
        var name: String?
        var code: String?
        var kind: String?
        var location: String?
        var active: String?

        var input: OfficeService.Input {
            .init(name: name ?? "", code: code ?? "", kind: kind ?? "", location: location ?? "", active: active == "on" || active == "true")
        }
        var values: FormValues {
            FormValues(name: name ?? "", code: code ?? "", kind: kind ?? "", location: location ?? "", active: active == "on" || active == "true")
        }
    }

    static func kinds(_ req: Request, selected: String) -> [Option] {
        Office.Kind.allCases.map { Option(value: $0.rawValue, label: req.t($0.labelKey), selected: $0.rawValue == selected) }
    }

    private func listView(_ req: Request, form: FormValues = FormValues(), errors: [String: String] = [:]) async throws -> ListView {
        let principal = try req.principal()
        try req.authorize(OfficePolicy.decide(principal, .list))
        let offices = try await Office.query(on: req.db).sort(\.$name).all()
        var counts: [UUID: Int] = [:]
        for user in try await User.query(on: req.db).filter(\.$disabledAt == nil).all() {
            if let office = user.officeID { counts[office, default: 0] += 1 }
        }
        return ListView(
            offices: offices.map { office in
                Row(id: office.id?.uuidString ?? "", name: office.name, code: office.code, kind: req.t("office.kind.\(office.kind)"),
                    location: office.location, active: office.active, staff: req.format.number(counts[office.id ?? UUID()] ?? 0))
            },
            hasOffices: !offices.isEmpty,
            canCreate: OfficePolicy.decide(principal, .create).isAllowed,
            form: form, kinds: Self.kinds(req, selected: form.kind), errors: errors
        )
    }

    func list(req: Request) async throws -> Response {
        try await req.page("admin-offices", titleKey: "offices.title", try await listView(req))
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(OfficePolicy.decide(try req.principal(), .create))
        let form = try req.content.decode(Form.self)
        do {
            _ = try await OfficeService(context: req.change).create(form.input)
            return req.seeOther("/admin/offices?notice=office_created")
        } catch let invalid as Invalid {
            let view = try await listView(req, form: form.values, errors: invalid.translated(req))
            return try await req.page("admin-offices", titleKey: "offices.title", view, status: .unprocessableEntity)
        }
    }

    func edit(req: Request) async throws -> Response {
        let office = try await req.authorizedOffice(.update)
        let values = FormValues(name: office.name, code: office.code, kind: office.kind, location: office.location, active: office.active)
        return try await req.page("admin-office-edit", titleKey: "offices.edit_title",
                                  EditView(id: office.id?.uuidString ?? "", form: values, kinds: Self.kinds(req, selected: office.kind), errors: [:]))
    }

    func update(req: Request) async throws -> Response {
        let office = try await req.authorizedOffice(.update)
        let form = try req.content.decode(Form.self)
        do {
            try await OfficeService(context: req.change).update(office, with: form.input)
            return req.seeOther("/admin/offices?notice=office_updated")
        } catch let invalid as Invalid {
            return try await req.page("admin-office-edit", titleKey: "offices.edit_title",
                                      EditView(id: office.id?.uuidString ?? "", form: form.values, kinds: Self.kinds(req, selected: form.kind ?? ""),
                                               errors: invalid.translated(req)), status: .unprocessableEntity)
        }
    }
}
