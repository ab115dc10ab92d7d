import Foundation

/// Who may see and record workers. Identifiers (name, phone, ID, address, birth date) are for the people who
/// handle cases; everyone else works with the pseudonymous code.
public enum WorkerPolicy {
    public enum Action: Sendable, CaseIterable { case list, view, viewIdentifiers, create, update, recordConsent }

    /// `office` is the worker's office (nil for list and create).
    public static func decide(_ principal: Principal, _ action: Action, office: UUID? = nil) -> Decision {
        if let office, !principal.covers(office: office) { return .deny("worker outside the principal's office") }
        switch (principal.role, action) {
        case (.caseworker, _), (.coordinator, _):
            return .allow
        case (.administrator, .list), (.administrator, .view), (.programmeOfficer, .list), (.programmeOfficer, .view),
             (.viewer, .list), (.viewer, .view):
            return .allow
        default:
            return .deny("\(principal.role.rawValue) works with worker codes only")
        }
    }
}
