import Foundation

/// Who may see and manage staff accounts.
public enum UserPolicy {
    public enum Action: Sendable, CaseIterable { case list, view, create, update, disable, resetPassword }

    /// The account acted on, reduced to what the decision needs.
    public struct Target: Sendable {
        public let userID: UUID
        public let role: Role
        public let officeID: UUID?
        public init(userID: UUID, role: Role, officeID: UUID?) {
            self.userID = userID
            self.role = role
            self.officeID = officeID
        }
    }

    public static func decide(_ principal: Principal, _ action: Action, target: Target? = nil) -> Decision {
        switch principal.role {
        case .administrator:
            guard let target else { return .allow }
            guard principal.covers(office: target.officeID) else {
                return .deny("account outside the administrator's office")
            }
            // An office administrator cannot create or promote organisation-wide administrators.
            if target.role == .administrator, target.officeID == nil, !principal.isOrganisationWide {
                return .deny("only an organisation-wide administrator manages organisation-wide administrators")
            }
            if action == .disable, target.userID == principal.userID {
                return .deny("administrators cannot disable their own account")
            }
            return .allow
        case .coordinator:
            // Coordinators assign work, so they see who is in their scope; they do not manage accounts.
            switch action {
            case .list: return .allow
            case .view:
                guard let target else { return .allow }
                return principal.covers(office: target.officeID) ? .allow : .deny("account outside the coordinator's office")
            default: return .deny("coordinators do not manage accounts")
            }
        case .caseworker, .programmeOfficer, .viewer:
            return .deny("\(principal.role.rawValue) cannot manage accounts")
        }
    }

    /// The office filter a list must apply for this principal: nil = all offices.
    public static func listScope(_ principal: Principal) -> UUID? { principal.officeID }

    /// The roles this principal may hand out when creating or editing accounts.
    public static func assignableRoles(_ principal: Principal) -> [Role] {
        guard principal.role == .administrator else { return [] }
        return Role.allCases
    }
}
