/// What someone typed into the case search box, split into words the way the SQLite FTS5 tokenizer
/// (`unicode61 categories 'L* N* Co M*'`) splits them: letters, digits, private-use characters and
/// combining marks belong to a word, so Bangla vowel signs and virama stay inside it; everything else
/// separates words. Each word matches as a prefix ("মজু" finds "মজুরি", "wag" finds "wages").
public struct SearchTerms: Equatable, Sendable {
    public let words: [String]

    /// At most this many words are used; the rest of a pasted paragraph is ignored.
    public static let maximumWords = 8
    /// Longer "words" are cut (no real word is this long; it bounds the work a query can cause).
    public static let maximumWordLength = 40

    public init(_ text: String) {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty {
                let word = String(String(current).lowercased().prefix(Self.maximumWordLength))
                if !words.contains(word) { words.append(word) }
                current = String.UnicodeScalarView()
            }
        }
        for scalar in text.unicodeScalars {
            if Self.isWordScalar(scalar) { current.append(scalar) } else { flush() }
        }
        flush()
        self.words = Array(words.prefix(Self.maximumWords))
    }

    public var isEmpty: Bool { words.isEmpty }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .privateUse,
             .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// An FTS5 MATCH expression: every word, quoted (so no word is read as an operator), as a prefix, all required.
    public var fts5Query: String {
        words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*" }.joined(separator: " ")
    }

    /// A PostgreSQL `to_tsquery('simple', …)` expression with the same meaning.
    public var tsQuery: String {
        words.map { "'" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "':*" }
            .joined(separator: " & ")
    }

    /// A short excerpt of `text` around the first word found in it (or its start), for result lists.
    public func excerpt(of text: String, radius: Int = 80) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        let lower = flat.lowercased()
        var start = lower.startIndex
        for word in words {
            if let range = lower.range(of: word) { start = range.lowerBound; break }
        }
        let offset = lower.distance(from: lower.startIndex, to: start)
        let characters = Array(flat)
        var from = max(0, offset - radius / 2)
        // Start at a word, not inside one.
        if from > 0, let space = characters[from..<offset].firstIndex(where: \.isWhitespace) { from = space + 1 }
        guard from < characters.count else { return "" }
        let to = min(characters.count, from + radius * 2)
        var excerpt = String(characters[from..<to])
        if from > 0 { excerpt = "…" + excerpt }
        if to < characters.count { excerpt += "…" }
        return excerpt
    }
}
