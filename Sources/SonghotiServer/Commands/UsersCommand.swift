import ConsoleKit
import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Reads a password from `--password-file` or standard input, never from an argument (arguments show in `ps`).
enum PasswordInput {
    static func read(file: String?, console: any Console) throws -> String {
        if let file {
            guard let contents = FileManager.default.contents(atPath: file), let text = String(data: contents, encoding: .utf8) else {
                throw CommandFailure("cannot read the password file \(file)")
            }
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        if isatty(STDIN_FILENO) != 0 {
            return console.ask("Password (not shown):".consoleText(), isSecure: true)
        }
        return readLine(strippingNewline: true) ?? ""
    }
}

struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct UsersCommand: AsyncCommandGroup {
    var help: String { "Manage staff accounts: create, list, disable, reset-password." }
    var commands: [String: any AnyAsyncCommand] {
        ["create": CreateUser(), "list": ListUsers(), "disable": DisableUser(), "reset-password": ResetPassword()]
    }

    static func describe(_ invalid: Invalid, app: Application) -> String {
        invalid.fields.sorted { $0.key < $1.key }
            .map { "\($0.key): \(app.catalog.string($0.value, .english))" }.joined(separator: "\n")
    }

    struct CreateUser: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "email", help: "Sign-in email address") var email: String?
            @Option(name: "name", help: "Display name (defaults to the email's local part)") var name: String?
            @Option(name: "role", help: "administrator, coordinator, caseworker, programme_officer or viewer") var role: String?
            @Option(name: "office", help: "Office code; omit for the whole organisation") var office: String?
            @Option(name: "language", help: "en, bn or km (default en)") var language: String?
            @Option(name: "password-file", help: "Read the password from this file's first line; otherwise from standard input") var passwordFile: String?
        }
        var help: String { "Create an account. The password comes from --password-file or standard input; the owner must change it at first sign-in." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: false).map { context.console.warning($0) }
            guard let email = signature.email, let role = signature.role else {
                throw CommandFailure("--email and --role are required")
            }
            var officeID: UUID?
            if let code = signature.office {
                guard let office = try await Office.query(on: app.db).filter(\.$code == code.uppercased()).first() else {
                    throw CommandFailure("no office has the code \(code)")
                }
                officeID = office.id
            }
            let password = try PasswordInput.read(file: signature.passwordFile, console: context.console)
            do {
                let user = try await UserService(context: .commandLine(app)).create(
                    .init(email: email, displayName: signature.name ?? String(email.split(separator: "@").first ?? ""),
                          role: role, officeID: officeID, language: signature.language ?? "en", password: password)
                ) { try await app.password.async.hash($0) }
                context.console.print("created \(user.id?.uuidString ?? "") \(user.email) \(user.roleRaw)")
            } catch let invalid as Invalid {
                throw CommandFailure(UsersCommand.describe(invalid, app: app))
            }
        }
    }

    struct ListUsers: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "List accounts (id, email, role, office, state)." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: false)
            let offices = Dictionary(uniqueKeysWithValues: try await Office.query(on: app.db).all().compactMap { o in o.id.map { ($0, o.code) } })
            for user in try await User.query(on: app.db).sort(\.$email).all() {
                let office = user.officeID.flatMap { offices[$0] } ?? "*"
                let state = user.isDisabled ? "disabled" : "active"
                context.console.print([user.id?.uuidString ?? "", user.email, user.roleRaw, office, state, user.hasTOTP ? "2fa" : "-"].joined(separator: "\t"))
            }
        }
    }

    static func find(_ email: String?, app: Application) async throws -> User {
        guard let email else { throw CommandFailure("--email is required") }
        guard let user = try await User.query(on: app.db).filter(\.$email == BlindIndex.normalisedEmail(email)).first() else {
            throw CommandFailure("no account has the email \(email)")
        }
        return user
    }

    struct DisableUser: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "email", help: "The account's email") var email: String?
            @Flag(name: "enable", help: "Re-enable instead of disabling") var enable: Bool
        }
        var help: String { "Disable an account (its sessions end at once) or, with --enable, enable it again." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: false)
            let user = try await UsersCommand.find(signature.email, app: app)
            try await UserService(context: .commandLine(app)).setDisabled(user, !signature.enable)
            context.console.print("\(signature.enable ? "enabled" : "disabled") \(user.email)")
        }
    }

    struct ResetPassword: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "email", help: "The account's email") var email: String?
            @Option(name: "password-file", help: "Read the new password from this file's first line; otherwise from standard input") var passwordFile: String?
        }
        var help: String { "Set a temporary password (the owner must change it at next sign-in); ends the account's sessions." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            _ = try await prepareData(app, migrate: false)
            let user = try await UsersCommand.find(signature.email, app: app)
            let password = try PasswordInput.read(file: signature.passwordFile, console: context.console)
            do {
                try await UserService(context: .commandLine(app)).resetPassword(user, to: password) { try await app.password.async.hash($0) }
                context.console.print("password reset for \(user.email)")
            } catch let invalid as Invalid {
                throw CommandFailure(UsersCommand.describe(invalid, app: app))
            }
        }
    }
}
