import Foundation

/// The interface languages. English and Bangla are complete; Khmer falls back to English string by string.
public enum Language: String, CaseIterable, Codable, Sendable {
    case english = "en"
    case bangla = "bn"
    case khmer = "km"

    /// The language's name in itself, for the language switcher.
    public var endonym: String {
        switch self {
        case .english: "English"
        case .bangla: "বাংলা"
        case .khmer: "ខ្មែរ"
        }
    }

    /// Locale used for number and date formatting, with the language's own digits (১২৩, ១២៣).
    public var locale: Locale {
        switch self {
        case .english: Locale(identifier: "en_GB")
        case .bangla: Locale(identifier: "bn_BD@numbers=beng")
        case .khmer: Locale(identifier: "km_KH@numbers=khmr")
        }
    }

    /// Picks the best supported language from an Accept-Language header value.
    public static func preferred(fromAcceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { return nil }
            var quality = 1.0
            for piece in pieces.dropFirst() where piece.hasPrefix("q=") {
                quality = Double(piece.dropFirst(2)) ?? 0
            }
            return (tag.lowercased(), quality)
        }
        for (tag, _) in ranked.sorted(by: { $0.1 > $1.1 }) {
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            if let language = Language(rawValue: primary) { return language }
        }
        return nil
    }
}
