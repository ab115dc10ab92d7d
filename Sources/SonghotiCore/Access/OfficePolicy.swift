import Foundation

/// Who may see and change offices.
public enum OfficePolicy {
    public enum Action: Sendable, CaseIterable { case list, view, create, update }

    /// `office` is the office being acted on (nil for list and create).
    public static func decide(_ principal: Principal, _ action: Action, office: UUID? = nil) -> Decision {
        switch action {
        case .list:
            // Every staff member may see the list of offices: it holds no personal data and forms need it.
            return .allow
        case .view:
            return .allow
        case .create:
            return principal.role == .administrator && principal.isOrganisationWide
                ? .allow : .deny("only an organisation-wide administrator creates offices")
        case .update:
            guard principal.role == .administrator else { return .deny("only administrators change offices") }
            return principal.covers(office: office) ? .allow : .deny("office outside the administrator's scope")
        }
    }
}
