import Fluent
import Foundation
import SQLKit
import SonghotiCore
import Vapor

/// Brings a supplier list in: parses it (Core), matches every row against the live registry (Core's
/// `FactoryMatcher`, blocked by country), then writes the outcome of every row in one transaction:
/// matched rows link to their factory, review rows wait in the queue, the rest become new factories.
/// A dry run does all of it except the writing.
struct SupplierImportService {
    let context: ChangeContext

    struct Options: Sendable {
        var filename: String
        var brandID: UUID?
        var format: SupplierListFormat = .auto
        var dryRun = false
        var thresholds: MatchThresholds = .standard
    }

    struct Candidate: Codable, Sendable {
        let factory_id: UUID
        let score: Double
        let name_score: Double
        let address_score: Double
        let reason: String
    }

    struct RowReport: Codable, Sendable {
        let row: Int
        let outcome: String
        let factory_id: UUID?
        let os_id: String?
        let score: Double?
        let reason: String
        /// Fields of the row that were unreadable and left out (the row itself was kept).
        let problems: [String]
        let name: String
        let country: String
        let candidates: [Candidate]

        /// Every key is written, `null` where unknown (a review row has no factory yet).
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row, forKey: .row); try c.encode(outcome, forKey: .outcome); try c.encode(factory_id, forKey: .factory_id)
            try c.encode(os_id, forKey: .os_id); try c.encode(score, forKey: .score); try c.encode(reason, forKey: .reason)
            try c.encode(problems, forKey: .problems); try c.encode(name, forKey: .name); try c.encode(country, forKey: .country)
            try c.encode(candidates, forKey: .candidates)
        }
    }

    struct Report: Content {
        enum CodingKeys: String, CodingKey { case import_id, dry_run, filename, format, brand_id, counts, rows }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(import_id, forKey: .import_id); try c.encode(dry_run, forKey: .dry_run); try c.encode(filename, forKey: .filename)
            try c.encode(format, forKey: .format); try c.encode(brand_id, forKey: .brand_id); try c.encode(counts, forKey: .counts); try c.encode(rows, forKey: .rows)
        }
        let import_id: UUID?
        let dry_run: Bool
        let filename: String
        let format: String
        let brand_id: UUID?
        let counts: [String: Int]
        let rows: [RowReport]
    }

    /// Problems that make a row unusable; the others only drop the bad field.
    static let fatal: Set<SupplierRowProblem> = [.missingName, .missingCountry, .unknownCountry]

    struct RegistryRow: Decodable { let id: UUID; let name: String; let address: String; let country: String; let os_id: String? }
    struct AliasRow: Decodable { let factory_id: UUID; let name: String }
    struct IdentifierRow: Decodable { let factory_id: UUID; let value: String }

    /// Every live factory as the matcher sees it (or those of one country): its name and other names, address,
    /// country and OS IDs.
    static func registry(on db: any Database, country: String? = nil) async throws -> (records: [MatchCandidateRecord], osIDs: [UUID: String]) {
        let sql = db.sql
        var select = sql.select().columns("id", "name", "address", "country", "os_id").from(Factory.schema)
            .where(SQLIdentifier("merged_into"), .is, SQLLiteral.null)
        if let country { select = select.where("country", .equal, country) }
        let rows = try await select.all(decoding: RegistryRow.self)
        var names: [UUID: [String]] = [:]
        for alias in try await sql.select().columns("factory_id", "name").from(FactoryName.schema).all(decoding: AliasRow.self) {
            names[alias.factory_id, default: []].append(alias.name)
        }
        var extraIDs: [UUID: [String]] = [:]
        for identifier in try await sql.select().columns("factory_id", "value").from(FactoryIdentifier.schema)
            .where("scheme", .equal, FactoryIdentifier.Scheme.openSupplyHub.rawValue).all(decoding: IdentifierRow.self) {
            extraIDs[identifier.factory_id, default: []].append(identifier.value)
        }
        var records: [MatchCandidateRecord] = []
        var osIDs: [UUID: String] = [:]
        records.reserveCapacity(rows.count)
        for row in rows {
            if let os = row.os_id { osIDs[row.id] = os }
            records.append(MatchCandidateRecord(id: row.id.uuidString, countryCode: row.country, names: [row.name] + (names[row.id] ?? []),
                                                addresses: [row.address], osID: row.os_id))
            // An OS ID that came with a merged duplicate finds the survivor too.
            for other in extraIDs[row.id] ?? [] {
                records.append(MatchCandidateRecord(id: row.id.uuidString, countryCode: row.country, names: [row.name], addresses: [row.address], osID: other))
            }
        }
        return (records, osIDs)
    }

    func run(_ text: String, options: Options, principal: Principal) async throws -> Report {
        if case .deny(let why) = SupplyChainPolicy.decide(principal, .edit) { throw Abort(.forbidden, reason: why) }
        let list = try SupplierList.parse(text, format: options.format)
        let db = context.app.db
        let brand = try await options.brandID.asyncFlatMap { try await Brand.find($0, on: db) }
        if options.brandID != nil, brand == nil { throw Invalid(fields: ["brand_id": "form.error.choose"]) }
        let (records, knownOSIDs) = try await Self.registry(on: db)
        var matcher = FactoryMatcher(records: records, thresholds: options.thresholds)
        let importID = UUID()
        let source = "supplier list \(options.filename)"

        var reports: [RowReport] = []
        var newFactories: [FactoryRecord] = []
        var rowRecords: [SupplierImportRow] = []
        var linkTargets: [(UUID, Int)] = []
        var aliases: [(UUID, String)] = []
        var createdOSIDs: [UUID: String] = [:]
        for row in list.rows {
            let problems = row.problems.map(\.rawValue)
            var outcome = MatchResult.Outcome.new.rawValue
            var factoryID: UUID?
            var reason: String
            var score: Double?
            var candidates: [Candidate] = []
            if let fatal = row.problems.first(where: { Self.fatal.contains($0) }) {
                outcome = "rejected"
                reason = fatal.rawValue
            } else {
                let country = row.countryCode!
                let result = matcher.match(name: row.name, address: row.address, countryCode: country, osID: row.osID)
                candidates = result.candidates.compactMap { candidate in
                    UUID(uuidString: candidate.id).map { Candidate(factory_id: $0, score: candidate.score, name_score: candidate.nameScore, address_score: candidate.addressScore, reason: candidate.reason.rawValue) }
                }
                reason = result.reason.rawValue
                outcome = result.outcome.rawValue
                score = result.candidates.first?.score
                switch result.outcome {
                case .matched:
                    factoryID = candidates.first?.factory_id
                    if let factoryID {
                        linkTargets.append((factoryID, row.row))
                        aliases.append((factoryID, row.name))
                    }
                case .review:
                    break
                case .new:
                    let factory = Self.factory(from: row, source: source, by: principal.userID)
                    factoryID = factory.id
                    newFactories.append(factory)
                    linkTargets.append((factory.id!, row.row))
                    if let os = factory.osID { createdOSIDs[factory.id!] = os }
                    matcher.add(MatchCandidateRecord(id: factory.id!.uuidString, countryCode: country, names: [row.name], addresses: [row.address], osID: row.osID))
                }
            }
            let osID = factoryID.flatMap { knownOSIDs[$0] ?? createdOSIDs[$0] }
            reports.append(RowReport(row: row.row, outcome: outcome, factory_id: factoryID, os_id: osID, score: score.map { ($0 * 1000).rounded() / 1000 },
                                     reason: reason, problems: problems, name: row.name, country: row.country, candidates: outcome == "review" ? candidates : []))
            let record = SupplierImportRow()
            record.importID = importID
            record.row = row.row
            record.name = row.name
            record.address = row.address
            record.country = row.country
            record.countryCode = row.countryCode
            record.osID = row.osID
            record.outcome = outcome
            record.factoryID = factoryID
            record.score = score
            record.reason = problems.isEmpty || outcome == "rejected" ? reason : ([reason] + problems).joined(separator: " ")
            record.candidates = String(decoding: try JSONEncoder().encode(outcome == "review" ? candidates : [Candidate]()), as: UTF8.self)
            record.details = String(decoding: try JSONEncoder().encode(Details(row)), as: UTF8.self)
            record.resolution = outcome == "review" ? SupplierImportRow.Resolution.pending.rawValue : SupplierImportRow.Resolution.none.rawValue
            rowRecords.append(record)
        }
        var counts: [String: Int] = ["matched": 0, "review": 0, "new": 0, "rejected": 0]
        for report in reports { counts[report.outcome, default: 0] += 1 }
        let report = Report(import_id: options.dryRun ? nil : importID, dry_run: options.dryRun, filename: options.filename, format: list.format.rawValue,
                            brand_id: options.brandID, counts: counts, rows: reports)
        if options.dryRun { return report }

        let record = SupplierImport()
        record.id = importID
        record.filename = options.filename
        record.brandID = options.brandID
        record.format = list.format.rawValue
        record.matched = counts["matched"] ?? 0
        record.review = counts["review"] ?? 0
        record.created = counts["new"] ?? 0
        record.rejected = counts["rejected"] ?? 0
        record.createdBy = principal.userID
        let context = self.context
        let userID = principal.userID
        let today = CalendarDate.format(Date())
        try await context.write { [newFactories, rowRecords, linkTargets, aliases] db in
            try await record.create(on: db)
            for chunk in newFactories.chunks(of: 200) { try await chunk.create(on: db) }
            for chunk in rowRecords.chunks(of: 200) { try await chunk.create(on: db) }
            try await Self.addAliases(aliases, source: source, by: userID, on: db)
            if let brandID = options.brandID {
                try await Self.addLinks(brand: brandID, targets: linkTargets, importID: importID, filename: options.filename, since: today, by: userID, on: db)
            }
            try await context.audit("supplier.import", "supplier_import", importID.uuidString, on: db)
        }
        return report
    }

    /// The report of a stored import, as it was written (candidates of review rows included), and the ids of
    /// its review rows by row number; nil for an unknown import.
    static func storedReport(_ id: UUID, on db: any Database) async throws -> (Report, reviewRows: [Int: UUID])? {
        guard let batch = try await SupplierImport.find(id, on: db) else { return nil }
        let rows = try await SupplierImportRow.query(on: db).filter(\.$importID == id).sort(\.$row).all()
        var osIDs: [UUID: String] = [:]
        for chunk in Array(Set(rows.compactMap(\.factoryID))).chunks(of: 500) {
            for factory in try await FactoryRecord.query(on: db).filter(\.$id ~~ Array(chunk)).all() { if let os = factory.osID { osIDs[factory.id!] = os } }
        }
        var reviewRows: [Int: UUID] = [:]
        let reports = rows.map { row -> RowReport in
            // The stored reason is the outcome's reason followed by the row's dropped-field problems.
            let parts = row.reason.split(separator: " ").map(String.init)
            if row.outcome == MatchResult.Outcome.review.rawValue { reviewRows[row.row] = row.id }
            return RowReport(row: row.row, outcome: row.outcome, factory_id: row.factoryID, os_id: row.factoryID.flatMap { osIDs[$0] }, score: row.score,
                             reason: parts.first ?? "", problems: Array(parts.dropFirst()), name: row.name, country: row.country,
                             candidates: (try? JSONDecoder().decode([Candidate].self, from: Data(row.candidates.utf8))) ?? [])
        }
        let report = Report(import_id: id, dry_run: false, filename: batch.filename, format: batch.format, brand_id: batch.brandID,
                            counts: ["matched": batch.matched, "review": batch.review, "new": batch.created, "rejected": batch.rejected], rows: reports)
        return (report, reviewRows)
    }

    struct Details: Codable, Sendable {
        var sector: String?
        var products: [String]
        var parent_company: String?
        var worker_band: String?
        var latitude: Double?
        var longitude: Double?
        init(_ row: SupplierListRow) {
            sector = row.sector
            products = row.productTypes
            parent_company = row.parentCompany
            worker_band = row.workerBand?.rawValue
            latitude = row.latitude
            longitude = row.longitude
        }
    }

    static func factory(from row: SupplierListRow, source: String, by user: UUID) -> FactoryRecord {
        factory(name: row.name, address: row.address, countryCode: row.countryCode, osID: row.osID, details: Details(row), source: source, by: user)
    }

    /// A new factory from a list row's fields (at import, or when a reviewer decides the row is a new factory).
    static func factory(name: String, address: String, countryCode: String?, osID: String?, details: Details?, source: String, by user: UUID) -> FactoryRecord {
        let factory = FactoryRecord(name: name, country: countryCode ?? "", address: address, source: source, by: user)
        factory.latitude = details?.latitude
        factory.longitude = details?.longitude
        factory.osID = osID
        factory.workerBand = details?.worker_band
        factory.products = details?.products.joined(separator: ", ") ?? ""
        factory.parentCompany = details?.parent_company ?? ""
        return factory
    }

    /// A variant spelling that matched becomes another name of the factory, so the next list meets it exactly.
    static func addAliases(_ aliases: [(UUID, String)], source: String, by user: UUID, on db: any Database) async throws {
        guard !aliases.isEmpty else { return }
        let ids = Array(Set(aliases.map(\.0)))
        var known: Set<String> = []
        for chunk in ids.chunks(of: 500) {
            for factory in try await FactoryRecord.query(on: db).filter(\.$id ~~ chunk).all() { known.insert("\(factory.id!)|\(factory.normalisedName)") }
            for name in try await FactoryName.query(on: db).filter(\.$factoryID ~~ chunk).all() { known.insert("\(name.factoryID)|\(name.normalisedName)") }
        }
        var new: [FactoryName] = []
        for (id, name) in aliases {
            let alias = FactoryName(factoryID: id, name: name, source: source, by: user)
            guard !alias.normalisedName.isEmpty, known.insert("\(id)|\(alias.normalisedName)").inserted else { continue }
            new.append(alias)
        }
        for chunk in new.chunks(of: 200) { try await chunk.create(on: db) }
    }

    /// Links the list's brand to each factory (once per brand, factory and published list).
    static func addLinks(brand: UUID, targets: [(UUID, Int)], importID: UUID, filename: String, since: String, by user: UUID, on db: any Database) async throws {
        let existing = Set(try await SourcingLink.query(on: db).filter(\.$brandID == brand)
            .filter(\.$evidence == SourcingLink.Evidence.publishedList.rawValue).all().map(\.factoryID))
        var seen = existing
        var links: [SourcingLink] = []
        for (factoryID, row) in targets where seen.insert(factoryID).inserted {
            let link = SourcingLink()
            link.brandID = brand
            link.factoryID = factoryID
            link.evidence = SourcingLink.Evidence.publishedList.rawValue
            link.periodFrom = String(since.prefix(7))
            link.periodTo = ""
            link.confidence = SourcingLink.Confidence.confirmed.rawValue
            link.sourceURL = ""
            link.sourceNote = "\(filename), row \(row)"
            link.importID = importID
            link.recordedBy = user
            links.append(link)
        }
        for chunk in links.chunks(of: 200) { try await chunk.create(on: db) }
    }

    /// Candidates for a review row as the registry stands now (factories made since the import, for instance
    /// from an earlier row of the same list, are found too), merged with those stored at import time.
    static func currentCandidates(for row: SupplierImportRow, on db: any Database) async throws -> [Candidate] {
        let stored = (try? JSONDecoder().decode([Candidate].self, from: Data(row.candidates.utf8))) ?? []
        guard let country = row.countryCode else { return stored }
        let matcher = FactoryMatcher(records: try await registry(on: db, country: country).records)
        let fresh = matcher.match(name: row.name, address: row.address, countryCode: country, osID: row.osID).candidates.compactMap { candidate in
            UUID(uuidString: candidate.id).map { Candidate(factory_id: $0, score: candidate.score, name_score: candidate.nameScore, address_score: candidate.addressScore, reason: candidate.reason.rawValue) }
        }
        var seen = Set<UUID>()
        return (fresh + stored).filter { seen.insert($0.factory_id).inserted }.sorted { $0.score > $1.score }
    }

    enum Decision: String, Sendable { case accept, reject, newFactory = "new_factory" }

    /// A person's decision on a review row: accept a factory (usually a candidate), reject the row, or make a new factory.
    func resolve(_ row: SupplierImportRow, decision: Decision, factoryID: UUID?, principal: Principal) async throws {
        if case .deny(let why) = SupplyChainPolicy.decide(principal, .edit) { throw Abort(.forbidden, reason: why) }
        guard row.resolution == SupplierImportRow.Resolution.pending.rawValue else { throw Invalid(fields: ["decision": "import.error.decided"]) }
        let db = context.app.db
        guard let batch = try await SupplierImport.find(row.importID, on: db) else { throw Abort(.notFound) }
        var found: FactoryRecord?
        if decision == .accept {
            found = try await factoryID.asyncFlatMap { try await FactoryService.live($0, on: db) }
            guard found != nil else { throw Invalid(fields: ["factory_id": "form.error.choose"]) }
        }
        let target = found
        let context = self.context
        let userID = principal.userID
        let details = (try? JSONDecoder().decode(Details.self, from: Data(row.details.utf8)))
        try await context.write { db in
            switch decision {
            case .accept:
                let id = try target!.requireID()
                row.factoryID = id
                row.resolution = SupplierImportRow.Resolution.accepted.rawValue
                try await Self.addAliases([(id, row.name)], source: "supplier list \(batch.filename)", by: userID, on: db)
            case .newFactory:
                let factory = Self.factory(name: row.name, address: row.address, countryCode: row.countryCode, osID: row.osID, details: details,
                                           source: "supplier list \(batch.filename)", by: userID)
                try await factory.create(on: db)
                row.factoryID = factory.id
                row.resolution = SupplierImportRow.Resolution.newFactory.rawValue
            case .reject:
                row.resolution = SupplierImportRow.Resolution.rejected.rawValue
            }
            row.resolvedBy = userID
            row.resolvedAt = Date()
            try await row.update(on: db)
            if let brandID = batch.brandID, let factoryID = row.factoryID {
                try await Self.addLinks(brand: brandID, targets: [(factoryID, row.row)], importID: batch.id!, filename: batch.filename,
                                        since: CalendarDate.format(batch.createdAt ?? Date()), by: userID, on: db)
            }
            try await context.audit("supplier.review", "supplier_import_row", row.id?.uuidString, on: db)
        }
    }
}

extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
