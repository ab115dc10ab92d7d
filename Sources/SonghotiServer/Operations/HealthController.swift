import Fluent
import SQLKit
import Vapor

/// `/healthz`: the process answers. `/readyz`: the database answers and every migration has run.
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("healthz", use: health)
        routes.get("readyz", use: ready)
    }

    struct Status: Content { let status: String; let database: String?; let migrations: String? }

    func health(req: Request) async throws -> Status {
        Status(status: "ok", database: nil, migrations: nil)
    }

    func ready(req: Request) async throws -> Response {
        var database = "ok"
        var migrations = "current"
        do {
            _ = try await req.db.sql.raw("SELECT 1").all()
        } catch {
            database = "unreachable"
        }
        if database == "ok" {
            migrations = try await migrationsPending(req.application) ? "pending" : "current"
        } else {
            migrations = "unknown"
        }
        let ok = database == "ok" && migrations == "current"
        let response = try await Status(status: ok ? "ready" : "not_ready", database: database, migrations: migrations)
            .encodeResponse(status: ok ? .ok : .serviceUnavailable, for: req)
        return response
    }
}
