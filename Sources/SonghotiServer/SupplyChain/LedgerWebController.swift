import Fluent
import Foundation
import SonghotiCore
import Vapor

/// `/ledger`: the wage-theft ledger per factory and per brand, and its CSV.
struct LedgerWebController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("ledger", use: show)
        routes.get("ledger", "export.csv", use: export)
    }

    struct Row: Encodable { let id: String; let name: String; let osID: String; let line: SupplyChainWeb.LedgerLine }
    struct View: Encodable { let factories: [Row]; let brands: [Row]; let hasFactories: Bool; let hasBrands: Bool; let components: [String] }

    func show(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .viewLedger)
        let figures = try await LedgerService(context: req.change).figures(for: principal)
        func rows(_ ledger: WageLedger, names: (String) -> (String, String?)) -> [Row] {
            ledger.lines.map { line in
                let (name, os) = names(line.key)
                return Row(id: line.key, name: name, osID: os ?? "", line: SupplyChainWeb.ledgerLines([line], req)[0])
            }.sorted { ($0.name, $0.line.currency) < ($1.name, $1.line.currency) }
        }
        let factories = rows(figures.factories) { (figures.factoryNames[$0]?.name ?? "", figures.factoryNames[$0]?.osID) }
        let brands = rows(figures.brands) { (figures.brandNames[$0] ?? "", nil) }
        return try await req.page("ledger", titleKey: "ledger.title", View(factories: factories, brands: brands, hasFactories: !factories.isEmpty, hasBrands: !brands.isEmpty,
                                                                          components: OwedComponent.allCases.map { req.t($0.labelKey) }))
    }

    func export(req: Request) async throws -> Response {
        let principal = try SupplyChainWeb.authorize(req, .viewLedger)
        let figures = try await LedgerService(context: req.change).figures(for: principal)
        try await req.write { db in try await req.audit("ledger.export", "ledger", nil, on: db) }
        return CaseExport.response(LedgerService.csv(figures), req: req, name: "ledger")
    }
}
