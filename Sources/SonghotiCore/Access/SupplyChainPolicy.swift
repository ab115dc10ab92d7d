import Foundation

/// Who may see and change the supply-chain registry (factories, brands, sourcing links, supplier-list imports),
/// who may merge factories, keep the letter templates, and see the wage-theft ledger.
/// Escalating a particular case to brands is decided by `CasePolicy` (`.update` on that case) plus `.escalate` here.
public enum SupplyChainPolicy {
    public enum Action: Sendable, CaseIterable {
        /// Read factories, brands, links and import reports.
        case view
        /// Record or correct factories, brands and sourcing links; import supplier lists; decide review rows.
        case edit
        /// Merge duplicate factories and undo a merge (changes what many cases point at).
        case merge
        /// Write letters to brands from a case and record their responses.
        case escalate
        /// Edit the organisation's letter templates and response deadline.
        case manageTemplates
        /// Amounts owed, promised and delivered per factory and brand, across cases.
        case viewLedger
    }

    public static func decide(_ principal: Principal, _ action: Action) -> Decision {
        let role = principal.role
        switch action {
        case .view:
            return .allow
        case .edit, .escalate:
            return [.caseworker, .coordinator].contains(role) ? .allow : .deny("\(role.rawValue) does not change the supply-chain registry")
        case .merge:
            return role == .coordinator ? .allow : .deny("only coordinators merge factories")
        case .manageTemplates:
            return [.coordinator, .administrator].contains(role) ? .allow : .deny("\(role.rawValue) does not keep letter templates")
        case .viewLedger:
            return [.coordinator, .programmeOfficer, .administrator].contains(role) ? .allow : .deny("\(role.rawValue) does not see programme totals")
        }
    }
}
