import SonghotiCore
import Vapor

/// What every page's layout needs: language, CSRF token, navigation, the signed-in person.
struct Shell: Encodable {
    struct Link: Encodable { let href: String; let label: String; let current: Bool }
    struct LanguageOption: Encodable { let code: String; let name: String; let selected: Bool }

    let lang: String
    let title: String
    let csrf: String
    let signedIn: Bool
    let userName: String?
    let nav: [Link]
    let languages: [LanguageOption]
    let path: String
    let notice: String?
}

/// A rendered page: the shared shell plus the view's own data.
struct Page<View: Encodable>: Encodable {
    let shell: Shell
    let view: View
}

struct NoView: Encodable {}

extension Request {
    /// Renders `template` inside the layout. `titleKey` is a catalog key.
    /// `createSession: false` (error pages) uses an existing session only, so stray requests create no rows.
    func page<View: Encodable>(_ template: String, titleKey: String, _ view: View, status: HTTPStatus = .ok, createSession: Bool = true) async throws -> Response {
        let session = createSession ? try await ensureSession() : sessionState.session
        let shell = Shell(
            lang: language.rawValue,
            title: t(titleKey),
            csrf: session?.csrfToken ?? "",
            signedIn: staff != nil,
            userName: staff?.displayName,
            nav: navigation(),
            languages: Language.allCases.map { .init(code: $0.rawValue, name: $0.endonym, selected: $0 == language) },
            path: url.path,
            notice: noticeText()
        )
        let view = try await self.view.render(template, Page(shell: shell, view: view))
        let response = try await view.encodeResponse(status: status, for: self)
        response.headers.contentType = .html
        return response
    }

    /// A one-off confirmation ("Office created") named by `?notice=` and looked up in the catalog, never echoed raw.
    private func noticeText() -> String? {
        guard let key = try? query.get(String.self, at: "notice"),
              key.allSatisfy({ $0.isLetter || $0 == "_" }),
              application.catalog.has("notice.\(key)", in: .english) else { return nil }
        return t("notice.\(key)")
    }

    private func navigation() -> [Shell.Link] {
        guard let user = staff, let principal = try? user.principal() else { return [] }
        var links: [(String, String)] = [("/", "nav.home")]
        if [.caseworker, .coordinator].contains(principal.role) { links.append(("/work", "nav.work")) }
        links.append(("/cases", "nav.cases"))
        if WorkerPolicy.decide(principal, .list).isAllowed { links.append(("/workers", "nav.workers")) }
        links.append(("/factories", "nav.factories"))
        links.append(("/brands", "nav.brands"))
        if SupplyChainPolicy.decide(principal, .viewLedger).isAllowed { links.append(("/ledger", "nav.ledger")) }
        links.append(("/entitlements", "nav.entitlements"))
        links.append(("/partners", "nav.partners"))
        if UserPolicy.decide(principal, .list).isAllowed { links.append(("/admin/users", "nav.users")) }
        if OfficePolicy.decide(principal, .create).isAllowed || principal.role == .administrator {
            links.append(("/admin/offices", "nav.offices"))
        }
        if AdministrationPolicy.decide(principal, .viewSecuritySettings).isAllowed {
            links.append(("/admin/security", "nav.security"))
            links.append(("/admin/audit", "nav.audit"))
        }
        if SupplyChainPolicy.decide(principal, .manageTemplates).isAllowed { links.append(("/admin/letters", "nav.letters")) }
        links.append(("/account", "nav.account"))
        let path = url.path
        return links.map { href, key in
            let current = href == "/" ? path == "/" : path.hasPrefix(href)
            return Shell.Link(href: href, label: t(key), current: current)
        }
    }

    /// Redirect after a successful form post (303 so the browser follows with GET).
    func seeOther(_ location: String) -> Response {
        redirect(to: location, redirectType: .normal)
    }
}
