import Foundation
import SonghotiCore

/// The shipped rules files, read from the package (Resources/Entitlements).
enum ShippedRules {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static func files() throws -> [(name: String, data: Data)] {
        let directory = root.appendingPathComponent("Resources/Entitlements")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted().map {
            ($0, try Data(contentsOf: directory.appendingPathComponent($0)))
        }
    }

    static func book() throws -> RuleBook { try RuleBook.load(files: files()) }

    /// The shipped files with one file's text changed, for the validation tests.
    static func files(editing name: String, _ change: (String) -> String) throws -> [(name: String, data: Data)] {
        try files().map { file in
            guard file.name == name else { return file }
            return (file.name, Data(change(String(decoding: file.data, as: UTF8.self)).utf8))
        }
    }
}
