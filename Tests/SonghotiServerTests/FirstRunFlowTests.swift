import Fluent
import Foundation
import SonghotiCore
@testable import SonghotiServer
import Testing
import VaporTesting

@Suite("First run: setup link to a caseworker signed in in Bangla")
struct FirstRunFlowTests {
    @Test func setupLinkToBanglaCaseworker() async throws {
        try await withTestApp { app, _ in
            let token = try #require(try await SetupController.issueIfNeeded(app))
            var admin = Browser(app: app)
            let form = try await admin.get("/setup/\(token)")
            #expect(form.status == .ok)
            try await admin.adopt(form)

            // A weak password is refused, and the form comes back filled in with the reason beside the field.
            let weak = try await admin.post("/setup/\(token)", ["organisation": "Karmojibi Kendra", "display_name": "Rahima",
                                                                  "email": "rahima@example.org", "password": "password123", "password_confirmation": "password123"])
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.text.contains("value=\"Karmojibi Kendra\""))
            #expect(weak.text.contains("id=\"password-error\""))
            #expect(try await User.query(on: app.db).count() == 0)

            let created = try await admin.post("/setup/\(token)", ["organisation": "Karmojibi Kendra", "display_name": "Rahima",
                                                                     "email": "Rahima@Example.org", "password": "mango season at the river ghat",
                                                                     "password_confirmation": "mango season at the river ghat"])
            #expect(created.status == .seeOther)
            #expect(created.location == "/admin/offices?notice=setup_complete")
            try await admin.adopt(created)
            // The link works once.
            #expect(try await Browser(app: app).get("/setup/\(token)").status == .notFound)

            let office = try await admin.post("/admin/offices", ["name": "Gazipur Worker Centre", "code": "gzp", "kind": "worker_centre", "location": "Gazipur", "active": "on"])
            #expect(office.status == .seeOther)
            let gazipur = try #require(try await Office.query(on: app.db).filter(\.$code == "GZP").first())

            let newUser = try await admin.post("/admin/users", ["email": "salma@example.org", "display_name": "Salma", "role": "caseworker",
                                                                "office_id": gazipur.id!.uuidString, "language": "bn", "password": "temporary kite string 77"])
            #expect(newUser.status == .seeOther)

            // The caseworker signs in with the temporary password and must choose her own first.
            var (salma, signedIn) = try await signIn(app, email: "salma@example.org", password: "temporary kite string 77")
            #expect(signedIn.status == .seeOther)
            let forced = try await salma.get("/")
            #expect(forced.location == "/account/password?notice=must_change_password")
            let changed = try await salma.post("/account/password", ["current_password": "temporary kite string 77",
                                                                     "password": "jackfruit under the banyan", "password_confirmation": "jackfruit under the banyan"])
            #expect(changed.status == .seeOther)
            try await salma.adopt(changed)
            let home = try await salma.get("/")
            #expect(home.status == .ok)
            #expect(home.text.contains("<html lang=\"bn\">"))
            #expect(home.text.contains("কেসওয়ার্কার") || home.text.contains(app.catalog.string("role.caseworker", .bangla)))
            #expect(home.text.contains(app.catalog.string("nav.home", .bangla)))
            #expect(!home.text.contains("⟦"))

            let actions = try await AuditRecord.query(on: app.db).all().map(\.action)
            for action in ["organisation.create", "user.create", "office.create", "session.sign_in", "user.password_change"] {
                #expect(actions.contains(action), "audit has \(action)")
            }
            #expect(try await app.auditLog.verify(on: app.db).intact)
        }
    }

    @Test func setupLinkIsRefusedOnceAnAccountExists() async throws {
        try await withTestApp { app, _ in
            let token = try #require(try await SetupController.issueIfNeeded(app))
            try await Fixtures.user(app, role: .administrator)
            #expect(try await SetupController.issueIfNeeded(app) == nil)
            let page = try await Browser(app: app).get("/setup/\(token)")
            #expect(page.status == .notFound)
            #expect(try await Browser(app: app).get("/setup/not-a-token").status == .notFound)
        }
    }
}
