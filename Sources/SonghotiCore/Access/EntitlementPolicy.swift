import Foundation

/// Who may use the entitlements calculator. Working out what the law says is owed touches no stored personal data,
/// so every role may calculate and read the rules. Saving a calculation to a worker's claim changes the case, so it
/// also needs `CasePolicy` `.update` on that case; reading saved calculations needs `.view` on the case.
public enum EntitlementPolicy {
    public enum Action: Sendable, CaseIterable {
        case calculate
        case viewRules
        /// Save a calculation to a worker's claim (with `CasePolicy.update` on the case).
        case save
    }

    public static func decide(_ principal: Principal, _ action: Action) -> Decision {
        switch action {
        case .calculate, .viewRules: return .allow
        case .save:
            return [.caseworker, .coordinator].contains(principal.role) ? .allow : .deny("\(principal.role.rawValue) does not change claims")
        }
    }
}
