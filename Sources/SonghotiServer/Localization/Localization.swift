import Foundation
import Leaf
import LeafKit
import SonghotiCore
import Vapor

enum Localization {
    /// Loads `en.json`, `bn.json` and `km.json` from the localisation folder. A missing English file is fatal.
    static func loadCatalog(directory: String) throws -> Catalog {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let path = directory + language.rawValue + ".json"
            guard let data = FileManager.default.contents(atPath: path) else {
                if language == .english { throw Abort(.internalServerError, reason: "missing localisation file \(path)") }
                continue
            }
            tables[language] = try Catalog.parseTable(data)
        }
        return Catalog(tables: tables)
    }
}

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = Language }

    /// The interface language: the signed-in user's choice, else the session's, else the browser's, else English.
    var language: Language {
        get {
            if let chosen = storage[LanguageKey.self] { return chosen }
            if let user = sessionState.user { return user.preferredLanguage }
            if let code = sessionState.session?.language, let language = Language(rawValue: code) { return language }
            return Language.preferred(fromAcceptLanguage: headers.first(name: .acceptLanguage)) ?? .english
        }
        set { storage[LanguageKey.self] = newValue }
    }

    func t(_ key: String, _ arguments: String...) -> String {
        application.catalog.string(key, language, arguments: arguments)
    }

    var format: LocalizedFormat {
        LocalizedFormat(language: language, timeZone: application.songhotiSettings.timeZone)
    }
}

/// The `t` tag: `#t` with a catalog key, then optional arguments for `{0}`, `{1}`: a string in the request's language.
struct TranslateTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else {
            throw LeafError(.unknownError("#t needs a string key"))
        }
        guard let request = ctx.request else { throw LeafError(.unknownError("#t needs a request")) }
        let arguments = ctx.parameters.dropFirst().map { parameter -> String in
            if let int = parameter.int { return request.format.number(int) }
            return parameter.string ?? ""
        }
        return .string(request.application.catalog.string(key, request.language, arguments: Array(arguments)))
    }
}
