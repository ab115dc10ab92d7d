/// Organisation-wide settings (two-factor requirements, the audit log) are for organisation-wide administrators.
public enum AdministrationPolicy {
    public enum Action: Sendable, CaseIterable { case viewSecuritySettings, changeSecuritySettings, viewAuditLog }

    public static func decide(_ principal: Principal, _ action: Action) -> Decision {
        principal.role == .administrator && principal.isOrganisationWide
            ? .allow : .deny("organisation-wide administrators only")
    }
}
