import Fluent
import Foundation
import NIOHTTP1
import SQLKit
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

/// The package root, found from this file, so tests find Resources/ wherever they run from.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path + "/"
}()

/// Which database the suite runs on: PostgreSQL when SONGHOTI_TEST_DATABASE_URL is a postgres URL, else SQLite.
enum TestDatabase {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SONGHOTI_TEST_DATABASE_URL"].flatMap { $0.hasPrefix("postgres") ? $0 : nil }
    }
    static var isPostgres: Bool { postgresURL != nil }
}

/// One isolated database (a temporary SQLite file, or a fresh PostgreSQL schema) and key file per test.
struct TestEnvironment: Sendable {
    let directory: String
    let settings: Settings

    static func make() throws -> TestEnvironment {
        let directory = NSTemporaryDirectory() + "songhoti-test-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database: DatabaseTarget
        var schema: String?
        if let url = TestDatabase.postgresURL {
            database = .postgres(url: url)
            schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        } else {
            database = .sqlite(path: directory + "songhoti.sqlite")
        }
        return TestEnvironment(directory: directory, settings: Settings(database: database, keyFile: directory + "songhoti.keys", postgresSchema: schema,
                                                                        evidenceDirectory: directory + "evidence"))
    }

    func makeApp(prepare: Bool = true) async throws -> Application {
        let app = try await Application.make(.testing)
        app.directory = DirectoryConfiguration(workingDirectory: packageRoot)
        app.logger.logLevel = .warning
        do {
            try await configure(app, settings: settings)
            if let schema = settings.postgresSchema {
                try await app.db.sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
            }
            if prepare { _ = try await prepareData(app, migrate: true) }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }

    func cleanUp(_ app: Application) async {
        if let schema = settings.postgresSchema {
            try? await app.db.sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs `body` with a fresh, migrated application and removes its data afterwards.
func withTestApp(_ body: (Application, TestEnvironment) async throws -> Void) async throws {
    let environment = try TestEnvironment.make()
    let app = try await environment.makeApp()
    do {
        try await body(app, environment)
    } catch {
        await environment.cleanUp(app)
        try? await app.asyncShutdown()
        throw error
    }
    await environment.cleanUp(app)
    try await app.asyncShutdown()
}

/// A known password and its bcrypt hash, computed once per test process (bcrypt at cost 12 is deliberately slow).
let knownPassword = "violet-monsoon-ferry-42"
actor HashCache {
    static let shared = HashCache()
    private var hash: String?
    func knownHash(_ app: Application) async throws -> String {
        if let hash { return hash }
        let made = try await app.password.async.hash(knownPassword)
        hash = made
        return made
    }
}

/// Test fixtures written straight to the database.
enum Fixtures {
    @discardableResult
    static func office(_ app: Application, code: String = "DHK", name: String = "Dhaka Worker Centre") async throws -> Office {
        let office = Office(name: name, code: code, kind: .workerCentre, location: "Dhaka")
        try await office.create(on: app.db)
        return office
    }

    @discardableResult
    static func user(_ app: Application, role: Role, office: UUID? = nil, email: String? = nil, language: Language = .english,
                     mustChangePassword: Bool = false) async throws -> User {
        let user = User(email: email ?? "\(role.rawValue)-\(UUID().uuidString.prefix(6).lowercased())@example.org",
                        displayName: "Test \(role.rawValue)", passwordHash: try await HashCache.shared.knownHash(app),
                        role: role, officeID: office, language: language, mustChangePassword: mustChangePassword)
        try await user.create(on: app.db)
        return user
    }

    /// A signed-in browser session for `user`, without going through the password form.
    static func session(_ app: Application, for user: User?, stage: WebSession.Stage = .signedIn, now: Date = Date()) async throws -> Browser {
        let token = Secrets.token()
        let session = WebSession(tokenHash: Secrets.digest(token), userID: user?.id, stage: stage, csrfToken: Secrets.token(), language: nil, now: now)
        try await session.create(on: app.db)
        return Browser(app: app, cookie: token, csrf: session.csrfToken)
    }

    static func apiToken(_ app: Application, for user: User) async throws -> String {
        try await APITokens.issue(for: user, name: "test", on: app) { _, _ in }
    }
}

/// A minimal browser: carries the session cookie and the CSRF token, submits forms.
struct Browser: Sendable {
    let app: Application
    var cookie: String?
    var csrf: String?
    var language: String?

    func headers(_ extra: HTTPHeaders = [:]) -> HTTPHeaders {
        var headers = extra
        if let cookie { headers.add(name: .cookie, value: "\(SessionStore.cookieName)=\(cookie)") }
        if let language { headers.replaceOrAdd(name: .acceptLanguage, value: language) }
        return headers
    }

    func get(_ path: String, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.GET, path, headers: headers(extra))
    }

    /// Posts a URL-encoded form; includes the CSRF token unless `csrf: false`.
    func post(_ path: String, _ fields: [String: String] = [:], csrf includeToken: Bool = true, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var all = fields
        if includeToken, let csrf { all[CSRFMiddleware.fieldName] = csrf }
        let body = all.map { key, value in
            "\(key.formEncoded)=\(value.formEncoded)"
        }.joined(separator: "&")
        var headers = headers(extra)
        headers.contentType = .urlEncodedForm
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }

    /// Adopts the session cookie a response set (sign-in rotates it), reading the new CSRF token from the database.
    mutating func adopt(_ response: TestingHTTPResponse) async throws {
        guard let value = response.headers.setCookie?[SessionStore.cookieName]?.string else { return }
        if value.isEmpty { cookie = nil; csrf = nil; return }
        cookie = value
        csrf = try await WebSession.query(on: app.db).filter(\.$tokenHash == Secrets.digest(value)).first()?.csrfToken
    }
}

extension String {
    var formEncoded: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}

extension TestingHTTPResponse {
    var text: String { body.string }
    var location: String? { headers.first(name: .location) }
}

/// Signs in through the real form (bcrypt verify, throttle, audit) and returns the browser holding the new session.
func signIn(_ app: Application, email: String, password: String = knownPassword) async throws -> (Browser, TestingHTTPResponse) {
    var browser = Browser(app: app)
    let form = try await browser.get("/login")
    try await browser.adopt(form)
    let response = try await browser.post("/login", ["email": email, "password": password])
    try await browser.adopt(response)
    return (browser, response)
}

/// Text as Leaf writes it into HTML.
func htmlEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
}

/// A multipart/form-data body with one file part and optional text fields.
func multipart(file: Data, filename: String, contentType: String, fields: [String: String] = [:], name: String = "file") -> (HTTPHeaders, ByteBuffer) {
    let boundary = "songhoti-test-\(UUID().uuidString)"
    var body = Data()
    for (name, value) in fields {
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
    }
    body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8))
    body.append(file)
    body.append(Data("\r\n--\(boundary)--\r\n".utf8))
    var headers = HTTPHeaders()
    headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
    return (headers, ByteBuffer(data: body))
}
