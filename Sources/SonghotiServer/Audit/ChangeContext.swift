import Fluent
import Vapor

/// Who is making a change and from where: built from a request, or for the command line.
struct ChangeContext: Sendable {
    let app: Application
    let actorID: String?
    let sourceIP: String?

    func audit(_ action: String, _ resourceType: String, _ resourceID: String?, on db: any Database) async throws {
        try await app.auditLog.append(.init(actorID: actorID, action: action, resourceType: resourceType, resourceID: resourceID, sourceIP: sourceIP), on: db)
    }

    func write<T: Sendable>(_ body: @Sendable @escaping (any Database) async throws -> T) async throws -> T {
        try await app.writer.transaction(on: app.db, body)
    }

    /// Changes made from the command line are attributed to the operator's shell, not to an account.
    static func commandLine(_ app: Application) -> ChangeContext {
        ChangeContext(app: app, actorID: "cli", sourceIP: nil)
    }
}

extension Request {
    var change: ChangeContext { ChangeContext(app: application, actorID: actorID, sourceIP: clientIP) }
}

/// Field problems found by a service, as catalog keys (callers translate them into the reader's language).
struct Invalid: Error {
    var fields: [String: String]

    func translated(_ req: Request) -> [String: String] { fields.mapValues { req.t($0) } }
    func fieldErrors(_ req: Request) -> [FieldError] {
        fields.sorted { $0.key < $1.key }.map { FieldError(field: $0.key, message: req.t($0.value)) }
    }
}
