import ConsoleKit
import Fluent
import Foundation
import SonghotiCore
import SQLKit
import Vapor

/// `songhoti bench matching --data DIR`: the matcher's quality on Open Supply Hub's labelled pairs, the duplicates
/// it finds inside the real registry sample, and a full import (parsing, matching, writing) of a generated list
/// against a registry of real plus generated factories, with time and peak memory.
struct BenchMatching: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "data", help: "The Open Supply Hub sample folder (default ../shared/data/opensupplyhub)") var data: String?
        @Option(name: "registry", help: "Factories in the registry for the import run, real ones included (default 100000; 0 skips the import run)") var registry: Int?
        @Option(name: "rows", help: "Rows in the generated supplier list (default 10000)") var rows: Int?
        @Option(name: "seed", help: "Random seed (default 2026)") var seed: Int?
        @Option(name: "examples", help: "Duplicate examples to print (default 12)") var examples: Int?
        @Option(name: "keep-list", help: "Also write the generated supplier list to this file") var keepList: String?
    }
    var help: String { "Matching quality (labelled pairs, duplicates in the real registry) and a timed import of N rows against M factories. The import run needs an empty database." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        let folder = (signature.data ?? "../shared/data/opensupplyhub").hasSuffix("/") ? signature.data ?? "" : (signature.data ?? "../shared/data/opensupplyhub") + "/"
        guard FileManager.default.fileExists(atPath: folder + "facilities-2022.csv") else { throw CommandFailure("no facilities-2022.csv in \(folder)") }
        let thresholds = MatchThresholds.standard

        // 1. Labelled pairs.
        let pairs = try Self.pairs(folder + "training-pairs.json")
        console.print("Labelled pairs: \(pairs.filter(\.isMatch).count) match, \(pairs.filter { !$0.isMatch }.count) distinct (training-pairs.json)")
        for (label, threshold, automatic) in [("automatic", thresholds.automatic, true), ("review", thresholds.review, false)] {
            let result = MatchEvaluation(pairs, threshold: threshold, automatic: automatic)
            console.print(String(format: "  at the %@ threshold %.2f: precision %.3f  recall %.3f  F1 %.3f  (TP %d, FP %d, FN %d)", label, threshold,
                                 result.precision, result.recall, result.f1, result.truePositives, result.falsePositives, result.falseNegatives))
        }
        for pair in pairs where !pair.isMatch && MatchEvaluation.predicts(pair, threshold: thresholds.automatic, automatic: true) {
            console.print("  automatic false positive: \"\(pair.nameA)\" / \"\(pair.nameB)\"")
        }

        // 2. Duplicates inside the registry sample.
        let facilities = try SupplierList.parse(try String(contentsOfFile: folder + "facilities-2022.csv", encoding: .utf8), format: .auto).rows.filter { !$0.isRejected }
        let records = facilities.enumerated().map { index, row in
            MatchCandidateRecord(id: "\(index)", countryCode: row.countryCode ?? "", names: [row.name], addresses: [row.address], osID: nil)
        }
        let matcher = FactoryMatcher(records: records, thresholds: thresholds)
        var automaticPairs: [(Int, Int, Double)] = []
        var reviewPairs = 0
        var seen = Set<String>()
        for (index, row) in facilities.enumerated() {
            // Each record against the others: its own entry always scores 1.0, so look past it.
            let result = matcher.match(name: row.name, address: row.address, countryCode: row.countryCode ?? "", osID: nil)
            for candidate in result.candidates where candidate.id != "\(index)" {
                guard let other = Int(candidate.id) else { continue }
                let key = "\(min(index, other))-\(max(index, other))"
                guard seen.insert(key).inserted else { continue }
                let capped = [.distinguishingTokensDiffer, .differentOSID, .ambiguous].contains(candidate.reason)
                if candidate.score >= thresholds.automatic && !capped { automaticPairs.append((index, other, candidate.score)) } else if candidate.score >= thresholds.review { reviewPairs += 1 }
            }
        }
        console.print("Duplicates inside facilities-2022.csv (\(facilities.count) records, OS IDs ignored): \(automaticPairs.count) pairs at the automatic threshold, \(reviewPairs) more in the review band")
        for (a, b, score) in automaticPairs.sorted(by: { $0.2 > $1.2 }).prefix(signature.examples ?? 12) {
            console.print(String(format: "  %.3f  %@ (%@) | %@ (%@)", score, facilities[a].name, facilities[a].osID ?? "", facilities[b].name, facilities[b].osID ?? ""))
        }

        // 3. A full import against a large registry.
        let size = signature.registry ?? 100_000
        guard size > 0 else { return }
        let app = context.application
        _ = try await prepareData(app, migrate: true)
        guard try await FactoryRecord.query(on: app.db).count() == 0 else {
            throw CommandFailure("the import run needs an empty database (set SONGHOTI_DATABASE_URL to a new file or database); use --registry 0 to skip it")
        }
        var random = SeededRandom(seed: UInt64(signature.seed ?? 2026))
        let started = ContinuousClock.now
        let registry = Self.registry(real: facilities, size: size, random: &random)
        try await app.writer.transaction(on: app.db) { db in
            for chunk in registry.chunks(of: 500) { try await chunk.create(on: db) }
        }
        console.print("Registry: \(registry.count) factories (\(facilities.count) real, the rest generated) written in \(SeedCommand.seconds(ContinuousClock.now - started)) s (\(app.dialect.name))")
        let (csv, variants) = Self.list(rows: signature.rows ?? 10_000, registry: registry, real: facilities, random: &random)
        if let path = signature.keepList { try csv.write(toFile: path, atomically: true, encoding: .utf8) }
        // Per row, in memory: the matcher over the whole registry, each list row timed on its own.
        let indexStarted = ContinuousClock.now
        let inMemory = FactoryMatcher(records: registry.map {
            MatchCandidateRecord(id: $0.id!.uuidString, countryCode: $0.country, names: [$0.name], addresses: [$0.address], osID: $0.osID)
        }, thresholds: thresholds)
        console.print("Matcher index over \(registry.count) factories built in \(SeedCommand.seconds(ContinuousClock.now - indexStarted)) s")
        let rows = try SupplierList.parse(csv, format: .openSupplyHub).rows
        var samples: [Duration] = []
        samples.reserveCapacity(rows.count)
        for row in rows {
            let started = ContinuousClock.now
            _ = inMemory.match(name: row.name, address: row.address, countryCode: row.countryCode ?? "", osID: row.osID)
            samples.append(ContinuousClock.now - started)
        }
        console.print(BenchCommand.Result(name: "match one row against \(registry.count)", samples: samples).line)
        let principal = Principal(userID: ImportCommand.operatorID, role: .coordinator, officeID: nil)
        let service = SupplierImportService(context: ChangeContext(app: app, actorID: "bench", sourceIP: nil))
        let dryStarted = ContinuousClock.now
        _ = try await service.run(csv, options: .init(filename: "bench.csv", dryRun: true), principal: principal)
        console.print("Dry run (read the registry, parse, match; no writes): \(SeedCommand.seconds(ContinuousClock.now - dryStarted)) s")
        let importStarted = ContinuousClock.now
        let report = try await service.run(csv, options: .init(filename: "bench.csv"), principal: principal)
        let elapsed = ContinuousClock.now - importStarted
        let counts = ["matched", "review", "new", "rejected"].map { "\($0) \(report.counts[$0] ?? 0)" }.joined(separator: ", ")
        console.print("Import of \(report.rows.count) rows: \(SeedCommand.seconds(elapsed)) s (\(counts))")
        // The generated list knows which rows are variants of which factory.
        var right = 0, wrong = 0, missed = 0, newMatched = 0
        for row in report.rows {
            if let expected = variants[row.row] {
                if row.outcome == "matched" { if row.factory_id == expected { right += 1 } else { wrong += 1 } } else { missed += 1 }
            } else if row.outcome == "matched" {
                newMatched += 1
            }
        }
        console.print("  variants of registry factories: \(right) matched to the right factory, \(wrong) to a wrong one, \(missed) to review or new")
        console.print("  rows of new factories wrongly matched: \(newMatched)")
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        console.print(String(format: "Peak memory of the whole run (max RSS): %.0f MB", Double(usage.ru_maxrss) / 1024))
    }

    static func pairs(_ path: String) throws -> [MatchEvaluation.Pair] {
        let json = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
        var pairs: [MatchEvaluation.Pair] = []
        for (label, isMatch) in [("match", true), ("distinct", false)] {
            for item in json[label] as? [[String: Any]] ?? [] {
                guard let records = item["__value__"] as? [[String: Any]], records.count == 2 else { continue }
                func field(_ record: [String: Any], _ key: String) -> String { record[key] as? String ?? "" }
                pairs.append(.init(isMatch: isMatch, nameA: field(records[0], "name"), addressA: field(records[0], "address"), countryA: field(records[0], "country"),
                                   nameB: field(records[1], "name"), addressB: field(records[1], "address"), countryB: field(records[1], "country")))
            }
        }
        return pairs
    }

    static let nameWords = ["Apex", "Rahman", "Karim", "Sonali", "Meghna", "Jamuna", "Padma", "Rupali", "Nasa", "Orchid", "Lotus", "Star", "Crown", "Pacific",
                            "Golden", "Silver", "Delta", "Royal", "Unique", "Asian", "Mekong", "Angkor", "Tonle", "Lucky", "Grand", "Victory", "Evergreen",
                            "Fortune", "Harvest", "Liberty", "Dragon", "Phoenix", "Sunrise", "Ocean", "River", "Green", "Blue", "Zenith", "Prime", "Modern"]
    static let kinds = ["Garments", "Apparels", "Knitwear", "Textiles", "Fashions", "Sweaters", "Denim", "Composite", "Dyeing", "Washing", "Printing", "Accessories", "Footwear"]
    static let suffixes = ["Ltd.", "Limited", "Co., Ltd.", "Pvt. Ltd.", "(Pvt) Ltd", "Industries Ltd", ""]

    /// The real facilities plus generated ones in the same countries, with names made of common trade words.
    static func registry(real: [SupplierListRow], size: Int, random: inout SeededRandom) -> [FactoryRecord] {
        func make(name: String, address: String, country: String, osID: String?) -> FactoryRecord {
            let factory = FactoryRecord(name: name, country: country, address: address, source: "bench", by: nil)
            factory.osID = osID
            return factory
        }
        var result = real.map { make(name: $0.name, address: $0.address, country: $0.countryCode ?? "", osID: $0.osID) }
        let vocabulary = words(real)
        var taken = Set(result.map { "\($0.country)|\($0.normalisedName)" })
        while result.count < size {
            let template = random.pick(real)
            let name = generatedName(vocabulary, random: &random)
            guard taken.insert("\(template.countryCode ?? "BD")|\(FactoryNormaliser.normalisedName(name))").inserted else { continue }
            result.append(make(name: name, address: generatedAddress(vocabulary, random: &random), country: template.countryCode ?? "BD", osID: nil))
        }
        return result
    }

    struct Vocabulary { let names: [String]; let places: [String] }

    /// The words of the real names and addresses (registries are mostly distinct names made of such words).
    static func words(_ real: [SupplierListRow]) -> Vocabulary {
        func split(_ texts: [String]) -> [String] {
            Array(Set(texts.flatMap { $0.split(whereSeparator: { !$0.isLetter }).map(String.init) }.filter { $0.count >= 3 })).sorted()
        }
        return Vocabulary(names: split(real.map(\.name)) + nameWords, places: split(real.map(\.address)))
    }

    static func generatedName(_ vocabulary: Vocabulary, random: inout SeededRandom) -> String {
        [random.pick(vocabulary.names), random.pick(vocabulary.names), random.pick(kinds), random.pick(suffixes)].filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func generatedAddress(_ vocabulary: Vocabulary, random: inout SeededRandom) -> String {
        "\(random.int(1...400)) " + (0..<3).map { _ in random.pick(vocabulary.places) }.joined(separator: " ") + ", " + random.pick(vocabulary.places)
    }

    /// A supplier list: 60% spelling variants of registry factories (the expected factory is known), 40% new ones.
    static func list(rows: Int, registry: [FactoryRecord], real: [SupplierListRow], random: inout SeededRandom) -> (String, [Int: UUID]) {
        let vocabulary = words(real)
        let taken = Set(registry.map(\.normalisedName))
        var table = CSVTable(header: ["country", "name", "address", "sector"])
        var expected: [Int: UUID] = [:]
        func vary(_ text: String) -> String {
            var words = text.split(separator: " ").map(String.init)
            switch random.int(0...4) {
            case 0: return text.uppercased()
            case 1: return text.replacingOccurrences(of: "Ltd.", with: "Limited").replacingOccurrences(of: "Ltd", with: "Limited")
            case 2: return text.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: "")
            case 3:
                // One typo: two neighbouring letters swapped in the longest word.
                guard let index = words.indices.max(by: { words[$0].count < words[$1].count }), words[index].count > 4 else { return text }
                var letters = Array(words[index])
                let at = random.int(1...(letters.count - 3))
                letters.swapAt(at, at + 1)
                words[index] = String(letters)
                return words.joined(separator: " ")
            default: return text.lowercased()
            }
        }
        for row in 1...rows {
            if random.int(1...10) <= 6 {
                let factory = random.pick(registry)
                expected[row] = factory.id
                table.append([factory.country, vary(factory.name), random.int(0...1) == 0 ? factory.address : vary(factory.address), "Apparel"])
            } else {
                // A factory the registry does not have (its name is not taken in any country).
                var name = generatedName(vocabulary, random: &random)
                while taken.contains(FactoryNormaliser.normalisedName(name)) { name = generatedName(vocabulary, random: &random) }
                table.append([random.pick(registry).country, name, generatedAddress(vocabulary, random: &random), "Apparel"])
            }
        }
        return (table.text, expected)
    }
}
