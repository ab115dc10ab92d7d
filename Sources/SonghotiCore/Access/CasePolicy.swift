import Foundation

/// Who may see and work on a case. Restricted cases (gender-based violence, trafficking, or marked restricted)
/// are open only to their assigned staff and to coordinators; anyone else whose role could otherwise see the
/// case must "break the glass" by stating a reason, which is audited and shown on the case.
public enum CasePolicy {
    public enum Action: Sendable, CaseIterable {
        case list, create, view, update, transition
        /// Choose who is assigned to the case.
        case assign
        /// Lift the restriction (the narrative returns to clear text and to the search index).
        case unrestrict
        /// Download case lists as CSV (identifiers need `WorkerPolicy.viewIdentifiers` as well).
        case export
        /// Remedy totals across cases (programme figures).
        case viewTotals
    }

    public struct Facts: Sendable {
        public let officeID: UUID
        public let restricted: Bool
        public let assignees: Set<UUID>
        public init(officeID: UUID, restricted: Bool, assignees: Set<UUID>) {
            self.officeID = officeID
            self.restricted = restricted
            self.assignees = assignees
        }
    }

    public enum Verdict: Equatable, Sendable {
        case allow
        /// Allowed once the principal states a reason (break glass).
        case needsReason
        case deny(String)

        public var isAllowed: Bool { self == .allow }
    }

    public static func decide(_ principal: Principal, _ action: Action, facts: Facts? = nil, brokeGlass: Bool = false) -> Verdict {
        let handles = [Role.caseworker, .coordinator].contains(principal.role)
        switch action {
        case .list: return .allow
        case .create: return handles ? .allow : .deny("\(principal.role.rawValue) does not open cases")
        case .export:
            return handles || principal.role == .programmeOfficer ? .allow : .deny("\(principal.role.rawValue) does not export cases")
        case .viewTotals:
            return [.coordinator, .programmeOfficer, .administrator].contains(principal.role) ? .allow : .deny("\(principal.role.rawValue) does not see programme totals")
        case .assign, .unrestrict:
            guard principal.role == .coordinator else { return .deny("only coordinators \(action == .assign ? "assign staff" : "lift a restriction")") }
            if let facts, !principal.covers(office: facts.officeID) { return .deny("case outside the principal's office") }
            return .allow
        case .view, .update, .transition:
            guard let facts else { return handles || action == .view ? .allow : .deny("read-only role") }
            guard principal.covers(office: facts.officeID) else { return .deny("case outside the principal's office") }
            if action != .view && !handles { return .deny("\(principal.role.rawValue) cannot change cases") }
            guard facts.restricted else { return .allow }
            if principal.role == .coordinator || facts.assignees.contains(principal.userID) { return .allow }
            return brokeGlass ? .allow : .needsReason
        }
    }

    /// Whether the case may appear in this principal's lists and counts at all (no break-glass there:
    /// a restricted case they are not assigned to is simply not listed).
    public static func listable(_ principal: Principal, facts: Facts) -> Bool {
        decide(principal, .view, facts: facts) == .allow
    }
}
