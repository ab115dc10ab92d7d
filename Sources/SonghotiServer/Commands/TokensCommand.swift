import ConsoleKit
import Fluent
import Foundation
import Vapor

struct TokensCommand: AsyncCommandGroup {
    var help: String { "API tokens: create (printed once), revoke." }
    var commands: [String: any AnyAsyncCommand] { ["create": Create(), "revoke": Revoke()] }

    struct Create: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "email", help: "The account the token acts as") var email: String?
            @Option(name: "name", help: "What the token is for, e.g. 'reporting script'") var name: String?
            @Option(name: "expires-days", help: "Days until the token stops working (default: never)") var expiresDays: Int?
        }
        var help: String { "Create an API token for an account. The token is printed once; only its hash is stored." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: false)
            let user = try await UsersCommand.find(signature.email, app: app)
            guard !user.isDisabled else { throw CommandFailure("\(user.email) is disabled") }
            let name = signature.name ?? "command line"
            let expires = signature.expiresDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
            let change = ChangeContext.commandLine(app)
            let token = try await APITokens.issue(for: user, name: name, expiresAt: expires, on: app) { db, token in
                try await change.audit("api_token.create", "api_token", token.id?.uuidString, on: db)
            }
            context.console.print(token)
        }
    }

    struct Revoke: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "prefix", help: "The token's first characters, as shown on the account page (e.g. sht_AbC123)") var prefix: String?
            @Option(name: "id", help: "The token's id") var id: String?
        }
        var help: String { "Revoke an API token by its id or prefix." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: false)
            var query = APIToken.query(on: app.db).filter(\.$revokedAt == nil)
            if let id = signature.id.flatMap(UUID.init(uuidString:)) {
                query = query.filter(\.$id == id)
            } else if let prefix = signature.prefix, prefix.count >= 6 {
                query = query.filter(\.$prefix == String(prefix.prefix(10)))
            } else {
                throw CommandFailure("give --id, or --prefix with at least 6 characters")
            }
            let tokens = try await query.all()
            guard tokens.count == 1, let token = tokens.first else {
                throw CommandFailure(tokens.isEmpty ? "no active token matches" : "\(tokens.count) tokens match; use --id")
            }
            let change = ChangeContext.commandLine(app)
            try await change.write { db in
                token.revokedAt = Date()
                try await token.update(on: db)
                try await change.audit("api_token.revoke", "api_token", token.id?.uuidString, on: db)
            }
            context.console.print("revoked \(token.id?.uuidString ?? "")")
        }
    }
}
