import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Pieces the supply-chain pages share.
enum SupplyChainWeb {
    typealias Option = CasesWebController.Option

    static func authorize(_ req: Request, _ action: SupplyChainPolicy.Action) throws -> Principal {
        let principal = try req.principal()
        try req.authorize(SupplyChainPolicy.decide(principal, action))
        return principal
    }

    static func can(_ req: Request, _ action: SupplyChainPolicy.Action) -> Bool {
        (try? req.principal()).map { SupplyChainPolicy.decide($0, action).isAllowed } ?? false
    }

    static func userNames(_ ids: [UUID?], on db: any Database) async throws -> [UUID: String] {
        let wanted = Array(Set(ids.compactMap { $0 }))
        guard !wanted.isEmpty else { return [:] }
        var names: [UUID: String] = [:]
        for user in try await User.query(on: db).filter(\.$id ~~ wanted).all() { names[user.id!] = user.displayName }
        return names
    }

    static func countryOptions(_ selected: String) -> [Option] {
        Countries.allCodes.map { Option(value: $0, label: "\(Countries.englishName(for: $0) ?? $0) (\($0))", selected: $0 == selected) }
    }

    /// The cases at these factories that this person may see in lists (restricted ones only for their team).
    static func visibleCases(at factoryIDs: [UUID], _ req: Request, limit: Int = 1000) async throws -> [CaseFile] {
        guard !factoryIDs.isEmpty else { return [] }
        let principal = try req.principal()
        var query = CaseFile.query(on: req.db).filter(\.$factoryID ~~ factoryIDs).sort(\.$createdAt, .descending).limit(limit)
        if let office = principal.officeID { query = query.filter(\.$officeID == office) }
        let service = CaseService(context: req.change)
        var visible: [CaseFile] = []
        for file in try await query.all() where CasePolicy.listable(principal, facts: try await service.facts(file, on: req.db)) { visible.append(file) }
        return visible
    }

    struct Amount: Encodable { let label: String; let value: String }
    struct LedgerLine: Encodable { let currency: String; let owed: [Amount]; let owedTotal: String; let promised: String; let delivered: String; let outstanding: String }

    static func ledgerLines(_ lines: [WageLedger.Line], _ req: Request) -> [LedgerLine] {
        lines.map { line in
            func money(_ minor: Int64) -> String { req.format.money(Money(minorUnits: minor, currency: line.currency)) }
            return LedgerLine(currency: line.currency,
                              owed: OwedComponent.allCases.compactMap { component in line.owed[component].map { Amount(label: req.t(component.labelKey), value: money($0)) } },
                              owedTotal: money(line.owedTotal), promised: money(line.promised), delivered: money(line.delivered), outstanding: money(line.outstanding))
        }
    }

    struct EscalationRow: Encodable {
        let id: String; let caseID: String; let reference: String; let brandID: String; let brand: String
        let sentOn: String; let deadline: String; let latest: String; let overdue: Bool
    }

    static func escalationRows(_ escalations: [Escalation], cases: [UUID: CaseFile], _ req: Request) async throws -> [EscalationRow] {
        let responses = try await EscalationService.responses(for: escalations, on: req.db)
        let brandIDs = Array(Set(escalations.map(\.brandID)))
        var brands: [UUID: String] = [:]
        if !brandIDs.isEmpty { for brand in try await Brand.query(on: req.db).filter(\.$id ~~ brandIDs).all() { brands[brand.id!] = brand.name } }
        let today = CalendarDate.today(in: req.application.songhotiSettings.timeZone)
        return escalations.compactMap { escalation in
            guard let file = cases[escalation.caseID] else { return nil }
            let record = EscalationService.record(escalation, responses: responses[escalation.id!] ?? [])
            return EscalationRow(id: escalation.id!.uuidString, caseID: escalation.caseID.uuidString, reference: file.reference,
                                 brandID: escalation.brandID.uuidString, brand: brands[escalation.brandID] ?? "",
                                 sentOn: escalation.sentOn, deadline: escalation.deadline,
                                 latest: record.latest.map { req.t($0.kind.labelKey) + " · " + $0.on } ?? req.t("escalation.awaiting"),
                                 overdue: record.isOverdue(today: today))
        }
    }

    static func form(_ req: Request, _ key: String) -> String {
        ((try? req.content.get(String.self, at: key)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Where a record came from, in the reader's language for the values Songhoti itself writes.
    static func source(_ raw: String, _ req: Request) -> String {
        switch raw {
        case "case intake": return req.t("factory.source.case_intake")
        case "entered by hand": return req.t("factory.source.by_hand")
        case "merge": return req.t("factory.source.merge")
        default:
            if raw.hasPrefix("supplier list ") { return req.t("factory.source.list", String(raw.dropFirst("supplier list ".count))) }
            return raw
        }
    }

    struct DocumentForm: Content { var document: File? }

    /// The optional `document` file of a multipart form (an empty file input sends an empty part).
    static func document(_ req: Request) -> SupplyChainDocuments.Upload? {
        guard let file = (try? req.content.decode(DocumentForm.self))?.document, file.data.readableBytes > 0 else { return nil }
        return SupplyChainDocuments.Upload(data: Data(buffer: file.data), filename: file.filename)
    }

    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
