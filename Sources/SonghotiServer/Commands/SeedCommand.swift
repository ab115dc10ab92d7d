import ConsoleKit
import Fluent
import Foundation
import SonghotiCore
import SQLKit
import Vapor

/// `songhoti seed demo` and `songhoti seed scale --cases N`.
struct SeedCommand: AsyncCommandGroup {
    var help: String { "Fill an empty database with a demo organisation, or with a large synthetic dataset for benchmarks." }
    var commands: [String: any AnyAsyncCommand] { ["demo": Demo(), "scale": Scale()] }

    /// Seeding writes into an organisation that does not exist yet; it refuses a database already in use.
    static func requireEmpty(_ app: Application) async throws {
        let offices = try await Office.query(on: app.db).count()
        let cases = try await CaseFile.query(on: app.db).count()
        if offices > 0 || cases > 0 {
            throw CommandFailure("this database already has offices or cases; seed only a new, empty database (set SONGHOTI_DATABASE_URL to a new file)")
        }
    }

    static func account(_ app: Application, email: String, name: String, role: Role, office: UUID?, language: Language = .english) async throws -> (User, String) {
        let password = "demo-" + Secrets.token().prefix(16)
        let user = try await UserService(context: .commandLine(app)).create(
            .init(email: email, displayName: name, role: role.rawValue, officeID: office, language: language.rawValue, password: String(password))
        ) { try await app.password.async.hash($0) }
        user.mustChangePassword = false
        try await user.update(on: app.db)
        return (user, String(password))
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.1f", Double(seconds) + Double(attoseconds) / 1e18)
    }

    // MARK: Demo

    struct Demo: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "cases", help: "How many cases (default 200)") var cases: Int?
            @Option(name: "seed", help: "Random seed, for the same data every time (default 2026)") var seed: Int?
        }
        var help: String { "Create a demo organisation: two offices, staff in every role, about 200 cases in English and Bangla (some restricted, some collective) with timelines, referrals and remedies. Prints how to sign in." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: true).map { context.console.warning($0) }
            try await SeedCommand.requireEmpty(app)
            let started = ContinuousClock.now
            let result = try await SeedCommand.demo(app, cases: max(1, signature.cases ?? 200), seed: UInt64(signature.seed ?? 2026))
            let elapsed = ContinuousClock.now - started
            context.console.print("Demo organisation created in \(SeedCommand.seconds(elapsed)) s: 2 offices, \(result.accounts.count) staff, \(result.workers) workers, \(result.cases) cases.")
            context.console.print("")
            context.console.print("Start the server with `swift run songhoti serve` and sign in at http://127.0.0.1:8080/login as:")
            for (email, role, password) in result.accounts { context.console.print("  \(email)\t\(role)\tpassword: \(password)") }
            context.console.print("")
            context.console.warning("These passwords are printed once. The data is synthetic: do not put real workers' details into a demo database.")
        }
    }

    struct DemoResult: Sendable {
        var accounts: [(String, String, String)]
        var workers: Int
        var cases: Int
    }

    /// The demo organisation, written through the same services the pages use (so every rule and audit entry applies).
    static func demo(_ app: Application, cases total: Int, seed: UInt64) async throws -> DemoResult {
        var random = SeededRandom(seed: seed)
        let change = ChangeContext.commandLine(app)
        let dhaka = try await OfficeService(context: change).create(.init(name: "Dhaka Worker Centre", code: "DHK", kind: "worker_centre", location: "Mirpur, Dhaka", active: true))
        let gazipur = try await OfficeService(context: change).create(.init(name: "Gazipur Legal Aid Desk", code: "GZP", kind: "worker_centre", location: "Tongi, Gazipur", active: true))
        var accounts: [(String, String, String)] = []
        func add(_ email: String, _ name: String, _ role: Role, _ office: Office?, _ language: Language = .english) async throws -> User {
            let (user, password) = try await SeedCommand.account(app, email: email, name: name, role: role, office: office?.id, language: language)
            accounts.append((email, role.rawValue + (office.map { " (\($0.code))" } ?? ""), password))
            return user
        }
        _ = try await add("admin@demo.songhoti.test", "Farida Yasmin", .administrator, nil)
        let coordinators = [try await add("coordinator.dhaka@demo.songhoti.test", "Nazma Akter", .coordinator, dhaka, .bangla),
                            try await add("coordinator.gazipur@demo.songhoti.test", "Babul Mia", .coordinator, gazipur)]
        let caseworkers = [[try await add("caseworker1.dhaka@demo.songhoti.test", "Sumi Das", .caseworker, dhaka, .bangla),
                            try await add("caseworker2.dhaka@demo.songhoti.test", "Arif Hossain", .caseworker, dhaka)],
                           [try await add("caseworker1.gazipur@demo.songhoti.test", "Lipi Rani", .caseworker, gazipur, .bangla),
                            try await add("caseworker2.gazipur@demo.songhoti.test", "Kamal Uddin", .caseworker, gazipur)]]
        _ = try await add("programme@demo.songhoti.test", "Selina Rahman", .programmeOfficer, nil)
        _ = try await add("viewer@demo.songhoti.test", "Board Member", .viewer, dhaka)

        var partners: [Partner] = []
        for (name, kind) in [("Legal Aid Trust (demo)", "legal_aid"), ("Women's Shelter Tongi (demo)", "shelter"), ("Mind Care Counselling (demo)", "psychosocial"),
                             ("Embassy Labour Wing, Kuala Lumpur (demo)", "embassy"), ("IOM Dhaka (demo)", "iom"),
                             ("Department of Inspection for Factories (demo)", "government"), ("Garment Workers' Federation (demo)", "union")] {
            let partner = Partner()
            partner.name = name; partner.kind = kind; partner.contact = "+880 1700 000000"; partner.active = true
            try await partner.create(on: app.db)
            partners.append(partner)
        }
        let offices = [dhaka, gazipur]
        let workerService = WorkerService(context: change)
        var workersByOffice: [[Worker]] = [[], []]
        for index in 0..<Int(Double(total) * 1.3) {
            let office = index % 2
            let female = random.chance(0.8)
            let (district, upazilas) = random.pick(SeedVocabulary.districts)
            let (occupation, grade) = random.pick(SeedVocabulary.occupations)
            let worker = try await workerService.create(
                .init(fullName: SeedVocabulary.name(&random, female: female), phone: SeedVocabulary.phone(&random), sex: female ? "female" : "male",
                      birthYear: String(random.int(1975...2006)), district: district, upazila: random.pick(upazilas), occupation: occupation, grade: grade,
                      migrantStatus: random.chance(0.1) ? "abroad" : "not_migrant", languages: "bn", officeID: offices[office].id),
                principal: try caseworkers[office][0].principal(), confirmedNew: true)
            _ = try await workerService.recordConsent(.init(purpose: "case_handling", partner: "", givenOn: "2026-01-05", method: "verbal"), for: worker,
                                                      principal: try caseworkers[office][0].principal())
            if random.chance(0.6) {
                _ = try await workerService.recordConsent(.init(purpose: "referral", partner: partners[0].name, givenOn: "2026-01-05", method: "written"), for: worker,
                                                          principal: try caseworkers[office][0].principal())
            }
            if random.chance(0.4) {
                _ = try await workerService.recordConsent(.init(purpose: "brand_disclosure", partner: "", givenOn: "2026-01-05", method: "written"), for: worker,
                                                          principal: try caseworkers[office][0].principal())
            }
            workersByOffice[office].append(worker)
        }
        let factories = (0..<12).map { _ in SeedVocabulary.factory(&random) }
        let categories: [(String, Int)] = [("unpaid_wages", 30), ("termination_benefits", 15), ("unlawful_dismissal", 12), ("maternity_benefit", 6), ("leave", 4),
                                           ("gender_based_violence", 6), ("unsafe_workplace", 4), ("freedom_of_association", 7), ("migrant_in_crisis", 7),
                                           ("forced_labour_trafficking", 2), ("recruitment_fraud", 4), ("other", 3)]
        let paths: [[String]] = [[], ["triage"], ["triage", "investigation"], ["triage", "investigation", "action"],
                                 ["triage", "investigation", "action", "awaiting_response"], ["triage", "investigation", "action", "resolved"],
                                 ["triage", "investigation", "action", "resolved", "closed"]]
        let sql = app.db.sql
        let now = Date()
        for index in 0..<total {
            let office = index % 2
            let worker = caseworkers[office][random.int(0...1)]
            let principal = try worker.principal()
            let category = random.weighted(categories)
            let collective = random.chance(0.15)
            let pool = workersByOffice[office]
            var chosen = [random.pick(pool)]
            if collective { for _ in 0..<random.int(1...6) { chosen.append(random.pick(pool)) } }
            let bangla = random.chance(0.5)
            let migrant = category == "migrant_in_crisis" || category == "recruitment_fraud" || category == "forced_labour_trafficking"
            let file = try await CaseService(context: change).create(
                .init(officeID: offices[office].id, kind: collective ? "collective" : "individual", category: category,
                      channel: random.pick(IntakeChannel.allCases).rawValue, urgency: random.weighted([("emergency", 5), ("urgent", 25), ("standard", 70)]),
                      summary: SeedVocabulary.summary(&random, bangla: bangla), restricted: random.chance(0.03),
                      workers: chosen.map(\.code), employer: migrant ? "" : random.pick(factories), country: "BD",
                      incidentFrom: "2026-0\(random.int(1...9))-1\(random.int(0...9))",
                      destinationCountry: migrant ? random.pick(SeedVocabulary.destinations) : "", recruitingAgency: migrant ? random.pick(SeedVocabulary.agencies) : ""),
                principal: principal)
            let timeline = CaseTimeline(context: change)
            for _ in 0..<random.int(1...5) {
                _ = try await timeline.add(to: file, kind: random.pick(CaseEvent.Kind.allCases).rawValue, body: SeedVocabulary.note(&random, bangla: bangla),
                                           occurredAt: now.addingTimeInterval(-Double(random.int(0...600_000))), principal: principal)
            }
            let path = random.pick(paths)
            for status in path {
                _ = try await CaseService(context: change).transition(file, to: status, outcome: status == "closed" ? random.pick(CaseOutcome.allCases).rawValue : nil,
                                                                       principal: principal)
            }
            if path.count >= 3, let link = try await CaseWorkerLink.query(on: app.db).filter(\.$caseID == file.requireID()).first() {
                let owed = random.int(8...120) * 1000
                let component = category == "termination_benefits" || category == "unlawful_dismissal" ? "severance"
                    : category == "maternity_benefit" ? "benefits" : category == "leave" ? "leave" : random.pick(["wages", "wages", "overtime"])
                try await CaseClaims(context: change).update(link, of: file, with: .init(claim: bangla ? "বকেয়া মজুরি ও ওভারটাইম" : "Unpaid wages and overtime",
                                                                                      owed: String(owed), currency: "BDT", outcome: "", component: component))
                // Dismissal cases: the owed amount comes from an entitlements calculation saved to the claim.
                if component == "severance" && random.chance(0.5) {
                    let start = "20\(random.int(15...22))-0\(random.int(1...9))-01"
                    let input = """
                    {"regime": "bd-bla", "employment": {"start": "\(start)", "end": "2026-0\(random.int(1...9))-15", "type": "permanent", "monthly_rated": true,
                     "sector": "garment", "grade": "\(random.int(1...5))"}, "pay": {"gross": "\(random.int(125...160) * 100)"},
                     "termination": {"cause": "\(random.pick(["retrenchment", "termination_by_employer"]))", "notice_given_days": \(random.pick([0, 0, 30])), "gratuity_scheme": "unknown"}}
                    """
                    let service = EntitlementService(context: change)
                    if let json = try? SonghotiCore.JSONValue.parse(Data(input.utf8)), let calculation = try? service.calculate(json) {
                        _ = try await service.save(calculation, json: Data(input.utf8), to: link, principal: principal)
                    }
                }
                if random.chance(0.6) {
                    _ = try await RemedyService(context: change).record(
                        .init(workerID: link.workerID.uuidString, kind: "wages_paid", stage: "promised", amount: String(owed), currency: "BDT", onDate: "2026-10-01"),
                        on: file, principal: principal)
                    if random.chance(0.7) {
                        _ = try await RemedyService(context: change).record(
                            .init(workerID: link.workerID.uuidString, kind: "wages_paid", stage: "delivered", amount: String(owed * random.int(4...10) / 10),
                                  currency: "BDT", onDate: "2026-11-01", confirmed: random.pick(["yes", "unknown"])),
                            on: file, principal: principal)
                    }
                }
                if random.chance(0.4) {
                    _ = try? await ReferralService(context: change).refer(file: file, workerID: link.workerID, partnerID: partners[0].id!, followUpOn: "2026-12-15",
                                                                            overrideReason: nil, principal: principal)
                }
            }
            // Spread opening dates over the last year so lists, filters and "my work" look lived in.
            let opened = now.addingTimeInterval(-Double(random.int(0...365 * 86_400)))
            let urgency = CaseUrgency(rawValue: file.urgency) ?? .standard
            try await sql.raw("UPDATE cases SET created_at = \(bind: opened), first_response_due_at = \(bind: opened.addingTimeInterval(urgency.firstResponseTarget)) WHERE id = \(bind: file.id!)").run()
            if random.chance(0.3) {
                _ = try await CaseService(context: change).update(file, with: .init(assignees: [worker.id!, coordinators[office].id!]), principal: try coordinators[office].principal())
            }
        }
        try await seedSupplyChain(app, random: &random, caseworker: caseworkers[0][0], coordinator: coordinators[0])
        return DemoResult(accounts: accounts, workers: workersByOffice.joined().count, cases: total)
    }

    /// Invented brands with public commitments, sourcing evidence for the demo factories, and letters to brands
    /// on some of the Dhaka office's cases (a few of them past their deadline with no answer).
    static func seedSupplyChain(_ app: Application, random: inout SeededRandom, caseworker: User, coordinator: User) async throws {
        let change = ChangeContext.commandLine(app)
        let principal = try caseworker.principal()
        let brands = BrandService(context: change)
        var made: [Brand] = []
        for (name, country, accord, pledge) in [("Northwind Apparel", "GB", true, "full"), ("Bluebell Retail", "DE", true, "partial"),
                                                ("Kestrel Sports", "US", false, "none"), ("Maple & Finch", "CA", false, "unknown")] {
            let brand = try await brands.create(.init(name: name, headquarters: country, website: "https://\(name.lowercased().filter(\.isLetter)).example",
                                                      accordSignatory: accord, accordFrom: accord ? "2021-09-01" : "", accordSource: accord ? "International Accord signatory list (demo)" : "",
                                                      pledge: pledge, pledgeSource: "Transparency Pledge tracker (demo)"), principal: principal)
            made.append(brand)
        }
        _ = try await brands.addCommitment(.init(kind: "pay_wages_owed", statement: "Will ensure workers in its supply chain receive wages owed for orders placed.",
                                                 madeOn: "2026-03-01", source: "Brand statement (demo)"), to: made[0], principal: principal)
        let factories = try await FactoryRecord.query(on: app.db).all()
        for factory in factories {
            for brand in made where random.chance(0.35) {
                _ = try await brands.link(.init(brandID: brand.id!.uuidString, factoryID: factory.id!.uuidString,
                                                evidence: random.pick(SourcingLink.Evidence.allCases).rawValue, periodFrom: "2025-0\(random.int(1...9))",
                                                confidence: random.pick(SourcingLink.Confidence.allCases).rawValue, sourceNote: "Demo evidence"), principal: principal)
            }
        }
        let office = try caseworker.principal().officeID
        let cases = try await CaseFile.query(on: app.db).filter(\.$officeID == office!).filter(\.$factoryID != nil).filter(\.$restricted == false).limit(12).all()
        let escalations = EscalationService(context: change)
        for (index, file) in cases.enumerated() {
            let suggested = try await EscalationService.suggestedBrands(for: file, on: app.db)
            guard !suggested.isEmpty else { continue }
            let sent = EscalationRecord.adding(days: -random.int(3...60), to: CalendarDate.today(in: app.songhotiSettings.timeZone)) ?? "2026-10-01"
            let letters = try await escalations.create(.init(brandIDs: suggested.map { $0.id!.uuidString }, language: index.isMultiple(of: 2) ? "bn" : "en",
                                                             sentOn: sent, includeNames: true), for: file, principal: principal)
            for letter in letters where random.chance(0.5) {
                let answered = EscalationRecord.adding(days: random.int(2...20), to: sent) ?? sent
                _ = try await escalations.respond(.init(kind: random.pick(["acknowledged", "engaged", "remedy_committed", "refused"]), onDate: min(answered, CalendarDate.today(in: app.songhotiSettings.timeZone))),
                                                  to: letter, principal: principal)
            }
        }
    }

    // MARK: Scale

    struct Scale: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "cases", help: "How many cases (default 100000)") var cases: Int?
            @Option(name: "events", help: "Average timeline entries per case (default 5)") var events: Int?
            @Option(name: "seed", help: "Random seed (default 7)") var seed: Int?
        }
        var help: String { "Generate a large synthetic dataset quickly (bulk inserts, realistic distributions, about 5 timeline entries per case), for `songhoti bench cases`." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: true).map { context.console.warning($0) }
            try await SeedCommand.requireEmpty(app)
            let total = max(1, signature.cases ?? 100_000)
            let generator = ScaleGenerator(app: app, cases: total, eventsPerCase: max(0, signature.events ?? 5), seed: UInt64(signature.seed ?? 7))
            let started = ContinuousClock.now
            try await generator.run { done in
                let seconds = (ContinuousClock.now - started).components.seconds
                context.console.print("  \(done) / \(total) cases (\(seconds) s)")
            }
            let elapsed = ContinuousClock.now - started
            context.console.print("Generated \(total) cases in \(SeedCommand.seconds(elapsed)) s.")
            for (email, password) in generator.accounts { context.console.print("  \(email)\tpassword: \(password)") }
        }
    }
}
