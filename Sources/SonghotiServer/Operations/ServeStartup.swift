import Fluent
import Foundation
import SonghotiCore
import Vapor

/// What `songhoti serve` does before it listens: prepare the database and keys, print the setup link while no
/// account exists, and schedule the clean-up of expired sessions and stale counters.
public enum ServeStartup {
    public static func run(_ app: Application, arguments: [String]) async throws {
        if let message = try await prepareData(app, migrate: true) {
            app.logger.warning("\(message)")
        }
        try await Maintenance.run(app)
        if let token = try await SetupController.issueIfNeeded(app) {
            let (host, port) = address(app, arguments: arguments)
            // Printed to the terminal only; the request log shows routes as patterns, never this token.
            print("""

                No account exists yet. Open this one-time link to create the first administrator (valid for 24 hours):

                    http://\(host):\(port)/setup/\(token)

                """)
        }
        Maintenance.schedule(app)
    }

    /// The address `serve` will listen on, read the way Vapor's serve command reads it.
    static func address(_ app: Application, arguments: [String]) -> (String, Int) {
        var host = app.http.server.configuration.hostname
        var port = app.http.server.configuration.port
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let value = index + 1 < arguments.count ? arguments[index + 1] : nil
            switch argument {
            case "--hostname", "-H": if let value { host = value }; index += 1
            case "--port", "-p": if let value, let number = Int(value) { port = number }; index += 1
            default: break
            }
            index += 1
        }
        return (host == "0.0.0.0" ? "127.0.0.1" : host, port)
    }
}

/// Periodic clean-up: expired sessions, old throttle counters, used or expired setup tokens.
enum Maintenance {
    static func run(_ app: Application, now: Date = Date()) async throws {
        try await app.writer.transaction(on: app.db) { db in
            try await SessionStore.purgeExpired(on: db, lifetime: app.sessionLifetime, now: now)
            try await SignInGuard.purgeStale(on: db, now: now)
            try await SetupToken.query(on: db).filter(\.$expiresAt < now).delete()
        }
    }

    static func schedule(_ app: Application) {
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(600))
                if Task.isCancelled { break }
                do { try await run(app) } catch { app.logger.error("maintenance failed", metadata: ["error_type": .string(String(describing: type(of: error)))]) }
            }
        }
        app.lifecycle.use(CancelOnShutdown(task: task))
    }

    struct CancelOnShutdown: LifecycleHandler {
        let task: Task<Void, Never>
        func shutdown(_ application: Application) { task.cancel() }
    }
}
