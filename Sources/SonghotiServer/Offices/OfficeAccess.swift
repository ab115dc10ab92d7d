import Fluent
import SonghotiCore
import Vapor

extension Request {
    /// The office named by the `officeID` parameter, once the policy allows `action` on it (403 or 404 otherwise).
    /// The decision is taken before the lookup, so a refused role learns nothing about which ids exist.
    func authorizedOffice(_ action: OfficePolicy.Action) async throws -> Office {
        let principal = try principal()
        guard let id = parameters.get("officeID", as: UUID.self) else { throw Abort(.notFound) }
        try authorize(OfficePolicy.decide(principal, action, office: principal.officeID ?? id))
        guard let office = try await Office.find(id, on: db) else { throw Abort(.notFound) }
        try authorize(OfficePolicy.decide(principal, action, office: id))
        return office
    }
}
