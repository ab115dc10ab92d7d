import Foundation
import SonghotiCore
import Testing

/// The hand-computed examples in Tests/EntitlementExamples: each states its arithmetic for a lawyer to check, and
/// the calculator must agree with it line by line.
@Suite("Entitlement examples worked by hand")
struct EntitlementExampleTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let file: String
        let name: String
        let rules: [String]
        let arithmetic: String
        let input: JSONValue
        let expect: [[String: JSONValue]]
        var testDescription: String { "\(file): \(name)" }
    }

    static let examples: [Example] = {
        let directory = ShippedRules.root.appendingPathComponent("Tests/EntitlementExamples")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        var all: [Example] = []
        for name in names {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(name)), let document = try? JSONValue.parse(data),
                  let items = document.object?["examples"]?.array else { continue }
            for item in items {
                guard let object = item.object else { continue }
                all.append(Example(file: name, name: object["name"]?.string ?? "?", rules: object["rules"]?.array?.compactMap(\.string) ?? [],
                                   arithmetic: object["arithmetic"]?.string ?? "", input: object["input"] ?? .null,
                                   expect: object["expect"]?.array?.compactMap(\.object) ?? []))
            }
        }
        return all
    }()

    @Test func theExampleFilesAreThere() throws {
        #expect(Self.examples.count >= 100)
        for example in Self.examples {
            #expect(!example.arithmetic.isEmpty, "\(example.name) has no arithmetic a lawyer can check")
            #expect(!example.expect.isEmpty, "\(example.name) expects nothing")
        }
    }

    @Test(arguments: examples)
    func example(_ example: Example) throws {
        let book = try ShippedRules.book()
        let input = try EntitlementInput.parse(example.input, book: book)
        let result = EntitlementCalculator(book: book).calculate(input)
        func money(_ minor: Int64?) -> String? { minor.map { Money(minorUnits: $0, currency: result.currency).decimalString } }
        for expected in example.expect {
            let kind = expected["kind"]?.string ?? ""
            guard let line = result.lines.first(where: { $0.kind == kind }) else {
                Issue.record("\(example.name): no \(kind) line; lines: \(result.lines.map(\.kind))")
                continue
            }
            let working = line.steps.map { "\($0.key) \($0.arguments)" }.joined(separator: "\n")
            #expect(line.outcome.rawValue == expected["outcome"]?.string, "\(example.name) [\(kind)] outcome; reason \(String(describing: line.reason)); missing \(line.missing)\n\(working)")
            for field in ["due", "paid", "owed"] {
                guard let want = expected[field]?.string else { continue }
                let got = field == "due" ? money(line.due) : field == "paid" ? money(line.paid) : money(line.owed)
                #expect(got == want, "\(example.name) [\(kind)] \(field): got \(got ?? "nil"), hand-computed \(want)\n\(example.arithmetic)\n\(working)")
            }
            for id in expected["cites"]?.array?.compactMap(\.string) ?? [] {
                #expect(line.citations.contains { $0.id == id }, "\(example.name) [\(kind)] should cite \(id); cites \(line.citations.map(\.id))")
            }
            if let reason = expected["reason"]?.string { #expect(line.reason?.key == reason, "\(example.name) [\(kind)] reason") }
            if let missing = expected["missing"]?.array?.compactMap(\.string) { #expect(Set(line.missing) == Set(missing), "\(example.name) [\(kind)] missing \(line.missing)") }
        }
        // Every rule the example claims to exercise is cited by the result.
        let cited = Set(result.lines.flatMap { $0.citations.map(\.id) })
        for id in example.rules { #expect(cited.contains(id), "\(example.name) lists \(id) but the result does not cite it") }
    }

    @Test func everyRuleTableAndIncrementHasAtLeastThreeExamples() throws {
        let book = try ShippedRules.book()
        var counts: [String: Int] = [:]
        for example in Self.examples { for id in Set(example.rules) { counts[id, default: 0] += 1 } }
        let ids = book.regimes.values.flatMap { $0.rules.map(\.id) } + book.tables.map(\.id) + book.increments.map(\.id)
        for id in ids.sorted() { #expect(counts[id, default: 0] >= 3, "\(id) has \(counts[id, default: 0]) examples") }
    }
}
