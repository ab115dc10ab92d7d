import Foundation

/// Translated strings for every language, keyed by message id.
///
/// Lookup falls back per string from the requested language to English; a key missing from English too is a
/// programming error and renders as a visible marker so tests (and users) notice instead of seeing nothing.
public struct Catalog: Sendable {
    public private(set) var tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) {
        self.tables = tables
    }

    /// Parses one language's JSON table (a flat object of strings).
    public static func parseTable(_ data: Data) throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: data)
        guard let dictionary = object as? [String: Any] else { throw CatalogError.notAnObject }
        var table: [String: String] = [:]
        for (key, value) in dictionary {
            guard let string = value as? String else { throw CatalogError.notAString(key: key) }
            table[key] = string
        }
        return table
    }

    public static func missingMarker(_ key: String) -> String { "⟦\(key)⟧" }

    public func has(_ key: String, in language: Language) -> Bool { tables[language]?[key] != nil }

    /// The string for `key`, with `{0}`, `{1}`, … replaced by `arguments` in order.
    public func string(_ key: String, _ language: Language, arguments: [String] = []) -> String {
        let template = tables[language]?[key] ?? tables[.english]?[key] ?? Catalog.missingMarker(key)
        guard !arguments.isEmpty else { return template }
        var result = template
        for (index, argument) in arguments.enumerated() {
            result = result.replacingOccurrences(of: "{\(index)}", with: argument)
        }
        return result
    }

    /// Keys present in English but absent in `language`.
    public func missingKeys(in language: Language) -> [String] {
        let english = Set(tables[.english]?.keys.map { $0 } ?? [])
        let other = Set(tables[language]?.keys.map { $0 } ?? [])
        return english.subtracting(other).sorted()
    }
}

public enum CatalogError: Error, Equatable, CustomStringConvertible {
    case notAnObject
    case notAString(key: String)

    public var description: String {
        switch self {
        case .notAnObject: "a localisation file must be a JSON object of strings"
        case .notAString(let key): "localisation key \(key) must map to a string"
        }
    }
}
