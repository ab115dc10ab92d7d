import Fluent
import Foundation
import SonghotiCore
import Vapor

/// `/api/v1/entitlements/…` and the saved calculations of a case. Results are the `EntitlementReport` JSON the CLI
/// prints too; `?lang=bn` writes the working in Bangla.
struct EntitlementsAPIController: RouteCollection {
    let cases = CasesAPIController()

    func boot(routes: any RoutesBuilder) throws {
        routes.post("entitlements", "calculate", use: calculate)
        routes.get("entitlements", "rules", use: rules)
        routes.post("cases", ":caseID", "workers", ":workerID", "entitlements", use: save)
        routes.get("cases", ":caseID", "entitlements", use: list)
        routes.get("cases", ":caseID", "entitlements", ":calculationID", use: show)
    }

    static func language(_ req: Request) -> Language {
        (try? req.query.get(String.self, at: "lang")).flatMap(Language.init(rawValue:)) ?? req.language
    }

    static func reportResponse(_ report: EntitlementReport, status: HTTPStatus = .ok) -> Response {
        let response = Response(status: status, body: .init(data: report.json()))
        response.headers.contentType = .json
        return response
    }

    /// Parses and computes a JSON body, or answers 422 with every problem at its input path.
    static func compute(_ req: Request) throws -> (EntitlementService.Calculation, Data) {
        guard req.headers.contentType == .json else { throw Abort(.unsupportedMediaType, reason: "Send JSON with Content-Type: application/json.") }
        guard let body = req.body.data else { throw ValidationFailure(errors: [FieldError(field: "body", message: "empty body")]) }
        let data = Data(buffer: body)
        let json: SonghotiCore.JSONValue
        do { json = try SonghotiCore.JSONValue.parse(data) } catch {
            throw ValidationFailure(errors: [FieldError(field: "body", message: "not valid JSON")])
        }
        do { return (try EntitlementService(context: req.change).calculate(json), data) } catch {
            throw ValidationFailure(errors: error.fieldErrors(req.application.catalog, language(req)))
        }
    }

    func calculate(req: Request) async throws -> Response {
        try req.authorize(EntitlementPolicy.decide(try req.principal(), .calculate))
        let (calculation, _) = try Self.compute(req)
        return Self.reportResponse(EntitlementReport(calculation.result, catalog: req.application.catalog, language: Self.language(req)))
    }

    struct RuleDTO: Content {
        let id: String; let kind: String; let valid_from: String; let valid_to: String?; let provision: String; let source: String
        let status: String; let rounding: String; let note: String?
    }
    struct RegimeDTO: Content {
        let id: String; let country: String; let currency: String; let title: String; let note: String?
        let unsupported: [String: String]; let rules: [RuleDTO]
    }
    struct TableDTO: Content {
        let id: String; let regime: String; let sector: String; let currency: String; let valid_from: String; let valid_to: String?
        let provision: String; let source: String; let status: String; let grades: [String]; let years: [Int]
    }
    struct RulesDTO: Content { let digest: String; let regimes: [RegimeDTO]; let minimum_wage_tables: [TableDTO] }

    func rules(req: Request) async throws -> RulesDTO {
        try req.authorize(EntitlementPolicy.decide(try req.principal(), .viewRules))
        let book = req.application.ruleBook
        return RulesDTO(
            digest: book.digest,
            regimes: book.regimes.values.sorted { $0.id < $1.id }.map { regime in
                RegimeDTO(id: regime.id, country: regime.country, currency: regime.currency, title: regime.title, note: regime.note, unsupported: regime.unsupported,
                          rules: regime.rules.map { RuleDTO(id: $0.id, kind: $0.kind, valid_from: $0.validFrom.description, valid_to: $0.validTo?.description,
                                                            provision: $0.provision, source: $0.source, status: $0.status.rawValue, rounding: $0.rounding.rawValue, note: $0.note) })
            },
            minimum_wage_tables: book.tables.map { TableDTO(id: $0.id, regime: $0.regime, sector: $0.sector, currency: $0.currency, valid_from: $0.validFrom.description,
                                                            valid_to: $0.validTo?.description, provision: $0.provision, source: $0.source, status: $0.status.rawValue,
                                                            grades: $0.grades.map(\.grade), years: $0.yearly.map(\.year)) })
    }

    struct SavedDTO: Encodable {
        let id: UUID; let case_id: UUID; let worker_id: UUID; let regime: String; let currency: String; let owed_total_minor: Int64
        let owed_by_component: [String: Int64]; let has_unverified: Bool; let rules_digest: String; let created_by: UUID; let created_at: Date?
        /// The worker's claim currently takes its owed amount from this calculation.
        let current: Bool
    }
    struct SavedDetailDTO: Encodable { let calculation: SavedDTO; let input: RawJSON; let report: EntitlementReport }

    /// JSON kept as it was sent, written back verbatim.
    struct RawJSON: Encodable {
        let data: Data
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(JSONValueCoding((try? SonghotiCore.JSONValue.parse(data)) ?? .null))
        }
    }

    static func dto(_ record: EntitlementCalculation, current: Bool) -> SavedDTO {
        SavedDTO(id: record.id!, case_id: record.caseID, worker_id: record.workerID, regime: record.regime, currency: record.currency,
                 owed_total_minor: record.owedTotalMinor, owed_by_component: Dictionary(uniqueKeysWithValues: record.components.map { ($0.key.rawValue, $0.value) }),
                 has_unverified: record.hasUnverified, rules_digest: record.rulesDigest, created_by: record.createdBy, created_at: record.createdAt, current: current)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPStatus = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let response = Response(status: status, body: .init(data: try encoder.encode(value)))
        response.headers.contentType = .json
        return response
    }

    func save(req: Request) async throws -> Response {
        let file = try await cases.accessible(req, .update)
        let principal = try req.principal()
        try req.authorize(EntitlementPolicy.decide(principal, .save))
        let link = try await CaseWorkerLink.named(by: req, on: file)
        let (calculation, raw) = try Self.compute(req)
        let record: EntitlementCalculation
        do { record = try await EntitlementService(context: req.change).save(calculation, json: raw, to: link, principal: principal) } catch let invalid as Invalid {
            throw ValidationFailure(errors: invalid.fieldErrors(req))
        }
        let detail = SavedDetailDTO(calculation: Self.dto(record, current: true), input: RawJSON(data: raw),
                                    report: EntitlementReport(calculation.result, catalog: req.application.catalog, language: Self.language(req)))
        let response = try Self.json(detail, status: .created)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/cases/\(record.caseID)/entitlements/\(record.id!)")
        return response
    }

    func list(req: Request) async throws -> Response {
        let file = try await cases.accessible(req, .view)
        let id = try file.requireID()
        let current = Set(try await CaseWorkerLink.query(on: req.db).filter(\.$caseID == id).all().compactMap(\.calculationID))
        let items = try await EntitlementService.calculations(of: id, on: req.db).map { Self.dto($0, current: current.contains($0.id!)) }
        return try Self.json(["items": items])
    }

    func show(req: Request) async throws -> Response {
        let file = try await cases.accessible(req, .view)
        let saved = try await EntitlementService(context: req.change).open(req.parameters.get("calculationID", as: UUID.self), on: file)
        return try Self.json(SavedDetailDTO(calculation: Self.dto(saved.record, current: saved.current), input: RawJSON(data: saved.input),
                                            report: EntitlementReport(saved.result, catalog: req.application.catalog, language: Self.language(req))))
    }
}
