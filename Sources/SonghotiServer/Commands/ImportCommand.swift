import ConsoleKit
import Fluent
import Foundation
import SonghotiCore
import Vapor

/// `songhoti import suppliers --file F [--brand NAME] [--dry-run] [--format open-supply-hub|transparency-pledge|auto]`.
/// Prints the import report as JSON on standard output (counts per outcome and every row); messages go to standard error.
struct ImportCommand: AsyncCommandGroup {
    var help: String { "Bring data in from files." }
    var commands: [String: any AnyAsyncCommand] { ["suppliers": Suppliers()] }

    /// Changes made from the command line are attributed to the operator's shell ("cli" in the audit log);
    /// this all-zero id stands for it where a record keeps who made it.
    static let operatorID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    struct Suppliers: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "file", help: "The supplier list (CSV, UTF-8)") var file: String?
            @Option(name: "brand", help: "The brand whose list this is: its sourcing links are recorded (created if unknown)") var brand: String?
            @Option(name: "format", help: "open-supply-hub, transparency-pledge or auto (default)") var format: String?
            @Flag(name: "dry-run", help: "Match and report, change nothing") var dryRun: Bool
        }
        var help: String { "Match a supplier list against the factory registry and report every row as JSON." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            guard let path = signature.file else { throw CommandFailure("give the list with --file PATH") }
            guard let format = SupplierListFormat(rawValue: signature.format ?? "auto") else {
                throw CommandFailure("--format must be one of: " + SupplierListFormat.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("cannot read \(path)") }
            guard let text = String(data: data, encoding: .utf8) else { throw CommandFailure("\(path) is not UTF-8 text") }
            _ = try await prepareData(app, migrate: false).map { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            let change = ChangeContext.commandLine(app)
            let principal = Principal(userID: ImportCommand.operatorID, role: .coordinator, officeID: nil)
            var brandID: UUID?
            if let name = signature.brand?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
                let key = FactoryNormaliser.normalisedName(name)
                let brands = try await Brand.query(on: app.db).all()
                if let known = brands.first(where: { $0.normalisedName == key || $0.otherNameList.map(FactoryNormaliser.normalisedName).contains(key) }) {
                    brandID = known.id
                } else if signature.dryRun {
                    FileHandle.standardError.write(Data("note: no brand called \"\(name)\" yet; a real import would create it\n".utf8))
                } else {
                    let brand = try await BrandService(context: change).create(.init(name: name), principal: principal)
                    brandID = brand.id
                    FileHandle.standardError.write(Data("note: created brand \"\(name)\"\n".utf8))
                }
            }
            let options = SupplierImportService.Options(filename: URL(fileURLWithPath: path).lastPathComponent, brandID: brandID, format: format, dryRun: signature.dryRun)
            let report: SupplierImportService.Report
            do {
                report = try await SupplierImportService(context: change).run(text, options: options, principal: principal)
            } catch let error as SupplierListError {
                throw CommandFailure("\(path): \(Self.describe(error))")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(report))
            FileHandle.standardOutput.write(Data("\n".utf8))
        }

        static func describe(_ error: SupplierListError) -> String {
            switch error {
            case .empty: return "the file has no rows"
            case .missingColumns(let columns): return "missing columns: " + columns.joined(separator: ", ")
            case .unrecognisedFormat: return "the header matches neither the Open Supply Hub nor the Transparency Pledge format"
            case .malformed(let row): return "row \(row) could not be read (an unclosed quote?)"
            }
        }
    }
}
