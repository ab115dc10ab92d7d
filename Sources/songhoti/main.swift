import Foundation
import Logging
import SonghotiServer
import Vapor

// Songhoti's command line: `serve` (the default), `migrate`, `users`, `tokens`, `keys`, `audit`.
var env = try Environment.detect()
try LoggingSystem.bootstrap(from: &env)
let app = try await Application.make(env)
do {
    try await configure(app, settings: Settings.fromEnvironment())
    let arguments = Array(env.arguments.dropFirst())
    let command = arguments.first { !$0.hasPrefix("-") }
    if command == nil || command == "serve", !arguments.contains("--help"), !arguments.contains("-h") {
        try await ServeStartup.run(app, arguments: arguments)
    }
    try await app.execute()
} catch {
    FileHandle.standardError.write(Data("songhoti: \(error)\n".utf8))
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
