import Fluent
import Foundation
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor
import VaporTesting

/// Walks every registered route as every role and checks allow or deny against one table.
/// A new route fails this test until it is added to the table, so no route escapes a policy decision.
@Suite("Every route, every role")
struct RoutePolicyTests {
    enum Access: Equatable {
        case everyone          // any signed-in role (or any token holder)
        case roles(Set<Role>)  // only these roles, when organisation-wide
        case publicRoute       // no sign-in needed
    }

    static let admins: Set<Role> = [.administrator]
    static let caseHandlers: Set<Role> = [.caseworker, .coordinator]
    static let ledgerReaders: Set<Role> = [.coordinator, .programmeOfficer, .administrator]
    static let table: [String: Access] = coreTable.merging(supplyChainTable) { first, _ in first }.merging(entitlementsTable) { first, _ in first }
    static let entitlementsTable: [String: Access] = [
        "GET /entitlements": .everyone,
        "POST /entitlements": .everyone,
        "GET /cases/:caseID/workers/:workerID/entitlements": .roles(caseHandlers),
        "POST /cases/:caseID/workers/:workerID/entitlements": .roles(caseHandlers),
        "GET /cases/:caseID/entitlements/:calculationID": .everyone,
        "POST /api/v1/entitlements/calculate": .everyone,
        "GET /api/v1/entitlements/rules": .everyone,
        "POST /api/v1/cases/:caseID/workers/:workerID/entitlements": .roles(caseHandlers),
        "GET /api/v1/cases/:caseID/entitlements": .everyone,
        "GET /api/v1/cases/:caseID/entitlements/:calculationID": .everyone,
    ]
    static let coreTable: [String: Access] = [
        "GET /healthz": .publicRoute,
        "GET /readyz": .publicRoute,
        "GET /login": .publicRoute,
        "POST /login": .publicRoute,
        "GET /login/two-factor": .publicRoute,
        "POST /login/two-factor": .publicRoute,
        "POST /logout": .publicRoute,
        "POST /language": .publicRoute,
        "GET /setup/:token": .publicRoute,
        "POST /setup/:token": .publicRoute,
        "GET /": .everyone,
        "GET /account": .everyone,
        "GET /account/password": .everyone,
        "POST /account/password": .everyone,
        "GET /account/two-factor": .everyone,
        "POST /account/two-factor": .everyone,
        "POST /account/two-factor/remove": .everyone,
        "POST /account/tokens": .everyone,
        "POST /account/tokens/:tokenID/revoke": .everyone,
        "GET /admin/offices": .everyone,
        "POST /admin/offices": .roles(admins),
        "GET /admin/offices/:officeID": .roles(admins),
        "POST /admin/offices/:officeID": .roles(admins),
        "GET /admin/users": .roles([.administrator, .coordinator]),
        "GET /admin/users/new": .roles(admins),
        "POST /admin/users": .roles(admins),
        "GET /admin/users/:userID": .roles(admins),
        "POST /admin/users/:userID": .roles(admins),
        "POST /admin/users/:userID/password": .roles(admins),
        "POST /admin/users/:userID/disable": .roles(admins),
        "POST /admin/users/:userID/enable": .roles(admins),
        "GET /admin/security": .roles(admins),
        "POST /admin/security": .roles(admins),
        "GET /admin/audit": .roles(admins),
        "GET /workers": .everyone,
        "GET /workers/new": .roles(caseHandlers),
        "POST /workers": .roles(caseHandlers),
        "GET /workers/:workerID": .everyone,
        "GET /workers/:workerID/edit": .roles(caseHandlers),
        "POST /workers/:workerID": .roles(caseHandlers),
        "POST /workers/:workerID/consents": .roles(caseHandlers),
        "POST /workers/:workerID/consents/:consentID/withdraw": .roles(caseHandlers),
        "GET /cases": .everyone,
        "GET /cases/export.csv": .roles([.caseworker, .coordinator, .programmeOfficer]),
        "POST /cases/filters": .everyone,
        "POST /cases/filters/:filterID/delete": .everyone,
        "GET /cases/totals": .roles([.coordinator, .programmeOfficer, .administrator]),
        "GET /cases/:caseID/edit": .roles(caseHandlers),
        "POST /cases/:caseID/edit": .roles(caseHandlers),
        "POST /cases/:caseID/workers": .roles(caseHandlers),
        "GET /cases/:caseID/workers/:workerID/edit": .roles(caseHandlers),
        "POST /cases/:caseID/workers/:workerID": .roles(caseHandlers),
        "POST /cases/:caseID/workers/:workerID/remove": .roles(caseHandlers),
        "GET /api/v1/cases/export": .roles([.caseworker, .coordinator, .programmeOfficer]),
        "GET /api/v1/cases/filters": .everyone,
        "POST /api/v1/cases/filters": .everyone,
        "DELETE /api/v1/cases/filters/:filterID": .everyone,
        "PATCH /api/v1/cases/:caseID": .roles(caseHandlers),
        "GET /api/v1/cases/:caseID/workers": .everyone,
        "POST /api/v1/cases/:caseID/workers": .roles(caseHandlers),
        "PATCH /api/v1/cases/:caseID/workers/:workerID": .roles(caseHandlers),
        "DELETE /api/v1/cases/:caseID/workers/:workerID": .roles(caseHandlers),
        "GET /api/v1/remedies/totals": .roles([.coordinator, .programmeOfficer, .administrator]),
        "GET /cases/new": .roles(caseHandlers),
        "POST /cases": .roles(caseHandlers),
        "GET /cases/settings": .roles([.coordinator, .administrator]),
        "POST /cases/settings": .roles([.coordinator, .administrator]),
        "GET /cases/:caseID": .everyone,
        "POST /cases/:caseID/access": .everyone,
        "POST /cases/:caseID/transitions": .roles(caseHandlers),
        "POST /cases/:caseID/events": .roles(caseHandlers),
        // Another person's timeline entry: only coordinators (its author may too: CaseTimelineTests).
        "GET /cases/:caseID/events/:eventID/edit": .roles([.coordinator]),
        "POST /cases/:caseID/events/:eventID": .roles([.coordinator]),
        "POST /cases/:caseID/referrals": .roles(caseHandlers),
        "POST /cases/:caseID/referrals/:referralID": .roles(caseHandlers),
        "POST /cases/:caseID/remedies": .roles(caseHandlers),
        "GET /api/v1/cases/:caseID/remedies": .everyone,
        "POST /api/v1/cases/:caseID/remedies": .roles(caseHandlers),
        "POST /cases/:caseID/attachments": .roles(caseHandlers),
        "GET /cases/:caseID/attachments/:attachmentID": .everyone,
        "POST /api/v1/cases/:caseID/attachments": .roles(caseHandlers),
        "GET /work": .roles(caseHandlers),
        "POST /cases/:caseID/tasks": .roles(caseHandlers),
        "POST /tasks/:taskID/done": .roles(caseHandlers),
        "GET /api/v1/tasks": .everyone,
        "GET /partners": .everyone,
        "POST /partners": .roles([.coordinator, .administrator]),
        "GET /api/v1/cases/:caseID/referrals": .everyone,
        "POST /api/v1/cases/:caseID/referrals": .roles(caseHandlers),
        "GET /api/v1/cases/:caseID/events": .everyone,
        "POST /api/v1/cases/:caseID/events": .roles(caseHandlers),
        "GET /api/v1/cases": .everyone,
        "POST /api/v1/cases": .roles(caseHandlers),
        "GET /api/v1/cases/:caseID": .everyone,
        "POST /api/v1/cases/:caseID/access": .everyone,
        "POST /api/v1/cases/:caseID/transitions": .roles(caseHandlers),
        "GET /api/v1/openapi.json": .publicRoute,
        "GET /api/v1/workers": .everyone,
        "POST /api/v1/workers": .roles(caseHandlers),
        "GET /api/v1/workers/:workerID": .everyone,
        "PATCH /api/v1/workers/:workerID": .roles(caseHandlers),
        "GET /api/v1/workers/:workerID/consents": .everyone,
        "POST /api/v1/workers/:workerID/consents": .roles(caseHandlers),
        "GET /api/v1/me": .everyone,
        "GET /api/v1/users": .roles([.administrator, .coordinator]),
        "POST /api/v1/users": .roles(admins),
        "GET /api/v1/users/:userID": .roles([.administrator, .coordinator]),
        "PATCH /api/v1/users/:userID": .roles(admins),
        "GET /api/v1/offices": .everyone,
        "POST /api/v1/offices": .roles(admins),
        "GET /api/v1/offices/:officeID": .everyone,
        "PATCH /api/v1/offices/:officeID": .roles(admins),
    ]

    static let supplyChainTable: [String: Access] = [
        // Supply chain: registry, imports, escalations, ledger (SupplyChainPolicy).
        "GET /factories": .everyone,
        "GET /factories/new": .roles(caseHandlers),
        "POST /factories": .roles(caseHandlers),
        "GET /factories/:factoryID": .everyone,
        "GET /factories/:factoryID/edit": .roles(caseHandlers),
        "POST /factories/:factoryID": .roles(caseHandlers),
        "POST /factories/:factoryID/links": .roles(caseHandlers),
        "POST /factories/:factoryID/merge": .roles([.coordinator]),
        "POST /factory-merges/:mergeID/undo": .roles([.coordinator]),
        "GET /brands": .everyone,
        "GET /brands/new": .roles(caseHandlers),
        "POST /brands": .roles(caseHandlers),
        "GET /brands/:brandID": .everyone,
        "GET /brands/:brandID/edit": .roles(caseHandlers),
        "POST /brands/:brandID": .roles(caseHandlers),
        "POST /brands/:brandID/commitments": .roles(caseHandlers),
        "GET /imports": .everyone,
        "POST /imports": .roles(caseHandlers),
        "GET /imports/review": .everyone,
        "GET /imports/rows/:rowID": .everyone,
        "POST /imports/rows/:rowID": .roles(caseHandlers),
        "GET /imports/:importID": .everyone,
        "GET /cases/:caseID/escalations/new": .roles(caseHandlers),
        "POST /cases/:caseID/escalations": .roles(caseHandlers),
        "GET /escalations/:escalationID": .everyone,
        "POST /escalations/:escalationID/responses": .roles(caseHandlers),
        "GET /admin/letters": .roles([.coordinator, .administrator]),
        "POST /admin/letters": .roles([.coordinator, .administrator]),
        "GET /ledger": .roles(ledgerReaders),
        "GET /ledger/export.csv": .roles(ledgerReaders),
        "GET /api/v1/factories": .everyone,
        "POST /api/v1/factories": .roles(caseHandlers),
        "GET /api/v1/factories/:factoryID": .everyone,
        "PATCH /api/v1/factories/:factoryID": .roles(caseHandlers),
        "POST /api/v1/factories/:factoryID/merge": .roles([.coordinator]),
        "POST /api/v1/factory-merges/:mergeID/undo": .roles([.coordinator]),
        "GET /api/v1/brands": .everyone,
        "POST /api/v1/brands": .roles(caseHandlers),
        "GET /api/v1/brands/:brandID": .everyone,
        "PATCH /api/v1/brands/:brandID": .roles(caseHandlers),
        "POST /api/v1/brands/:brandID/commitments": .roles(caseHandlers),
        "GET /api/v1/sourcing-links": .everyone,
        "POST /api/v1/sourcing-links/:linkID/document": .roles(caseHandlers),
        "POST /api/v1/escalations/:escalationID/responses/:responseID/document": .roles(caseHandlers),
        "GET /api/v1/documents/:documentID": .everyone,
        "GET /documents/:documentID": .everyone,
        "POST /api/v1/sourcing-links": .roles(caseHandlers),
        "POST /api/v1/supplier-imports": .roles(caseHandlers),
        "GET /api/v1/supplier-imports/review": .everyone,
        "POST /api/v1/supplier-imports/rows/:rowID": .roles(caseHandlers),
        "GET /api/v1/supplier-imports/:importID": .everyone,
        "GET /api/v1/cases/:caseID/escalations": .everyone,
        "POST /api/v1/cases/:caseID/escalations": .roles(caseHandlers),
        "GET /api/v1/escalations/overdue": .everyone,
        "GET /api/v1/escalations/:escalationID": .everyone,
        "POST /api/v1/escalations/:escalationID/responses": .roles(caseHandlers),
        "GET /api/v1/ledger": .roles(ledgerReaders),
        "GET /api/v1/ledger/export": .roles(ledgerReaders),
        "GET /api/v1/letter-templates": .roles(caseHandlers),
        "PUT /api/v1/letter-templates/:language": .roles([.coordinator, .administrator]),
    ]

    /// Unknown ids for the supply-chain routes (allowed roles then get 404, denied roles 403).
    static func supplyChainParameters(in path: String) -> String {
        var path = path
        for name in [":factoryID", ":brandID", ":importID", ":rowID", ":escalationID", ":mergeID", ":linkID", ":responseID", ":documentID", ":calculationID"] {
            path = path.replacingOccurrences(of: name, with: UUID().uuidString)
        }
        return path.replacingOccurrences(of: ":language", with: "en")
    }

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
    }

    @Test func everyRouteIsInTheTable() async throws {
        try await withTestApp { app, _ in
            let registered = Set(app.routes.all.map(Self.key))
            #expect(registered == Set(Self.table.keys), "missing: \(registered.subtracting(Self.table.keys)), stale: \(Set(Self.table.keys).subtracting(registered))")
        }
    }

    @Test func everyRoleGetsWhatTheTableSays() async throws {
        try await withTestApp { app, _ in
            let office = try await Fixtures.office(app)
            let target = try await Fixtures.user(app, role: .viewer, office: office.id)
            let token = try await Fixtures.apiToken(app, for: target)
            let tokenRow = try #require(try await APIToken.query(on: app.db).first())
            let intake = try await Fixtures.user(app, role: .caseworker, office: office.id)
            let worker = try await WorkerService(context: .commandLine(app)).create(
                .init(fullName: "Test Worker", phone: "01711000000", officeID: office.id), principal: try intake.principal(), confirmedNew: false)
            let openCase = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: office.id, category: "unpaid_wages", channel: "phone", summary: "Three months of wages unpaid.", workers: [worker.code]),
                principal: try intake.principal())
            let event = try await CaseTimeline(context: .commandLine(app)).add(to: openCase, kind: "note", body: "First call.", occurredAt: Date(), principal: try intake.principal())
            let task = try await CaseTasks.add(caseID: openCase.id!, kind: .followUp, title: "Call back", dueOn: "2026-12-01", assignee: intake.id!, by: intake.id!, on: app.db)
            let consent = try await WorkerService(context: .commandLine(app)).recordConsent(
                .init(purpose: "statistics", partner: "", givenOn: "2026-01-01", method: "verbal"), for: worker, principal: try intake.principal())
            func concrete(_ path: String) -> String {
                let replaced = path.replacingOccurrences(of: ":officeID", with: office.id!.uuidString)
                    .replacingOccurrences(of: ":userID", with: target.id!.uuidString)
                    .replacingOccurrences(of: ":tokenID", with: tokenRow.id!.uuidString)
                    .replacingOccurrences(of: ":token", with: "no-such-token")
                    .replacingOccurrences(of: ":workerID", with: worker.id!.uuidString)
                    .replacingOccurrences(of: ":consentID", with: consent.id!.uuidString)
                    .replacingOccurrences(of: ":caseID", with: openCase.id!.uuidString)
                    .replacingOccurrences(of: ":eventID", with: event.id!.uuidString)
                    .replacingOccurrences(of: ":referralID", with: UUID().uuidString)
                    .replacingOccurrences(of: ":attachmentID", with: UUID().uuidString)
                    .replacingOccurrences(of: ":taskID", with: task.id!.uuidString)
                    .replacingOccurrences(of: ":filterID", with: UUID().uuidString)
                return Self.supplyChainParameters(in: replaced)
            }
            _ = token
            for role in Role.allCases {
                let user = try await Fixtures.user(app, role: role)
                let browser = try await Fixtures.session(app, for: user)
                let apiToken = try await Fixtures.apiToken(app, for: user)
                for route in app.routes.all {
                    let key = Self.key(route)
                    let access = try #require(Self.table[key])
                    let path = concrete("/" + route.path.map(\.description).joined(separator: "/"))
                    let status: HTTPStatus
                    if path.hasPrefix("/api/") {
                        var headers: HTTPHeaders = ["Authorization": "Bearer \(apiToken)"]
                        headers.contentType = .json
                        status = try await app.testing().sendRequest(route.method, path, headers: headers, body: ByteBuffer(string: "{}")).status
                    } else if route.method == .GET {
                        status = try await browser.get(path).status
                    } else {
                        // Forms with a valid token but no fields: allowed roles get a validation answer, denied roles 403.
                        // Sign-out and the language switch are skipped: they would end or alter the walking session.
                        if ["POST /logout", "POST /language", "POST /login", "POST /login/two-factor"].contains(key) { continue }
                        status = try await browser.post(path).status
                    }
                    let allowed: Bool
                    switch access {
                    case .publicRoute, .everyone: allowed = true
                    case .roles(let roles): allowed = roles.contains(role)
                    }
                    if allowed {
                        #expect(status != .forbidden && status != .unauthorized, "\(role.rawValue) should reach \(key), got \(status.code)")
                    } else {
                        #expect(status == .forbidden, "\(role.rawValue) must be refused \(key), got \(status.code)")
                    }
                }
            }
        }
    }

    @Test func signedOutVisitorsAreSentToSignInAndAPIWantsAToken() async throws {
        try await withTestApp { app, _ in
            let office = try await Fixtures.office(app)
            for route in app.routes.all {
                let key = Self.key(route)
                guard Self.table[key] != .publicRoute else { continue }
                var path = "/" + route.path.map(\.description).joined(separator: "/")
                    .replacingOccurrences(of: ":officeID", with: office.id!.uuidString)
                    .replacingOccurrences(of: ":userID", with: UUID().uuidString)
                    .replacingOccurrences(of: ":tokenID", with: UUID().uuidString)
                    .replacingOccurrences(of: ":workerID", with: UUID().uuidString)
                    .replacingOccurrences(of: ":consentID", with: UUID().uuidString)
                    .replacingOccurrences(of: ":caseID", with: UUID().uuidString)
                    .replacingOccurrences(of: ":eventID", with: UUID().uuidString)
                    .replacingOccurrences(of: ":referralID", with: UUID().uuidString)
                    .replacingOccurrences(of: ":attachmentID", with: UUID().uuidString)
                path = Self.supplyChainParameters(in: path)
                if path.hasPrefix("/api/") {
                    let response = try await app.testing().sendRequest(route.method, path)
                    #expect(response.status == .unauthorized, "\(key)")
                    #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                } else if route.method == .GET {
                    let response = try await Browser(app: app).get(path)
                    #expect(response.location?.hasPrefix("/login") == true, "\(key)")
                }
            }
        }
    }

    @Test func officeScopedCoordinatorSeesOnlyTheirOffice() async throws {
        try await withTestApp { app, _ in
            let dhaka = try await Fixtures.office(app)
            let gazipur = try await Fixtures.office(app, code: "GZP", name: "Gazipur")
            let coordinator = try await Fixtures.user(app, role: .coordinator, office: dhaka.id)
            let inside = try await Fixtures.user(app, role: .caseworker, office: dhaka.id)
            let outside = try await Fixtures.user(app, role: .caseworker, office: gazipur.id)
            let token = try await Fixtures.apiToken(app, for: coordinator)
            let list = try await app.testing().sendRequest(.GET, "/api/v1/users", headers: ["Authorization": "Bearer \(token)"])
            let page = try list.content.decode(PageDTO<UserDTO>.self)
            let ids = Set(page.items.map(\.id))
            #expect(ids.contains(inside.id!))
            #expect(!ids.contains(outside.id!))
            let other = try await app.testing().sendRequest(.GET, "/api/v1/users/\(outside.id!)", headers: ["Authorization": "Bearer \(token)"])
            #expect(other.status == .forbidden)

            let officeAdmin = try await Fixtures.user(app, role: .administrator, office: dhaka.id)
            let adminBrowser = try await Fixtures.session(app, for: officeAdmin)
            #expect(try await adminBrowser.get("/admin/users/\(outside.id!)").status == .forbidden)
            #expect(try await adminBrowser.get("/admin/users/\(inside.id!)").status == .ok)
            // An office administrator cannot mint organisation-wide administrators.
            let escalate = try await adminBrowser.post("/admin/users", ["email": "x@example.org", "display_name": "X", "role": "administrator",
                                                                       "office_id": "", "language": "en", "password": "a perfectly fine phrase"])
            #expect(escalate.status == .forbidden)
        }
    }
}
