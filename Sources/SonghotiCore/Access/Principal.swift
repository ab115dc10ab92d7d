import Foundation

/// Who is acting: a signed-in staff member or the holder of an API token, reduced to what policies need.
public struct Principal: Sendable, Hashable {
    public let userID: UUID
    public let role: Role
    /// nil means the whole organisation.
    public let officeID: UUID?

    public init(userID: UUID, role: Role, officeID: UUID?) {
        self.userID = userID
        self.role = role
        self.officeID = officeID
    }

    public var isOrganisationWide: Bool { officeID == nil }

    /// Whether this principal's scope covers a record held by `office` (nil = organisation-level record).
    public func covers(office: UUID?) -> Bool {
        guard let own = officeID else { return true }
        return own == office
    }
}

/// The outcome of a policy decision. Denials carry a reason for logs and tests, never shown with personal data.
public enum Decision: Sendable, Equatable {
    case allow
    case deny(String)

    public var isAllowed: Bool { if case .allow = self { return true } else { return false } }
}
