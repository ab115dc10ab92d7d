import Fluent
import Foundation
import SQLKit
import SonghotiCore
@testable import SonghotiServer
import Testing
import Vapor

@Suite("Demo and scale data")
struct SeedTests {
    @Test func theDemoOrganisationIsBuiltThroughTheServices() async throws {
        try await withTestApp { app, _ in
            let result = try await SeedCommand.demo(app, cases: 40, seed: 2026)
            #expect(result.cases == 40 && result.accounts.count == 9)
            #expect(try await Office.query(on: app.db).count() == 2)
            #expect(Set(try await User.query(on: app.db).all().map(\.roleRaw)) == Set(Role.allCases.map(\.rawValue)))
            let cases = try await CaseFile.query(on: app.db).all()
            #expect(cases.count == 40)
            #expect(cases.contains { $0.kind == "collective" })
            let restricted = cases.filter(\.restricted)
            #expect(!restricted.isEmpty && restricted.allSatisfy { $0.summary == nil && $0.summarySealed != nil })
            #expect(cases.contains { $0.summary?.unicodeScalars.contains { (0x0980...0x09FF).contains($0.value) } == true })
            #expect(cases.contains { $0.summary?.contains("wages") == true || $0.summary?.contains("Dismissed") == true })
            #expect(try await CaseEvent.query(on: app.db).count() >= 40)
            #expect(try await app.auditLog.verify(on: app.db).intact)
            // A second run refuses the database, which is no longer empty.
            await #expect(throws: CommandFailure.self) { try await SeedCommand.requireEmpty(app) }
        }
    }

    @Test func scaleDataIsConsistentWithWhatTheAppWrites() async throws {
        try await withTestApp { app, _ in
            let generator = ScaleGenerator(app: app, cases: 300, eventsPerCase: 5, seed: 7, staffPerOffice: 2)
            try await generator.run { _ in }
            let cases = try await CaseFile.query(on: app.db).all()
            #expect(cases.count == 300)
            let events = try await CaseEvent.query(on: app.db).count()
            #expect(events > 900 && events < 2_500)
            let docs = try await app.db.sql.raw("SELECT body FROM case_search_docs").all().map { try $0.decode(column: "body", as: String.self) }
            #expect(docs.count == 300)
            #expect(docs.filter { !$0.isEmpty }.count == cases.filter { !$0.restricted }.count)
            // Sealed identifiers open with the running key; counters continue after the generated numbers.
            let worker = try #require(try await Worker.query(on: app.db).sort(\.$codeNumber, .descending).first())
            #expect(!(try await WorkerService(context: .commandLine(app)).identity(of: worker).fullName.isEmpty))
            let coordinator = try #require(try await User.query(on: app.db).filter(\.$roleRaw == "coordinator").first())
            let office = try #require(try await Office.find(coordinator.officeID, on: app.db))
            let newest = cases.filter { $0.officeID == office.id }.map(\.reference).max() ?? ""
            let opened = try await CaseService(context: .commandLine(app)).create(
                .init(officeID: office.id, kind: "individual", category: "unpaid_wages", channel: "phone", summary: "After the seed.", workers: [worker.code]),
                principal: try coordinator.principal())
            #expect(opened.reference > newest)
            var english = CaseFilter()
            english.q = "compliance"
            #expect(!(try await CaseQuery(app: app, db: app.db).page(principal: try coordinator.principal(), filter: english, after: nil, limit: 5).cases.isEmpty))
            #expect(try await app.auditLog.verify(on: app.db).intact)
        }
    }
}
