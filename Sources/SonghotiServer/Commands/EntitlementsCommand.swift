import ConsoleKit
import Foundation
import SonghotiCore
import Vapor

/// `songhoti entitlements calculate --input FILE.json [--language en|bn]`: the calculator on the command line. Prints
/// the same JSON report as `POST /api/v1/entitlements/calculate`. `songhoti entitlements rules` checks the rules files.
struct EntitlementsCommand: AsyncCommandGroup {
    var help: String { "Work out what the law says a worker is owed." }
    var commands: [String: any AnyAsyncCommand] { ["calculate": Calculate(), "rules": Rules()] }

    struct Calculate: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "input", help: "The calculator input (JSON, as for the API); /dev/stdin to read it from a pipe") var input: String?
            @Option(name: "language", help: "Language of the working: en (default) or bn") var language: String?
        }
        var help: String { "Calculate from a JSON input and print the result as JSON." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            guard let path = signature.input else { throw CommandFailure("give the input with --input FILE.json") }
            guard let language = Language(rawValue: signature.language ?? "en") else { throw CommandFailure("--language must be one of: " + Language.allCases.map(\.rawValue).joined(separator: ", ")) }
            let data = path == "/dev/stdin" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
            guard let data else { throw CommandFailure("cannot read \(path)") }
            FileHandle.standardOutput.write(try EntitlementsCommand.report(data, app: app, language: language, source: path))
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
    }

    /// The JSON report for an input: exactly the bytes `POST /api/v1/entitlements/calculate` answers.
    static func report(_ data: Data, app: Application, language: Language, source: String = "the input") throws -> Data {
        let json: SonghotiCore.JSONValue
        do { json = try SonghotiCore.JSONValue.parse(data) } catch { throw CommandFailure("\(source) is not valid JSON: \(error)") }
        do {
            let calculation = try EntitlementService(context: .commandLine(app)).calculate(json)
            return EntitlementReport(calculation.result, catalog: app.catalog, language: language).json()
        } catch {
            let lines = error.fieldErrors(app.catalog, language).map { "  \($0.field): \($0.message)" }
            throw CommandFailure("the input has problems:\n" + lines.joined(separator: "\n"))
        }
    }

    struct Rules: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Check the rules files (they were loaded at start) and list the regimes and rule versions." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let book = context.application.ruleBook
            context.console.print("rules digest \(book.digest)")
            for regime in book.regimes.values.sorted(by: { $0.id < $1.id }) {
                context.console.print("\(regime.id) (\(regime.currency)): \(regime.title)")
                for rule in regime.rules {
                    context.console.print("  \(rule.id) [\(rule.status.rawValue)] \(rule.validFrom) – \(rule.validTo?.description ?? "in force")")
                }
            }
            for table in book.tables { context.console.print("minimum wage \(table.id) [\(table.status.rawValue)] \(table.validFrom) – \(table.validTo?.description ?? "in force")") }
        }
    }
}
