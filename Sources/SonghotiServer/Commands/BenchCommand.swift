import ConsoleKit
import Fluent
import Foundation
import SonghotiCore
import SQLKit
import Vapor

/// `songhoti bench cases`: timings of the case operations caseworkers wait for, on whatever data the database
/// holds (make it with `songhoti seed scale`). Prints median, p95 and maximum per operation.
struct BenchCommand: AsyncCommandGroup {
    var help: String { "Benchmarks on the current database (generate data first with `songhoti seed scale --cases N`)." }
    var commands: [String: any AnyAsyncCommand] { ["cases": Cases(), "matching": BenchMatching()] }

    struct Result {
        let name: String
        let samples: [Duration]

        func milliseconds(_ d: Duration) -> Double {
            let (s, a) = d.components
            return Double(s) * 1000 + Double(a) / 1e15
        }

        var line: String {
            let sorted = samples.sorted()
            func at(_ q: Double) -> Double { milliseconds(sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)]) }
            let label = name.padding(toLength: 48, withPad: " ", startingAt: 0)
            return label + String(format: "n=%4d  p50 %8.2f ms  p95 %8.2f ms  max %8.2f ms", samples.count, at(0.5), at(0.95), milliseconds(sorted.last ?? .zero))
        }
    }

    struct Cases: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "iterations", help: "Timed runs per operation (default 200)") var iterations: Int?
            @Option(name: "warmup", help: "Untimed runs first (default 20)") var warmup: Int?
        }
        var help: String { "Case list, full-text search (English and Bangla), case detail with timeline, and case creation, timed." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: false)
            let iterations = max(1, signature.iterations ?? 200)
            let warmup = max(0, signature.warmup ?? 20)
            let db = app.db
            let dhaka = try await Office.query(on: db).filter(\.$code == "DHK").first()
            let anyOffice = try await Office.query(on: db).first()
            guard let office = dhaka ?? anyOffice,
                  let coordinator = try await User.query(on: db).filter(\.$roleRaw == Role.coordinator.rawValue).filter(\.$officeID == office.id).first(),
                  let caseworker = try await User.query(on: db).filter(\.$roleRaw == Role.caseworker.rawValue).filter(\.$officeID == office.id).first()
            else { throw CommandFailure("no office with a coordinator and a caseworker: run `songhoti seed scale --cases N` on an empty database first") }
            let caseCount = try await CaseFile.query(on: db).count()
            let eventCount = try await CaseEvent.query(on: db).count()
            let workerCount = try await Worker.query(on: db).count()
            context.console.print("Dataset: \(caseCount) cases, \(eventCount) timeline entries, \(workerCount) workers (\(app.dialect.name))")
            if case .sqlite(let path) = app.songhotiSettings.database, let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int {
                context.console.print(String(format: "Database file: %.2f GiB", Double(size) / 1_073_741_824) + " (\(path))")
            }
            let change = ChangeContext(app: app, actorID: "bench", sourceIP: nil)
            let coordinatorPrincipal = try coordinator.principal()
            let caseworkerPrincipal = try caseworker.principal()
            let query = CaseQuery(app: app, db: db)
            var random = SeededRandom(seed: 99)

            func time(_ name: String, _ body: (Int) async throws -> Void) async throws -> Result {
                for index in 0..<warmup { try await body(index) }
                var samples: [Duration] = []
                samples.reserveCapacity(iterations)
                for index in 0..<iterations {
                    let start = ContinuousClock.now
                    try await body(index)
                    samples.append(ContinuousClock.now - start)
                }
                let result = Result(name: name, samples: samples)
                context.console.print(result.line)
                return result
            }

            let statuses = CaseStatus.allCases.map(\.rawValue)
            _ = try await time("case list, first page (office + status)") { index in
                var filter = CaseFilter()
                filter.status = statuses[index % statuses.count]
                filter.office = office.id!.uuidString
                let page = try await query.page(principal: coordinatorPrincipal, filter: filter, after: nil, limit: 50)
                precondition(page.cases.count <= 50)
            }
            _ = try await time("case list, first page (caseworker, no filter)") { _ in
                _ = try await query.page(principal: caseworkerPrincipal, filter: CaseFilter(), after: nil, limit: 50)
            }
            let english = ["wages", "overtime", "severance", "dismissed", "maternity", "supervisor threatened", "compliance", "hearing adjourned"]
            let bangla = ["মজুরি", "ওভারটাইম", "ছাঁটাই", "মাতৃত্বকালীন", "সুপারভাইজার হুমকি", "শুনানি", "কমপ্লায়েন্স", "বকেয়া"]
            var hits: [String: Int] = [:]
            _ = try await time("full-text search, English (caseworker)") { index in
                var filter = CaseFilter()
                filter.q = english[index % english.count]
                let page = try await query.page(principal: caseworkerPrincipal, filter: filter, after: nil, limit: 50)
                hits[filter.q] = page.cases.count
            }
            _ = try await time("full-text search, Bangla (caseworker)") { index in
                var filter = CaseFilter()
                filter.q = bangla[index % bangla.count]
                let page = try await query.page(principal: caseworkerPrincipal, filter: filter, after: nil, limit: 50)
                hits[filter.q] = page.cases.count
            }
            _ = try await time("full-text search + status filter (coordinator)") { index in
                var filter = CaseFilter()
                filter.q = (index.isMultiple(of: 2) ? english : bangla)[index % english.count]
                filter.status = "investigation"
                _ = try await query.page(principal: coordinatorPrincipal, filter: filter, after: nil, limit: 50)
            }
            let emptyTerms = hits.filter { $0.value == 0 }.map(\.key)
            if !emptyTerms.isEmpty { context.console.warning("search terms with no results: \(emptyTerms.joined(separator: ", "))") }

            // Case detail: what GET /api/v1/cases/{id} and its timeline do, including the audited view.
            let sample = try await db.sql.raw("SELECT id FROM cases WHERE office_id = \(bind: office.id!) AND restricted = \(bind: false) ORDER BY created_at DESC LIMIT 2000").all()
                .map { try $0.decode(column: "id", as: UUID.self) }
            guard !sample.isEmpty else { throw CommandFailure("no cases to open") }
            let service = CaseService(context: change)
            let timeline = CaseTimeline(context: change)
            _ = try await time("case detail with timeline (audited view)") { _ in
                let id = random.pick(sample)
                guard let file = try await CaseFile.find(id, on: db) else { throw CommandFailure("case vanished") }
                guard try await service.verdict(file, .view, principal: coordinatorPrincipal, on: db) == .allow else { throw CommandFailure("not allowed") }
                try await change.write { db in try await change.audit("case.view", "case", id.uuidString, on: db) }
                _ = try await CaseWorkerLink.query(on: db).filter(\.$caseID == id).all()
                _ = try await CaseAssignee.query(on: db).filter(\.$caseID == id).all()
                _ = try service.summary(of: file)
                let entries = try await timeline.entries(of: file, on: db)
                precondition(entries.count >= 0)
            }

            let workers = try await Worker.query(on: db).filter(\.$officeID == office.id!).limit(2000).all().map(\.code)
            _ = try await time("case creation with two workers") { index in
                _ = try await service.create(.init(officeID: office.id, kind: "collective", category: "unpaid_wages", channel: "phone", urgency: "urgent",
                                                   summary: index.isMultiple(of: 2) ? "Two sewing operators owed three months of wages." : "দুই শ্রমিকের তিন মাসের মজুরি বকেয়া।",
                                                   workers: [random.pick(workers), random.pick(workers)].reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
                                                   employer: "Benchmark Apparels Ltd.", country: "BD"),
                                             principal: caseworkerPrincipal)
            }
            context.console.print("Each benchmark case and audit entry written above stays in the database.")
        }
    }
}
