import Fluent
import Foundation
import SonghotiCore
import Vapor

/// The wage-theft ledger: amounts owed (by component), promised and delivered across cases, per factory and per
/// brand, in each currency. A case counts for its factory (after merges); a factory's cases count for every brand
/// with sourcing evidence for that factory. Only cases in the offices the reader covers count.
struct LedgerService {
    let context: ChangeContext

    struct Figures: Sendable {
        let factories: WageLedger
        let brands: WageLedger
        let factoryNames: [String: (name: String, osID: String?)]
        let brandNames: [String: String]
    }

    /// `caseFilter` narrows further (the factory page passes the cases its reader may list).
    func figures(for principal: Principal, onlyCases: Set<UUID>? = nil) async throws -> Figures {
        let db = context.app.db
        var query = CaseFile.query(on: db).filter(\.$factoryID != nil)
        if let office = principal.officeID { query = query.filter(\.$officeID == office) }
        let cases = try await query.all().filter { onlyCases?.contains($0.id!) ?? true }
        // Follow merges once per factory.
        var liveFactory: [UUID: FactoryRecord] = [:]
        for id in Set(cases.compactMap(\.factoryID)) {
            if let factory = try await FactoryService.live(id, on: db) { liveFactory[id] = factory }
        }
        var factoryOf: [UUID: UUID] = [:]
        for file in cases { if let id = file.factoryID, let live = liveFactory[id] { factoryOf[file.id!] = live.id! } }
        let caseIDs = Array(factoryOf.keys)
        var entries: [WageLedger.Entry] = []
        for chunk in caseIDs.chunks(of: 500) {
            let links = try await CaseWorkerLink.query(on: db).filter(\.$caseID ~~ Array(chunk)).all()
            // A claim whose amount comes from a saved calculation counts by the calculation's components.
            let calculationIDs = links.compactMap(\.calculationID)
            var calculations: [UUID: EntitlementCalculation] = [:]
            if !calculationIDs.isEmpty {
                for record in try await EntitlementCalculation.query(on: db).filter(\.$id ~~ calculationIDs).all() { calculations[record.id!] = record }
            }
            for link in links {
                guard let owed = link.owed, let factory = factoryOf[link.caseID] else { continue }
                if let id = link.calculationID, let record = calculations[id], record.currency == owed.currency, record.owedTotalMinor == owed.minorUnits {
                    for (component, minor) in record.components.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where minor != 0 {
                        entries.append(.init(key: factory.uuidString, stage: .owed, component: component, amount: Money(minorUnits: minor, currency: owed.currency)))
                    }
                    continue
                }
                entries.append(.init(key: factory.uuidString, stage: .owed, component: link.owedComponent.flatMap(OwedComponent.init(rawValue:)) ?? .wages, amount: owed))
            }
            for item in try await RemedyItem.query(on: db).filter(\.$caseID ~~ Array(chunk)).all() {
                guard let money = item.money, let factory = factoryOf[item.caseID], let stage = WageLedger.Stage(rawValue: item.stage) else { continue }
                entries.append(.init(key: factory.uuidString, stage: stage, amount: money))
            }
        }
        let factories = WageLedger(entries)
        let factoryIDs = Set(factoryOf.values)
        var brandEntries: [WageLedger.Entry] = []
        var brandNames: [String: String] = [:]
        if !factoryIDs.isEmpty {
            var brandsOf: [UUID: Set<UUID>] = [:]
            for chunk in Array(factoryIDs).chunks(of: 500) {
                for link in try await SourcingLink.query(on: db).filter(\.$factoryID ~~ Array(chunk)).all() { brandsOf[link.factoryID, default: []].insert(link.brandID) }
            }
            for entry in entries {
                for brand in brandsOf[UUID(uuidString: entry.key)!] ?? [] {
                    brandEntries.append(.init(key: brand.uuidString, stage: entry.stage, component: entry.component, amount: entry.amount))
                }
            }
            let allBrands = Set(brandsOf.values.flatMap { $0 })
            for chunk in Array(allBrands).chunks(of: 500) {
                for brand in try await Brand.query(on: db).filter(\.$id ~~ Array(chunk)).all() { brandNames[brand.id!.uuidString] = brand.name }
            }
        }
        var factoryNames: [String: (name: String, osID: String?)] = [:]
        for factory in liveFactory.values { factoryNames[factory.id!.uuidString] = (factory.name, factory.osID) }
        return Figures(factories: factories, brands: WageLedger(brandEntries), factoryNames: factoryNames, brandNames: brandNames)
    }

    static let csvHeader = ["kind", "id", "name", "os_id", "currency"] + OwedComponent.allCases.map { "owed_\($0.rawValue)" } + ["owed_total", "promised", "delivered", "outstanding"]

    /// The ledger as CSV (amounts as decimals in the currency's units).
    static func csv(_ figures: Figures) -> CSVTable {
        var table = CSVTable(header: csvHeader)
        func amount(_ minor: Int64, _ currency: String) -> String { Money(minorUnits: minor, currency: currency).decimalString }
        func add(_ kind: String, _ line: WageLedger.Line, name: String, osID: String?) {
            table.append([kind, line.key, name, osID ?? "", line.currency] + OwedComponent.allCases.map { amount(line.owed[$0] ?? 0, line.currency) }
                         + [amount(line.owedTotal, line.currency), amount(line.promised, line.currency), amount(line.delivered, line.currency), amount(line.outstanding, line.currency)])
        }
        for line in figures.factories.lines { add("factory", line, name: figures.factoryNames[line.key]?.name ?? "", osID: figures.factoryNames[line.key]?.osID) }
        for line in figures.brands.lines { add("brand", line, name: figures.brandNames[line.key] ?? "", osID: nil) }
        return table
    }
}
