import Fluent
import Foundation
import SonghotiCore
import Vapor

/// A calculation saved to a worker's claim on a case. Its input (dates, pay, family facts) and result are sealed;
/// the owed amounts by component stay in clear so totals and the ledger can add them up.
final class EntitlementCalculation: Model, @unchecked Sendable {
    static let schema = "entitlement_calculations"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "worker_id") var workerID: UUID
    @Field(key: "regime") var regime: String
    @Field(key: "currency") var currency: String
    @Field(key: "rules_digest") var rulesDigest: String
    @Field(key: "owed_total_minor") var owedTotalMinor: Int64
    /// `{"severance": 2050000, …}`: owed minor units by `OwedComponent`.
    @Field(key: "owed_components") var owedComponents: String
    @Field(key: "has_unverified") var hasUnverified: Bool
    @Field(key: "input_sealed") var inputSealed: Data
    @Field(key: "result_sealed") var resultSealed: Data
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    static func inputContext(_ id: UUID) -> FieldContext { FieldContext(table: schema, column: "input_sealed", rowID: id.uuidString) }
    static func resultContext(_ id: UUID) -> FieldContext { FieldContext(table: schema, column: "result_sealed", rowID: id.uuidString) }

    var components: [OwedComponent: Int64] {
        let decoded = (try? JSONDecoder().decode([String: Int64].self, from: Data(owedComponents.utf8))) ?? [:]
        return Dictionary(uniqueKeysWithValues: decoded.compactMap { key, value in OwedComponent(rawValue: key).map { ($0, value) } })
    }
}

struct CreateEntitlementCalculations: AsyncMigration {
    var name: String { "CreateEntitlementCalculations" }
    func prepare(on database: any Database) async throws {
        try await database.schema(EntitlementCalculation.schema)
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("worker_id", .uuid, .required)
            .field("regime", .string, .required)
            .field("currency", .string, .required)
            .field("rules_digest", .string, .required)
            .field("owed_total_minor", .int64, .required)
            .field("owed_components", .string, .required)
            .field("has_unverified", .bool, .required)
            .field("input_sealed", .data, .required)
            .field("result_sealed", .data, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(CaseWorkerLink.schema).field("calculation_id", .uuid).update()
    }
    func revert(on database: any Database) async throws {
        try await database.schema(EntitlementCalculation.schema).delete()
    }
}

extension Application {
    private struct RuleBookKey: StorageKey { typealias Value = RuleBook }

    /// The entitlement rules, loaded and validated at start.
    var ruleBook: RuleBook {
        get {
            guard let book = storage[RuleBookKey.self] else { fatalError("the entitlement rules are loaded in configure()") }
            return book
        }
        set { storage[RuleBookKey.self] = newValue }
    }

    /// Reads every `*.json` rules file of a directory. Any problem stops the start with a message naming the file and rule.
    static func loadRuleBook(directory: String) throws -> RuleBook {
        let url = URL(fileURLWithPath: directory)
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") } } catch {
            throw RuleBookError(file: directory, item: nil, message: "cannot read the rules directory")
        }
        guard !names.isEmpty else { throw RuleBookError(file: directory, item: nil, message: "no rules files (*.json) in the directory") }
        var files: [(name: String, data: Data)] = []
        for name in names {
            guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(name).path) else {
                throw RuleBookError(file: name, item: nil, message: "cannot read the file")
            }
            files.append((name, data))
        }
        return try RuleBook.load(files: files)
    }
}

/// Runs the calculator and keeps its results on a worker's claim.
struct EntitlementService {
    let context: ChangeContext
    var app: Application { context.app }

    struct Calculation {
        let input: EntitlementInput
        let json: SonghotiCore.JSONValue
        let result: EntitlementResult
    }

    func calculate(_ json: SonghotiCore.JSONValue) throws(EntitlementInput.Invalid) -> Calculation {
        let input = try EntitlementInput.parse(json, book: app.ruleBook)
        return Calculation(input: input, json: json, result: EntitlementCalculator(book: app.ruleBook).calculate(input))
    }

    /// Saves a calculation to the worker's claim: the claim's owed amount becomes the calculation's total, and the
    /// ledger reads its components. Refused while the law still needs facts the input left out.
    func save(_ calculation: Calculation, json raw: Data, to link: CaseWorkerLink, principal: Principal) async throws -> EntitlementCalculation {
        if calculation.result.lines.contains(where: { $0.outcome == .missingInput }) { throw Invalid(fields: ["calculation": "ent.error.incomplete"]) }
        if calculation.result.lines.isEmpty { throw Invalid(fields: ["calculation": "ent.error.nothing"]) }
        let id = UUID()
        let record = EntitlementCalculation()
        record.id = id
        record.caseID = link.caseID
        record.workerID = link.workerID
        record.regime = calculation.result.regime
        record.currency = calculation.result.currency
        record.rulesDigest = calculation.result.rulesDigest
        record.owedTotalMinor = calculation.result.owedTotal
        let components = Dictionary(uniqueKeysWithValues: calculation.result.owedByComponent.map { ($0.key.rawValue, $0.value) })
        record.owedComponents = String(decoding: try JSONEncoder.sorted.encode(components), as: UTF8.self)
        record.hasUnverified = calculation.result.hasUnverified
        let cipher = app.fieldProtection.cipher
        record.inputSealed = try cipher.seal(raw, context: EntitlementCalculation.inputContext(id))
        record.resultSealed = try cipher.seal(try JSONEncoder.sorted.encode(calculation.result), context: EntitlementCalculation.resultContext(id))
        record.createdBy = principal.userID
        link.owedMinor = calculation.result.owedTotal
        link.owedCurrency = calculation.result.currency
        link.owedComponent = (calculation.result.owedByComponent.max { $0.value < $1.value }?.key ?? .other).rawValue
        link.calculationID = id
        let context = self.context
        try await context.write { db in
            try await record.create(on: db)
            try await link.update(on: db)
            try await context.audit("case.entitlement_save", "case", link.caseID.uuidString, on: db)
        }
        return record
    }

    struct Saved {
        let record: EntitlementCalculation
        let result: EntitlementResult
        let input: Data
        /// The worker's claim takes its owed amount from this calculation.
        let current: Bool
    }

    /// A calculation saved on `file`, unsealed, for someone the caller has already let see the case (audited).
    func open(_ id: UUID?, on file: CaseFile) async throws -> Saved {
        guard let id, let record = try await EntitlementCalculation.find(id, on: app.db), record.caseID == file.id else { throw Abort(.notFound) }
        let saved = Saved(record: record, result: try result(of: record), input: try input(of: record),
                          current: try await CaseWorkerLink.find(caseID: record.caseID, workerID: record.workerID, on: app.db)?.calculationID == record.id)
        let context = self.context
        try await context.write { db in try await context.audit("case.entitlement_view", "case", record.caseID.uuidString, on: db) }
        return saved
    }

    func result(of record: EntitlementCalculation) throws -> EntitlementResult {
        let data = try app.fieldProtection.cipher.open(record.resultSealed, context: EntitlementCalculation.resultContext(try record.requireID()))
        return try JSONDecoder().decode(EntitlementResult.self, from: data)
    }

    func input(of record: EntitlementCalculation) throws -> Data {
        try app.fieldProtection.cipher.open(record.inputSealed, context: EntitlementCalculation.inputContext(try record.requireID()))
    }

    static func calculations(of caseID: UUID, on db: any Database) async throws -> [EntitlementCalculation] {
        try await EntitlementCalculation.query(on: db).filter(\.$caseID == caseID).sort(\.$createdAt, .descending).all()
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension EntitlementInput.Invalid {
    /// The problems as API field errors, in the reader's language.
    func fieldErrors(_ catalog: Catalog, _ language: Language) -> [FieldError] {
        issues.map { FieldError(field: $0.path.isEmpty ? "body" : $0.path, message: catalog.string("ent.input.\($0.code)", language)) }
    }
}
