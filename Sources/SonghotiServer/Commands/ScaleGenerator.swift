import Fluent
import Foundation
import SonghotiCore
import SQLKit
import Vapor

/// Bulk synthetic data for benchmarks: offices, staff, workers (identifiers sealed as in real use), cases with
/// realistic distributions, timelines, claims, assignees and the search index, written in large transactions.
/// It bypasses the per-change services (and their audit entries) for speed and writes one audit entry for the run.
final class ScaleGenerator: @unchecked Sendable {
    let app: Application
    let cases: Int
    let eventsPerCase: Int
    let staffPerOffice: Int
    var random: SeededRandom
    private(set) var accounts: [(String, String)] = []

    static let batch = 1_000
    static let rowsPerInsert = 250

    init(app: Application, cases: Int, eventsPerCase: Int, seed: UInt64, staffPerOffice: Int = 10) {
        self.app = app
        self.staffPerOffice = max(1, staffPerOffice)
        self.cases = cases
        self.eventsPerCase = eventsPerCase
        self.random = SeededRandom(seed: seed)
    }

    struct Staff { let officeIndex: Int; let id: UUID }

    static let categories: [(String, Int)] = [("unpaid_wages", 30), ("termination_benefits", 15), ("unlawful_dismissal", 12), ("maternity_benefit", 6), ("leave", 4),
                                              ("gender_based_violence", 5), ("unsafe_workplace", 4), ("freedom_of_association", 6), ("child_labour", 1),
                                              ("forced_labour_trafficking", 2), ("migrant_in_crisis", 8), ("recruitment_fraud", 4), ("other", 3)]
    static let statuses: [(String, Int)] = [("new", 8), ("triage", 7), ("investigation", 15), ("action", 15), ("awaiting_response", 10), ("resolved", 15), ("closed", 30)]
    static let channels: [(String, Int)] = [("walk_in", 25), ("phone", 35), ("whatsapp", 20), ("telegram", 2), ("imo", 5), ("sms", 3), ("web_form", 3), ("outreach", 7)]

    func insert(_ table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]], on db: any SQLDatabase) async throws {
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + Self.rowsPerInsert)]
            var builder = db.insert(into: table).columns(columns)
            for row in chunk { builder = builder.values(row) }
            try await builder.run()
            start += Self.rowsPerInsert
        }
    }

    func run(progress: @escaping (Int) -> Void) async throws {
        let db = app.db
        let change = ChangeContext.commandLine(app)
        let cipher = app.fieldProtection.cipher
        let blind = app.fieldProtection.blindIndex
        var offices: [Office] = []
        for (name, code) in [("Dhaka Worker Centre", "DHK"), ("Gazipur Legal Aid Desk", "GZP"), ("Narayanganj Helpline", "NGJ")] {
            offices.append(try await OfficeService(context: change).create(.init(name: name, code: code, kind: "worker_centre", location: name, active: true)))
        }
        var staff: [[UUID]] = [[], [], []]
        var coordinators: [UUID] = []
        for (index, office) in offices.enumerated() {
            let (coordinator, password) = try await SeedCommand.account(app, email: "coordinator.\(office.code.lowercased())@scale.songhoti.test", name: "Coordinator \(office.code)",
                                                                        role: .coordinator, office: office.id)
            accounts.append((coordinator.email, password))
            coordinators.append(coordinator.id!)
            for number in 1...staffPerOffice {
                let (user, password) = try await SeedCommand.account(app, email: "caseworker\(number).\(office.code.lowercased())@scale.songhoti.test",
                                                                     name: "Caseworker \(number) \(office.code)", role: .caseworker, office: office.id)
                if number == 1 { accounts.append((user.email, password)) }
                staff[index].append(user.id!)
            }
        }
        let factories: [[UUID]] = try await (0..<3).asyncMap { _ in
            var ids: [UUID] = []
            for _ in 0..<200 {
                let id = try await CaseService.factory(named: SeedVocabulary.factory(&self.random) + " \(self.random.int(1...99))", country: "BD", context: change, on: db)
                if let id, !ids.contains(id) { ids.append(id) }
            }
            return ids
        }
        let restrictedCategories = Set(try await CaseCategory.query(on: db).filter(\.$restrictedByDefault == true).all().compactMap(\.id))

        let now = Date()
        let span: Double = 3 * 365 * 86_400
        var workerNumber = 0
        var caseNumbers: [String: Int] = [:]
        var recentWorkers: [[(UUID, Int)]] = [[], [], []]
        var done = 0
        while done < cases {
            let count = min(Self.batch, cases - done)
            var workerRows: [[any Encodable & Sendable]] = []
            var caseRows: [[any Encodable & Sendable]] = []
            var linkRows: [[any Encodable & Sendable]] = []
            var assigneeRows: [[any Encodable & Sendable]] = []
            var eventRows: [[any Encodable & Sendable]] = []
            var docRows: [[any Encodable & Sendable]] = []
            // Cases are generated oldest first, so opening times and reference numbers rise together.
            for offset in 0..<count {
                let position = done + offset
                let officeIndex = random.weighted([(0, 50), (1, 30), (2, 20)])
                let office = offices[officeIndex]
                let opened = now.addingTimeInterval(-span + span * Double(position) / Double(cases) + Double(random.int(0...600)))
                let category = random.weighted(Self.categories)
                let collective = random.chance(0.12)
                let bangla = random.chance(0.45)
                let restricted = restrictedCategories.contains(category) || random.chance(0.02)
                let caseID = UUID()
                // Workers: mostly new people, sometimes someone already known (a returning worker).
                var linked: [UUID] = []
                let size = collective ? random.int(2...12) : 1
                for _ in 0..<size {
                    if !recentWorkers[officeIndex].isEmpty, random.chance(0.15) {
                        let known = random.pick(recentWorkers[officeIndex]).0
                        if !linked.contains(known) { linked.append(known) }
                        continue
                    }
                    workerNumber += 1
                    let workerID = UUID()
                    let female = random.chance(0.78)
                    let (district, upazilas) = random.pick(SeedVocabulary.districts)
                    let (occupation, grade) = random.pick(SeedVocabulary.occupations)
                    let phone = SeedVocabulary.phone(&random)
                    let name = try cipher.seal(SeedVocabulary.name(&random, female: female), context: WorkerService.sealedContext("full_name", workerID))
                    let sealedPhone = try cipher.seal(phone, context: WorkerService.sealedContext("phone", workerID))
                    let phoneIndex = blind.digest(PhoneNumber.comparable(phone), purpose: Worker.phonePurpose)
                    workerRows.append([workerID, workerNumber, office.id!, female ? "female" : "male", random.int(1970...2007), district, random.pick(upazilas),
                                       occupation, grade, random.chance(0.1) ? "abroad" : "not_migrant", "bn", name, sealedPhone, phoneIndex,
                                       staff[officeIndex][0], opened, opened])
                    linked.append(workerID)
                    recentWorkers[officeIndex].append((workerID, workerNumber))
                    if recentWorkers[officeIndex].count > 5_000 { recentWorkers[officeIndex].removeFirst(1_000) }
                }
                let year = Calendar(identifier: .gregorian).component(.year, from: opened)
                let counter = CaseReference.counterName(officeCode: office.code, year: year)
                caseNumbers[counter, default: 0] += 1
                let reference = CaseReference.format(officeCode: office.code, year: year, number: caseNumbers[counter]!)
                let urgency = CaseUrgency(rawValue: random.weighted([("emergency", 5), ("urgent", 25), ("standard", 70)])) ?? .standard
                let status = random.weighted(Self.statuses)
                let summary = SeedVocabulary.summary(&random, bangla: bangla)
                let migrant = ["migrant_in_crisis", "recruitment_fraud", "forced_labour_trafficking"].contains(category)
                let caseworker = random.pick(staff[officeIndex])
                caseRows.append([caseID, reference, office.id!, collective ? "collective" : "individual", category, random.weighted(Self.channels),
                                 urgency.rawValue, status, restricted,
                                 restricted ? nil : summary as String?,
                                 restricted ? try cipher.seal(summary, context: CaseFile.summaryContext(caseID)) : nil as Data?,
                                 migrant ? nil : random.pick(factories[officeIndex]) as UUID?,
                                 migrant ? (random.pick(SeedVocabulary.destinations) as String?) : nil,
                                 migrant ? (random.pick(SeedVocabulary.agencies) as String?) : nil,
                                 status == "closed" ? (random.pick(CaseOutcome.allCases).rawValue as String?) : nil,
                                 "BD", opened.addingTimeInterval(urgency.firstResponseTarget), caseworker, opened, opened])
                for (index, workerID) in linked.enumerated() {
                    let owed: Int64? = random.chance(0.5) ? Int64(random.int(5...150)) * 100_000 : nil
                    linkRows.append([UUID(), caseID, workerID, index == 0 && !restricted ? (bangla ? "বকেয়া মজুরি" : "Unpaid wages") : "", owed, owed == nil ? nil : "BDT" as String?])
                }
                assigneeRows.append([UUID(), caseID, caseworker])
                if random.chance(0.2) { assigneeRows.append([UUID(), caseID, coordinators[officeIndex]]) }
                var bodies = [summary]
                let events = eventsPerCase == 0 ? 0 : random.int(max(0, eventsPerCase - 3)...(eventsPerCase + 3))
                for number in 0..<events {
                    let eventID = UUID()
                    let note = SeedVocabulary.note(&random, bangla: bangla)
                    let when = opened.addingTimeInterval(Double(number + 1) * Double(random.int(3_600...(14 * 86_400))))
                    eventRows.append([eventID, caseID, random.pick(CaseEvent.Kind.allCases).rawValue, when,
                                      restricted ? nil : note as String?,
                                      restricted ? try cipher.seal(note, context: CaseTimeline.eventContext(eventID)) : nil as Data?,
                                      caseworker, false, when, when])
                    bodies.append(note)
                }
                docRows.append([caseID, restricted ? "" : bodies.joined(separator: "\n")])
            }
            let (workerBatch, caseBatch, linkBatch, assigneeBatch, eventBatch, docBatch) = (workerRows, caseRows, linkRows, assigneeRows, eventRows, docRows)
            try await db.transaction { tx in
                let sql = tx.sql
                try await self.insert("workers", ["id", "code_number", "office_id", "sex", "birth_year", "district", "upazila", "occupation", "grade", "migrant_status",
                                                  "languages", "full_name", "phone", "phone_index", "created_by", "created_at", "updated_at"], workerBatch, on: sql)
                try await self.insert("cases", ["id", "reference", "office_id", "kind", "category", "channel", "urgency", "status", "restricted", "summary",
                                                "summary_sealed", "factory_id", "destination_country", "recruiting_agency", "outcome", "country",
                                                "first_response_due_at", "created_by", "created_at", "updated_at"], caseBatch, on: sql)
                try await self.insert("case_workers", ["id", "case_id", "worker_id", "claim", "owed_minor", "owed_currency"], linkBatch, on: sql)
                try await self.insert("case_assignees", ["id", "case_id", "user_id"], assigneeBatch, on: sql)
                try await self.insert("case_events", ["id", "case_id", "kind", "occurred_at", "body", "body_sealed", "author_id", "edited", "created_at", "updated_at"],
                                      eventBatch, on: sql)
                try await self.insert("case_search_docs", ["case_id", "body"], docBatch, on: sql)
            }
            done += count
            if done % 50_000 == 0 || done == cases { progress(done) }
        }
        // Counters continue after the generated numbers, so cases opened later get the next references.
        let finalCounters = caseNumbers.merging(["worker_code": workerNumber]) { a, _ in a }
        try await db.transaction { tx in
            for (name, value) in finalCounters {
                try await tx.sql.raw("INSERT INTO counters (name, value) VALUES (\(bind: name), \(bind: Int64(value))) ON CONFLICT (name) DO UPDATE SET value = excluded.value").run()
            }
        }
        try await change.write { db in try await change.audit("seed.scale", "database", nil, on: db) }
    }
}

extension Range where Bound == Int {
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for value in self { results.append(try await transform(value)) }
        return results
    }
}
