import Fluent
import Foundation
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

/// Leaf renders a missing variable as nothing, silently; these tests render every page in English and Bangla
/// and check what a person would see.
@Suite("Every page in English and Bangla")
struct PagesTests {
    struct PageCase: Sendable {
        let path: String
        let titleKey: String
        let status: HTTPStatus
        /// Catalog keys whose text must appear on the page.
        let keys: [String]
    }

    @Test(arguments: [Language.english, Language.bangla])
    func everyPageRendersCompletely(language: Language) async throws {
        try await withTestApp { app, _ in
            let token = try #require(try await SetupController.issueIfNeeded(app))
            var anonymous = Browser(app: app)
            anonymous.language = language.rawValue
            // The setup page only exists while there is no account: render it first.
            let setupPage = PageCase(path: "/setup/\(token)", titleKey: "setup.title", status: .ok, keys: ["setup.intro", "field.organisation", "field.new_password", "setup.submit"])
            let setupResponse = try await anonymous.get(setupPage.path)
            let office = try await Fixtures.office(app)
            let admin = try await Fixtures.user(app, role: .administrator, language: language)
            let colleague = try await Fixtures.user(app, role: .caseworker, office: office.id, language: language)
            let awaiting = try await Fixtures.user(app, role: .coordinator, language: language)
            try await app.writer.transaction(on: app.db) { db in
                try await app.auditLog.append(.init(actorID: admin.id?.uuidString, action: "test.event", resourceType: "user", resourceID: colleague.id?.uuidString, sourceIP: "127.0.0.1"), on: db)
            }
            var browser = try await Fixtures.session(app, for: admin)
            browser.language = language.rawValue
            var secondStep = try await Fixtures.session(app, for: awaiting, stage: .awaitingSecondFactor)
            secondStep.language = language.rawValue
            _ = try await browser.post("/account/tokens", ["name": "script"])

            let signedOut: [PageCase] = [
                PageCase(path: "/login", titleKey: "login.title", status: .ok, keys: ["field.email", "field.password", "login.submit", "login.forgot"]),
                PageCase(path: "/setup/expired-or-wrong", titleKey: "setup.title", status: .notFound, keys: ["setup.invalid"]),
            ]
            let signedIn: [PageCase] = [
                PageCase(path: "/", titleKey: "home.title", status: .ok, keys: ["field.role", "home.next", "home.link.new_user", "role.administrator"]),
                PageCase(path: "/account", titleKey: "account.title", status: .ok, keys: ["tokens.title", "tokens.revoke", "field.email", "two_factor.off"]),
                PageCase(path: "/account/password", titleKey: "password.title", status: .ok, keys: ["field.current_password", "field.password_confirmation", "password.submit"]),
                PageCase(path: "/account/two-factor", titleKey: "two_factor.title", status: .ok, keys: ["two_factor.step_app", "two_factor.step_key", "two_factor.enable"]),
                PageCase(path: "/admin/offices", titleKey: "offices.title", status: .ok, keys: ["offices.new_title", "office.kind.worker_centre", "offices.code_hint", "offices.staff"]),
                PageCase(path: "/admin/offices/\(office.id!)", titleKey: "offices.edit_title", status: .ok, keys: ["field.location", "common.save", "offices.back"]),
                PageCase(path: "/admin/users", titleKey: "users.title", status: .ok, keys: ["users.new_title", "role.caseworker", "users.active", "office.whole_organisation"]),
                PageCase(path: "/admin/users/new", titleKey: "users.new_title", status: .ok, keys: ["field.temporary_password", "users.temporary_hint", "role.programme_officer"]),
                PageCase(path: "/admin/users/\(colleague.id!)", titleKey: "users.edit_title", status: .ok, keys: ["users.reset_title", "users.disable", "users.disable_hint"]),
                PageCase(path: "/admin/security", titleKey: "security.title", status: .ok, keys: ["security.require_two_factor", "role.viewer"]),
                PageCase(path: "/admin/audit", titleKey: "audit.title", status: .ok, keys: ["audit.action", "audit.intro"]),
                PageCase(path: "/partners", titleKey: "partners.title", status: .ok, keys: ["partners.intro", "partners.none", "partners.new", "partner.kind.legal_aid"]),
                PageCase(path: "/workers", titleKey: "workers.title", status: .ok, keys: ["workers.search_label", "workers.search_hint", "workers.none"]),
                PageCase(path: "/cases", titleKey: "cases.title", status: .ok, keys: ["cases.filter", "cases.none", "case.status.new"]),
                PageCase(path: "/entitlements", titleKey: "ent.title", status: .ok,
                         keys: ["ent.intro", "ent.field.regime", "ent.section.termination", "ent.field.pay.basic", "ent.hint.underpayment.months", "ent.calculate", "ent.regime.kh-labour"]),
                PageCase(path: "/no/such/page", titleKey: "error.title", status: .notFound, keys: ["error.404", "error.home"]),
            ]
            var rendered: [(PageCase, TestingHTTPResponse)] = [(setupPage, setupResponse)]
            for page in signedOut { rendered.append((page, try await anonymous.get(page.path))) }
            for page in signedIn { rendered.append((page, try await browser.get(page.path))) }
            let twoFactor = PageCase(path: "/login/two-factor", titleKey: "two_factor.title", status: .ok, keys: ["two_factor.prompt", "field.code", "two_factor.verify"])
            rendered.append((twoFactor, try await secondStep.get(twoFactor.path)))

            for (page, response) in rendered {
                let html = response.text
                #expect(response.status == page.status, "\(page.path)")
                #expect(response.headers.contentType == .html, "\(page.path)")
                #expect(html.contains("<html lang=\"\(language.rawValue)\">"), "\(page.path) declares its language")
                #expect(html.contains("<title>\(htmlEscaped(app.catalog.string(page.titleKey, language))) · Songhoti</title>"), "\(page.path) title")
                for key in page.keys + ["layout.skip", "layout.language", "layout.footer"] {
                    #expect(html.contains(htmlEscaped(app.catalog.string(key, language))), "\(page.path) shows \(key)")
                }
                #expect(!html.contains("⟦"), "\(page.path) has no missing catalog key")
                #expect(!html.contains("#t(") && !html.contains("#("), "\(page.path) has no unrendered Leaf tag")
                #expect(!html.contains("value=\"\"") || html.contains("csrf_token\" value=\"") , "\(page.path)")
                #expect(!html.contains("<script"), "\(page.path) needs no JavaScript")
                #expect(!html.contains("http://") && !html.contains("https://"), "\(page.path) loads nothing from elsewhere")
                if page.path != "/setup/expired-or-wrong", page.path != "/no/such/page" {
                    #expect(html.contains("name=\"csrf_token\" value=\"") && !html.contains("name=\"csrf_token\" value=\"\""), "\(page.path) carries a CSRF token")
                }
                if language == .bangla {
                    #expect(app.catalog.has(page.titleKey, in: .bangla))
                    #expect(!html.contains(htmlEscaped(app.catalog.string(page.titleKey, .english)) + " · Songhoti"), "\(page.path) title is translated")
                }
                #expect(response.headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
                #expect(response.headers.first(name: "X-Frame-Options") == "DENY")
                #expect(response.headers.first(name: "Cache-Control") == "no-store")
            }
        }
    }

    @Test func formsComeBackFilledInWithReasonsBesideFields() async throws {
        try await withTestApp { app, _ in
            let browser = try await Fixtures.session(app, for: try await Fixtures.user(app, role: .administrator, language: .bangla))
            let response = try await browser.post("/admin/offices", ["name": "Tongi Centre", "code": "TOO-LONG-CODE-X", "kind": "worker_centre", "location": "Tongi"])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("value=\"Tongi Centre\""))
            #expect(response.text.contains("value=\"TOO-LONG-CODE-X\""))
            #expect(response.text.contains("id=\"code-error\""))
            #expect(response.text.contains(htmlEscaped(app.catalog.string("office.error.code", .bangla))))
            #expect(response.text.contains("aria-invalid=\"true\""))
        }
    }

    @Test func languageSwitchIsRememberedForTheUser() async throws {
        try await withTestApp { app, _ in
            let user = try await Fixtures.user(app, role: .viewer, language: .english)
            let browser = try await Fixtures.session(app, for: user)
            #expect(try await browser.post("/language", ["language": "bn", "next": "/account"]).location == "/account")
            #expect(try await User.find(user.id, on: app.db)?.language == "bn")
            #expect(try await browser.get("/").text.contains("<html lang=\"bn\">"))
            // An off-site "next" is never followed.
            #expect(try await browser.post("/language", ["language": "en", "next": "//evil.example/"]).location == "/")
        }
    }

    @Test func banglaNumbersAndDates() async throws {
        let format = LocalizedFormat(language: .bangla, timeZone: TimeZone(identifier: "Asia/Dhaka")!)
        #expect(format.number(1234567) .contains("১"))
        #expect(!format.number(1234567).contains("1"))
        let date = format.date(Date(timeIntervalSince1970: 1_763_337_600)) // 17 Nov 2025
        #expect(date.contains("১৭"))
        #expect(LocalizedFormat(language: .english, timeZone: .gmt).number(1234567) == "1,234,567")
    }
}

@Suite("Localisation catalogs")
struct CatalogTests {
    static func load() throws -> Catalog { try Localization.loadCatalog(directory: packageRoot + "Resources/Localizations/") }

    @Test func banglaIsComplete() throws {
        let catalog = try Self.load()
        #expect(catalog.missingKeys(in: .bangla).isEmpty, "missing in bn: \(catalog.missingKeys(in: .bangla))")
        #expect(catalog.missingKeys(in: .khmer).isEmpty, "missing in km: \(catalog.missingKeys(in: .khmer))")
    }

    @Test func everyKeyTheTemplatesAndCodeUseExists() throws {
        let catalog = try Self.load()
        var used: Set<String> = []
        let fm = FileManager.default
        for folder in ["Resources/Views", "Sources/SonghotiServer"] {
            let enumerator = try #require(fm.enumerator(atPath: packageRoot + folder))
            for case let file as String in enumerator where file.hasSuffix(".leaf") || file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: packageRoot + folder + "/" + file, encoding: .utf8)
                for match in text.matches(of: /(?:#t|\.t)\("([a-z_.0-9]+)"/) { used.insert(String(match.1)) }
            }
        }
        #expect(used.count > 100)
        let missing = used.filter { !catalog.has($0, in: .english) }
        #expect(missing.isEmpty, "keys used but not in en.json: \(missing.sorted())")
    }

    @Test func placeholdersSurviveTranslation() throws {
        let catalog = try Self.load()
        for (key, english) in catalog.tables[.english] ?? [:] {
            for match in english.matches(of: /\{[0-9]\}/) {
                for language in [Language.bangla, .khmer] where catalog.has(key, in: language) {
                    #expect(catalog.string(key, language).contains(String(match.0)), "\(language.rawValue) \(key) keeps \(match.0)")
                }
            }
        }
    }
}
