import Fluent
import Foundation
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

@Suite("CSRF: refused requests change nothing")
struct CSRFTests {
    private func officeCount(_ app: Application) async throws -> Int { try await Office.query(on: app.db).count() }
    private let fields = ["name": "Narayanganj Centre", "code": "NGJ", "kind": "worker_centre", "location": "", "active": "on"]

    @Test func missingTokenIsRefused() async throws {
        try await withTestApp { app, _ in
            let admin = try await Fixtures.session(app, for: try await Fixtures.user(app, role: .administrator))
            let response = try await admin.post("/admin/offices", fields, csrf: false)
            #expect(response.status == .forbidden)
            #expect(response.text.contains(app.catalog.string("error.csrf", .english)))
            #expect(try await officeCount(app) == 0)
        }
    }

    @Test func tokenFromAnotherSessionIsRefused() async throws {
        try await withTestApp { app, _ in
            var admin = try await Fixtures.session(app, for: try await Fixtures.user(app, role: .administrator))
            let other = try await Fixtures.session(app, for: nil, stage: .anonymous)
            admin.csrf = other.csrf
            #expect(try await admin.post("/admin/offices", fields).status == .forbidden)
            #expect(try await officeCount(app) == 0)
        }
    }

    @Test func crossSiteRequestsAreRefusedEvenWithTheToken() async throws {
        try await withTestApp { app, _ in
            let admin = try await Fixtures.session(app, for: try await Fixtures.user(app, role: .administrator))
            let foreignOrigin = try await admin.post("/admin/offices", fields, headers: ["Origin": "https://evil.example", "Host": "localhost:8080"])
            #expect(foreignOrigin.status == .forbidden)
            let crossSite = try await admin.post("/admin/offices", fields, headers: ["Sec-Fetch-Site": "cross-site"])
            #expect(crossSite.status == .forbidden)
            #expect(crossSite.text.contains(app.catalog.string("error.cross_site", .english)))
            #expect(try await officeCount(app) == 0)
            let sameOrigin = try await admin.post("/admin/offices", fields, headers: ["Origin": "http://localhost:8080", "Host": "localhost:8080", "Sec-Fetch-Site": "same-origin"])
            #expect(sameOrigin.status == .seeOther)
            #expect(try await officeCount(app) == 1)
        }
    }

    @Test func loginFormNeedsTheTokenToo() async throws {
        try await withTestApp { app, _ in
            let user = try await Fixtures.user(app, role: .viewer)
            let response = try await Browser(app: app).post("/login", ["email": user.email, "password": knownPassword], csrf: false)
            #expect(response.status == .forbidden)
            #expect(try await AuditRecord.query(on: app.db).filter(\.$action == "session.sign_in").count() == 0)
        }
    }
}
