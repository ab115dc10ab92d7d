import Fluent
import Foundation
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

@Suite("JSON API, problem documents and the OpenAPI description")
struct APITests {
    private func headers(_ token: String) -> HTTPHeaders {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        headers.contentType = .json
        return headers
    }

    @Test func openAPIListsExactlyTheRegisteredAPIRoutes() async throws {
        try await withTestApp { app, _ in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/openapi.json")
            #expect(response.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            #expect(json["openapi"] as? String == "3.1.0")
            let paths = try #require(json["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, operations) in paths {
                for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            let registered = Set(app.routes.all.compactMap { route -> String? in
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                return path.hasPrefix("/api/") ? "\(route.method.rawValue) \(path)" : nil
            })
            #expect(documented == registered, "undocumented: \(registered.subtracting(documented)); not registered: \(documented.subtracting(registered))")
            // Every schema referenced is defined.
            let schemas = try #require((json["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let text = response.body.string
            for match in text.matches(of: /#\/components\/schemas\/([A-Za-z]+)/) {
                #expect(schemas[String(match.1)] != nil, "schema \(match.1)")
            }
        }
    }

    @Test func meUsersAndOfficesThroughTheAPI() async throws {
        try await withTestApp { app, _ in
            let admin = try await Fixtures.user(app, role: .administrator)
            let token = try await Fixtures.apiToken(app, for: admin)
            let me = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: headers(token))
            #expect(try me.content.decode(UserDTO.self).id == admin.id)

            let office = try await app.testing().sendRequest(.POST, "/api/v1/offices", headers: headers(token),
                                                              body: ByteBuffer(string: #"{"name":"Ashulia Centre","code":"ash","location":"Savar"}"#))
            #expect(office.status == .created)
            let created = try office.content.decode(OfficeDTO.self)
            #expect(created.code == "ASH")
            #expect(office.headers.first(name: .location) == "/api/v1/offices/\(created.id)")

            let user = try await app.testing().sendRequest(.POST, "/api/v1/users", headers: headers(token), body: ByteBuffer(string: """
                {"email":"kamal@example.org","display_name":"Kamal","role":"caseworker","office_id":"\(created.id)","language":"bn","password":"boats on the jamuna river"}
                """))
            #expect(user.status == .created)
            let kamal = try user.content.decode(UserDTO.self)
            #expect(kamal.office_id == created.id)

            let patched = try await app.testing().sendRequest(.PATCH, "/api/v1/users/\(kamal.id)", headers: headers(token),
                                                               body: ByteBuffer(string: #"{"role":"coordinator","office_id":null}"#))
            #expect(patched.status == .ok)
            let after = try patched.content.decode(UserDTO.self)
            #expect(after.role == "coordinator")
            #expect(after.office_id == nil)

            // Cursor pagination walks every account exactly once.
            for index in 0..<4 { try await Fixtures.user(app, role: .viewer, email: "viewer\(index)@example.org") }
            var seen: [UUID] = []
            var cursor: String?
            repeat {
                let path = "/api/v1/users?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await app.testing().sendRequest(.GET, path, headers: headers(token)).content.decode(PageDTO<UserDTO>.self)
                seen += page.items.map(\.id)
                cursor = page.next_cursor
            } while cursor != nil
            #expect(seen.count == 6)
            #expect(Set(seen).count == 6)
        }
    }

    @Test func errorsAreProblemDocumentsWithFieldErrors() async throws {
        try await withTestApp { app, _ in
            let admin = try await Fixtures.user(app, role: .administrator)
            let token = try await Fixtures.apiToken(app, for: admin)
            let invalid = try await app.testing().sendRequest(.POST, "/api/v1/users", headers: headers(token), body: ByteBuffer(string: """
                {"email":"not-an-email","display_name":"","role":"boss","password":"short"}
                """))
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            let problem = try JSONDecoder().decode(Problem.self, from: Data(invalid.body.readableBytesView))
            #expect(problem.type == "/api/v1/problems/validation")
            #expect(Set(problem.errors?.map(\.field) ?? []) == ["email", "display_name", "role", "password"])
            #expect(!invalid.body.string.contains("not-an-email") && !invalid.body.string.contains("boss"), "submitted values are not echoed")

            let malformed = try await app.testing().sendRequest(.POST, "/api/v1/offices", headers: headers(token), body: ByteBuffer(string: #"{"name": 5}"#))
            #expect(malformed.status == .unprocessableEntity)
            let notFound = try await app.testing().sendRequest(.GET, "/api/v1/offices/\(UUID())", headers: headers(token))
            #expect(notFound.status == .notFound)
            #expect(try JSONDecoder().decode(Problem.self, from: Data(notFound.body.readableBytesView)).type == "/api/v1/problems/not-found")
            let badToken = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: headers("sht_forged"))
            #expect(badToken.status == .unauthorized)
            #expect(badToken.headers.first(name: .wwwAuthenticate) != nil)
        }
    }

    @Test func tokensAreStoredHashedAndCanBeRevoked() async throws {
        try await withTestApp { app, _ in
            let user = try await Fixtures.user(app, role: .viewer)
            let browser = try await Fixtures.session(app, for: user)
            let page = try await browser.post("/account/tokens", ["name": "reporting script"])
            let token = try #require(page.text.firstMatch(of: /<code class="secret">(sht_[A-Za-z0-9_-]+)<\/code>/)?.1)
            let stored = try #require(try await APIToken.query(on: app.db).first())
            #expect(stored.tokenHash != String(token))
            #expect(stored.tokenHash == Secrets.digest(String(token)))
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: headers(String(token))).status == .ok)
            #expect(try await browser.post("/account/tokens/\(stored.id!)/revoke").status == .seeOther)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: headers(String(token))).status == .unauthorized)
        }
    }

    @Test func requestBodiesAreLimited() async throws {
        try await withTestApp { app, _ in
            let admin = try await Fixtures.user(app, role: .administrator)
            let token = try await Fixtures.apiToken(app, for: admin)
            let huge = String(repeating: "a", count: 300 * 1024)
            let response = try await app.testing().sendRequest(.POST, "/api/v1/offices", headers: headers(token),
                                                                body: ByteBuffer(string: #"{"name":"\#(huge)","code":"BIG"}"#))
            #expect(response.status == .payloadTooLarge)
            #expect(try await Office.query(on: app.db).count() == 0)
        }
    }
}
