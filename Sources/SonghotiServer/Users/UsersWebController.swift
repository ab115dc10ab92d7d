import Fluent
import SonghotiCore
import Vapor

/// Administration pages for staff accounts.
struct UsersWebController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let users = routes.grouped("admin", "users")
        users.get(use: list)
        users.get("new", use: newForm)
        users.post(use: create)
        users.get(":userID", use: edit)
        users.post(":userID", use: update)
        users.post(":userID", "password", use: resetPassword)
        users.post(":userID", "disable", use: disable)
        users.post(":userID", "enable", use: enable)
    }

    struct Option: Encodable { let value: String; let label: String; let selected: Bool }
    struct Row: Encodable { let id: String; let name: String; let email: String; let role: String; let office: String; let disabled: Bool; let twoFactor: Bool }
    struct ListView: Encodable { let users: [Row]; let canCreate: Bool }
    struct FormValues: Encodable { var email = ""; var displayName = ""; var role = Role.caseworker.rawValue; var officeID = ""; var language = Language.bangla.rawValue }
    struct FormView: Encodable {
        var id: String?
        var form: FormValues
        var roles: [Option]
        var offices: [Option]
        var languages: [Option]
        var errors: [String: String]
        var disabled: Bool
        var canDisable: Bool
        var passwordRules: String
    }

    struct Form: Content {
        var email: String?
        var display_name: String?
        var role: String?
        var office_id: String?
        var language: String?
        var password: String?

        var officeID: UUID? { office_id.flatMap(UUID.init(uuidString:)) }
        var values: FormValues {
            FormValues(email: email ?? "", displayName: display_name ?? "", role: role ?? "", officeID: office_id ?? "", language: language ?? "")
        }
    }

    func list(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(UserPolicy.decide(principal, .list))
        var query = User.query(on: req.db).sort(\.$displayName)
        if let office = UserPolicy.listScope(principal) { query = query.filter(\.$officeID == office) }
        let offices = Dictionary(uniqueKeysWithValues: try await Office.query(on: req.db).all().compactMap { o in o.id.map { ($0, o.name) } })
        let rows = try await query.all().map { user in
            Row(id: user.id?.uuidString ?? "", name: user.displayName, email: user.email, role: req.t(user.role.labelKey),
                office: user.officeID.flatMap { offices[$0] } ?? req.t("office.whole_organisation"),
                disabled: user.isDisabled, twoFactor: user.hasTOTP)
        }
        return try await req.page("admin-users", titleKey: "users.title",
                                  ListView(users: rows, canCreate: UserPolicy.decide(principal, .create).isAllowed))
    }

    private func formView(_ req: Request, id: String?, values: FormValues, errors: [String: String], disabled: Bool = false, canDisable: Bool = false) async throws -> FormView {
        let principal = try req.principal()
        var offices: [Option] = []
        if principal.isOrganisationWide {
            offices.append(Option(value: "", label: req.t("office.whole_organisation"), selected: values.officeID.isEmpty))
        }
        for office in try await Office.query(on: req.db).filter(\.$active == true).sort(\.$name).all() where principal.covers(office: office.id) {
            let id = office.id?.uuidString ?? ""
            offices.append(Option(value: id, label: office.name, selected: id == values.officeID))
        }
        return FormView(
            id: id, form: values,
            roles: UserPolicy.assignableRoles(principal).map { Option(value: $0.rawValue, label: req.t($0.labelKey), selected: $0.rawValue == values.role) },
            offices: offices,
            languages: Language.allCases.map { Option(value: $0.rawValue, label: $0.endonym, selected: $0.rawValue == values.language) },
            errors: errors, disabled: disabled, canDisable: canDisable, passwordRules: AccountForms.passwordRules(req)
        )
    }

    func newForm(req: Request) async throws -> Response {
        try req.authorize(UserPolicy.decide(try req.principal(), .create))
        return try await req.page("admin-user-form", titleKey: "users.new_title", try await formView(req, id: nil, values: FormValues(), errors: [:]))
    }

    func create(req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(UserPolicy.decide(principal, .create))
        let form = try req.content.decode(Form.self)
        let role = Role(rawValue: form.role ?? "") ?? .viewer
        try req.authorize(UserPolicy.decide(principal, .create, target: .init(userID: UUID(), role: role, officeID: form.officeID)))
        do {
            let account = UserService.NewAccount(email: form.email ?? "", displayName: form.display_name ?? "", role: form.role ?? "",
                                                 officeID: form.officeID, language: form.language ?? "", password: form.password ?? "")
            _ = try await UserService(context: req.change).create(account) { try await req.password.async.hash($0) }
            return req.seeOther("/admin/users?notice=user_created")
        } catch let invalid as Invalid {
            return try await req.page("admin-user-form", titleKey: "users.new_title",
                                      try await formView(req, id: nil, values: form.values, errors: invalid.translated(req)), status: .unprocessableEntity)
        }
    }

    private func editView(_ req: Request, _ user: User, values: FormValues? = nil, errors: [String: String] = [:]) async throws -> FormView {
        let principal = try req.principal()
        let current = FormValues(email: user.email, displayName: user.displayName, role: user.roleRaw, officeID: user.officeID?.uuidString ?? "", language: user.language)
        let canDisable = UserPolicy.decide(principal, .disable, target: .init(userID: try user.requireID(), role: user.role, officeID: user.officeID)).isAllowed
        return try await formView(req, id: user.id?.uuidString, values: values ?? current, errors: errors, disabled: user.isDisabled, canDisable: canDisable)
    }

    func edit(req: Request) async throws -> Response {
        let user = try await req.authorizedUser(.update)
        return try await req.page("admin-user-form", titleKey: "users.edit_title", try await editView(req, user))
    }

    func update(req: Request) async throws -> Response {
        let user = try await req.authorizedUser(.update)
        let form = try req.content.decode(Form.self)
        let role = Role(rawValue: form.role ?? "") ?? .viewer
        // The new role and office must be within the editor's power too.
        try req.authorize(UserPolicy.decide(try req.principal(), .update, target: .init(userID: try user.requireID(), role: role, officeID: form.officeID)))
        do {
            try await UserService(context: req.change).update(user, with: .init(displayName: form.display_name ?? "", role: form.role ?? "",
                                                                             officeID: form.officeID, language: form.language ?? ""))
            return req.seeOther("/admin/users?notice=user_updated")
        } catch let invalid as Invalid {
            var values = form.values
            values.email = user.email
            return try await req.page("admin-user-form", titleKey: "users.edit_title",
                                      try await editView(req, user, values: values, errors: invalid.translated(req)), status: .unprocessableEntity)
        }
    }

    func resetPassword(req: Request) async throws -> Response {
        let user = try await req.authorizedUser(.resetPassword)
        let password = (try? req.content.get(String.self, at: "password")) ?? ""
        do {
            try await UserService(context: req.change).resetPassword(user, to: password) { try await req.password.async.hash($0) }
            return req.seeOther("/admin/users/\(user.id?.uuidString ?? "")?notice=password_reset")
        } catch let invalid as Invalid {
            return try await req.page("admin-user-form", titleKey: "users.edit_title",
                                      try await editView(req, user, errors: invalid.translated(req)), status: .unprocessableEntity)
        }
    }

    func disable(req: Request) async throws -> Response {
        let user = try await req.authorizedUser(.disable)
        try await UserService(context: req.change).setDisabled(user, true)
        return req.seeOther("/admin/users?notice=user_disabled")
    }

    func enable(req: Request) async throws -> Response {
        let user = try await req.authorizedUser(.disable)
        try await UserService(context: req.change).setDisabled(user, false)
        return req.seeOther("/admin/users?notice=user_enabled")
    }
}
