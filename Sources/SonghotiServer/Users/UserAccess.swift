import Fluent
import SonghotiCore
import Vapor

extension Request {
    /// The account named by the `userID` parameter, once the policy allows `action` on it (403 or 404 otherwise).
    func authorizedUser(_ action: UserPolicy.Action) async throws -> User {
        let principal = try principal()
        try authorize(UserPolicy.decide(principal, action))
        guard let id = parameters.get("userID", as: UUID.self), let user = try await User.find(id, on: db) else { throw Abort(.notFound) }
        try authorize(UserPolicy.decide(principal, action, target: .init(userID: id, role: user.role, officeID: user.officeID)))
        return user
    }
}
