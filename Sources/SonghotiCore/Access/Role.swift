/// The roles a staff member can hold. Scope (one office or the whole organisation) is separate: see `Principal`.
public enum Role: String, CaseIterable, Codable, Sendable, Hashable {
    case administrator
    case coordinator
    case caseworker
    case programmeOfficer = "programme_officer"
    case viewer

    /// Catalog key of the role's display name.
    public var labelKey: String { "role.\(rawValue)" }
}
