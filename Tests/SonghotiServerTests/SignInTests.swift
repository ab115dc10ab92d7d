import Fluent
import Foundation
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

@Suite("Sign-in, throttling, sessions and cookies")
struct SignInTests {
    @Test func wrongPasswordIsRefusedAndAudited() async throws {
        try await withTestApp { app, _ in
            let user = try await Fixtures.user(app, role: .caseworker)
            let (_, response) = try await signIn(app, email: user.email, password: "not the password at all")
            #expect(response.status == .unauthorized)
            #expect(response.text.contains(app.catalog.string("login.error.invalid", .english)))
            #expect(response.text.contains("value=\"\(user.email)\""), "the email stays filled in")
            let failed = try await AuditRecord.query(on: app.db).filter(\.$action == "session.sign_in_failed").all()
            #expect(failed.count == 1)
            #expect(failed.first?.resourceID == user.id?.uuidString)
        }
    }

    @Test func fiveFailuresLockTheAccountWithBackoff() async throws {
        try await withTestApp { app, _ in
            let user = try await Fixtures.user(app, role: .caseworker)
            for _ in 1...5 {
                let (_, response) = try await signIn(app, email: user.email, password: "wrong wrong wrong")
                #expect(response.status == .unauthorized)
            }
            // Even the right password is refused while locked, without being checked.
            let (_, locked) = try await signIn(app, email: user.email)
            #expect(locked.status == .tooManyRequests)
            let key = SignInGuard.keys(email: user.email, ip: nil, blindIndex: app.fieldProtection.blindIndex)[0]
            let row = try #require(try await LoginThrottle.find(key, on: app.db))
            #expect(row.failures == 5)
            let lockedFor = try #require(row.lockedUntil).timeIntervalSince(row.lastFailureAt)
            #expect(abs(lockedFor - LoginBackoff.standard.base) < 1)
            #expect(!key.contains(user.email), "the throttle table holds no email addresses")

            // When the lock passes, the right password works and clears the counter.
            row.lockedUntil = Date().addingTimeInterval(-1)
            try await row.update(on: app.db)
            let (_, ok) = try await signIn(app, email: user.email)
            #expect(ok.status == .seeOther)
            #expect(try await LoginThrottle.find(key, on: app.db) == nil)
        }
    }

    @Test func signInRotatesTheSessionAndSignOutDestroysIt() async throws {
        try await withTestApp { app, _ in
            let user = try await Fixtures.user(app, role: .caseworker)
            var browser = Browser(app: app)
            let form = try await browser.get("/login")
            try await browser.adopt(form)
            let anonymous = try #require(browser.cookie)
            let response = try await browser.post("/login", ["email": user.email, "password": knownPassword])
            let cookie = try #require(response.headers.setCookie?[SessionStore.cookieName])
            #expect(cookie.string != anonymous)
            #expect(cookie.isHTTPOnly)
            #expect(cookie.sameSite == .strict)
            #expect(!cookie.isSecure, "plain HTTP in tests")
            #expect(try await WebSession.query(on: app.db).filter(\.$tokenHash == Secrets.digest(anonymous)).count() == 0)
            try await browser.adopt(response)
            #expect(try await browser.get("/").status == .ok)

            let out = try await browser.post("/logout")
            #expect(out.status == .seeOther)
            #expect(try await WebSession.query(on: app.db).filter(\.$userID == user.id!).count() == 0)
            #expect(try await browser.get("/").location?.hasPrefix("/login") == true)
        }
    }

    @Test func cookieIsSecureBehindATrustedHTTPSProxy() async throws {
        let environment = try TestEnvironment.make()
        var settings = environment.settings
        settings.trustProxy = true
        let app = try await TestEnvironment(directory: environment.directory, settings: settings).makeApp()
        let user = try await Fixtures.user(app, role: .viewer)
        let browser = Browser(app: app)
        let page = try await browser.get("/login", headers: ["X-Forwarded-Proto": "https"])
        #expect(page.headers.setCookie?[SessionStore.cookieName]?.isSecure == true)
        #expect(page.headers.first(name: "Strict-Transport-Security") != nil)
        _ = user
        await environment.cleanUp(app)
        try await app.asyncShutdown()
    }

    @Test func idleAndAbsoluteExpiry() async throws {
        try await withTestApp { app, _ in
            let user = try await Fixtures.user(app, role: .caseworker)
            let idle = try await Fixtures.session(app, for: user, now: Date().addingTimeInterval(-31 * 60))
            #expect(try await idle.get("/").location?.hasPrefix("/login") == true)

            let fresh = try await Fixtures.session(app, for: user)
            #expect(try await fresh.get("/").status == .ok)

            // Active all along, but older than 12 hours.
            let old = try await Fixtures.session(app, for: user)
            let row = try #require(try await WebSession.query(on: app.db).filter(\.$tokenHash == Secrets.digest(old.cookie!)).first())
            row.createdAt = Date().addingTimeInterval(-12 * 3600 - 5)
            row.lastSeenAt = Date().addingTimeInterval(-30)
            try await row.update(on: app.db)
            #expect(try await old.get("/").location?.hasPrefix("/login") == true)

            // The clean-up job removes expired rows.
            _ = try await Fixtures.session(app, for: user, now: Date().addingTimeInterval(-3 * 3600))
            try await Maintenance.run(app)
            let remaining = try await WebSession.query(on: app.db).all()
            #expect(remaining.allSatisfy { Date().timeIntervalSince($0.lastSeenAt) < 30 * 60 })
        }
    }

    @Test func disabledAccountLosesItsSessionsAndTokens() async throws {
        try await withTestApp { app, _ in
            let admin = try await Fixtures.user(app, role: .administrator)
            let user = try await Fixtures.user(app, role: .caseworker)
            let session = try await Fixtures.session(app, for: user)
            let token = try await Fixtures.apiToken(app, for: user)
            let adminBrowser = try await Fixtures.session(app, for: admin)
            #expect(try await adminBrowser.post("/admin/users/\(user.id!)/disable").status == .seeOther)
            #expect(try await session.get("/").location?.hasPrefix("/login") == true)
            let api = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
            #expect(api.status == .unauthorized)
        }
    }

    @Test func twoFactorEnrolmentAndSignIn() async throws {
        try await withTestApp { app, _ in
            let user = try await Fixtures.user(app, role: .coordinator)
            let browser = try await Fixtures.session(app, for: user)
            let page = try await browser.get("/account/two-factor")
            let sealed = try #require(page.text.firstMatch(of: /name="sealed_secret" value="([^"]+)"/)?.1)
            let secretText = try #require(page.text.firstMatch(of: /<code class="secret">([A-Z2-7]+)<\/code>/)?.1)
            let secret = try #require(Base32.decode(String(secretText)))
            let wrong = try await browser.post("/account/two-factor", ["sealed_secret": String(sealed), "code": "000000"])
            #expect(wrong.status == .unprocessableEntity)
            let now = Date()
            let enrolled = try await browser.post("/account/two-factor", ["sealed_secret": String(sealed), "code": TOTP(secret: secret).code(at: now)])
            #expect(enrolled.status == .seeOther)
            let stored = try #require(try await User.find(user.id, on: app.db)?.totpSecret)
            #expect(!stored.contains(secret), "the secret is stored sealed")

            // Password alone now leads to the second step, not to the app.
            var (second, response) = try await signIn(app, email: user.email)
            #expect(response.location?.hasPrefix("/login/two-factor") == true)
            #expect(try await second.get("/").location == "/login/two-factor")
            // The code used at enrolment cannot be replayed.
            let replay = try await second.post("/login/two-factor", ["code": TOTP(secret: secret).code(at: now)])
            #expect(replay.status == .unauthorized)
            let next = TOTP(secret: secret).code(at: now.addingTimeInterval(30))
            let ok = try await second.post("/login/two-factor", ["code": next])
            #expect(ok.status == .seeOther)
            try await second.adopt(ok)
            #expect(try await second.get("/").status == .ok)
        }
    }

    @Test func roleRequiringTwoFactorSendsUnenrolledUsersToEnrol() async throws {
        try await withTestApp { app, _ in
            let admin = try await Fixtures.user(app, role: .administrator)
            let caseworker = try await Fixtures.user(app, role: .caseworker)
            let adminBrowser = try await Fixtures.session(app, for: admin)
            #expect(try await adminBrowser.post("/admin/security", ["require_caseworker": "on"]).status == .seeOther)
            let browser = try await Fixtures.session(app, for: caseworker)
            #expect(try await browser.get("/").location == "/account/two-factor?notice=two_factor_required")
            #expect(try await browser.get("/account/two-factor").status == .ok)
        }
    }
}
