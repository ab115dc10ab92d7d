/// Comparison forms of factory names and addresses.
///
/// These strings are for matching and for exact-match indexes, never for display: they are ASCII,
/// lower case and stripped of legal forms. The same functions feed `FactoryMatcher`, so a name that
/// normalises identically on both sides always scores as an exact name match.
public enum FactoryNormaliser {
    /// Comparison form of a factory name: transliterated to ASCII (Latin diacritics folded, Bengali
    /// transliterated phonetically, other scripts through ICU), lower-cased, punctuation removed, dotted
    /// abbreviations joined ("S.A." → "sa"), "&" → "and", legal forms dropped wherever they stand (ltd,
    /// limited, pvt, private, co, company, corp, inc, llc, plc, sa, sac, sas, sarl, gmbh, srl, bhd, sdn, jsc,
    /// jv, pte, pty, spa, doo, "sa de cv", Turkish "san. ve tic. ltd. şti." …), British spellings folded to
    /// American ("colour" → "color"), letters and digits that are glued apart ("unit14" → "unit 14"),
    /// whitespace collapsed. Unit, floor, branch and line numbers and ordinal words ("unit 2", "second
    /// branch", "#1" → "1") are kept: they tell factories apart. A name made only of legal words keeps them.
    public static func normalisedName(_ name: String) -> String {
        nameTokens(name).joined(separator: " ")
    }

    /// Comparison form of an address: transliterated, lower-cased, punctuation removed, common
    /// abbreviations expanded ("rd" → "road", "mah" → "mahallesi"), "no"/"#" markers dropped so "plot # 4"
    /// meets "plot no 4", glued numbers split ("12cortes" → "12 cortes"), whitespace collapsed.
    public static func normalisedAddress(_ address: String) -> String {
        addressTokens(address).joined(separator: " ")
    }

    /// Tokens that tell two otherwise similar factories apart, compared as sets: every number (leading
    /// zeros dropped; "2a" kept whole), ordinals in any spelling as their number ("second", "2nd", "ii" →
    /// "2"; single-letter "i", "v" and "x" are not read as Roman numerals because spaced-out names are
    /// full of them), number words after a unit word ("unit two" → "2"), and "branch" for branch words
    /// (branch, şube/şubesi). Pass a normalised name or address.
    public static func distinguishingTokens(_ normalisedText: String) -> Set<String> {
        distinguishing(normalisedText.split(separator: " ").map(String.init))
    }

    // MARK: - Internals shared with the matcher

    static func nameTokens(_ raw: String) -> [String] {
        let base = baseTokens(raw).map { Vocabulary.spellingVariants[$0] ?? $0 }
        let withoutLegal = removingLegalForms(base)
        return withoutLegal.isEmpty ? base : withoutLegal
    }

    static func addressTokens(_ raw: String) -> [String] {
        baseTokens(raw).compactMap { token -> String? in
            if Vocabulary.addressNumberMarkers.contains(token) { return nil }
            return Vocabulary.addressAbbreviations[token] ?? Vocabulary.spellingVariants[token] ?? token
        }
    }

    static func distinguishing(_ tokens: [String]) -> Set<String> {
        var result = Set<String>()
        for (index, token) in tokens.enumerated() {
            guard let first = token.utf8.first else { continue }
            if first >= 0x30 && first <= 0x39 {
                let digits = String(token.prefix { $0.isASCII && $0.isNumber })
                let rest = token.dropFirst(digits.count)
                let number = strippingLeadingZeros(digits)
                if rest.isEmpty || Vocabulary.ordinalSuffixes.contains(String(rest)) {
                    result.insert(number)
                } else {
                    result.insert(number + rest)
                }
            } else if let number = Vocabulary.ordinalWords[token] ?? Vocabulary.romanNumerals[token] {
                result.insert(number)
            } else if let number = Vocabulary.cardinalWords[token], index > 0,
                      Vocabulary.unitWords.contains(tokens[index - 1]) {
                result.insert(number)
            } else if Vocabulary.branchWords.contains(token) {
                result.insert("branch")
            }
        }
        return result
    }

    static func strippingLeadingZeros(_ digits: String) -> String {
        let stripped = digits.drop { $0 == "0" }
        return stripped.isEmpty ? (digits.isEmpty ? "" : "0") : String(stripped)
    }

    /// Removes legal-form phrases ("sa de cv", "san ve tic") and words ("ltd", "gmbh") anywhere. In a
    /// spaced-out name ("d sl lanka ( pr i v ate )", two or more one-letter words) two-letter legal words
    /// are kept: there they are more likely fragments of real words.
    static func removingLegalForms(_ tokens: [String]) -> [String] {
        let spacedOut = tokens.count { $0.utf8.count == 1 && !isDigit($0.unicodeScalars.first!) } >= 2
        var out: [String] = []
        out.reserveCapacity(tokens.count)
        var i = 0
        outer: while i < tokens.count {
            for phrase in Vocabulary.legalPhrases where phrase.count <= tokens.count - i {
                if spacedOut, phrase.contains(where: { $0.utf8.count == 1 }) { continue }
                if zip(phrase, tokens[i...]).allSatisfy({ $0 == $1 }) {
                    // "a s" / "s a" only as the last words (Turkish "A. Ş.", Latin "S. A."): elsewhere they
                    // are too likely to be letters of a spaced-out name.
                    if phrase.count == 2, phrase[0].count == 1, i + 2 != tokens.count { continue }
                    i += phrase.count
                    continue outer
                }
            }
            let isLegal = Vocabulary.legalWords.contains(tokens[i]) && !(spacedOut && tokens[i].utf8.count <= 2)
            if !isLegal { out.append(tokens[i]) }
            i += 1
        }
        return out
    }

    /// Transliterate, lower-case, join dotted abbreviations, "&" → "and", drop apostrophes, split on
    /// everything that is not a letter or digit, split glued letters/digits, drop leading zeros of numbers.
    static func baseTokens(_ raw: String) -> [String] {
        let ascii = Transliteration.toASCII(raw)
        var scalars = Array(ascii.lowercased().unicodeScalars)
        joinDottedAbbreviations(&scalars)
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty { appendSplitting(String(current), to: &tokens) }
            current = String.UnicodeScalarView()
        }
        for scalar in scalars {
            if scalar == "'" || scalar == "`" || scalar == "\u{2019}" || scalar == "\u{2018}" {
                continue   // "hui'an" → "huian", "int'l" → "intl"
            } else if scalar == "&" || scalar == "+" && !current.isEmpty && !isDigit(current.last!) {
                flush()
                tokens.append("and")
            } else if isWordScalar(scalar) {
                current.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }

    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return (s.value >= 0x61 && s.value <= 0x7A) || isDigit(s) || (s.value >= 0x41 && s.value <= 0x5A) }
        let properties = s.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return properties.isAlphabetic || properties.numericType != nil
        }
    }

    /// "s.a." → "sa", "d.o.o" → "doo", "c.v." → "cv", "d.0.0." → "doo" (a common misspelling): runs of
    /// single letters each followed by a dot. The dots are removed so the letters form one word.
    static func joinDottedAbbreviations(_ scalars: inout [Unicode.Scalar]) {
        func isLetter(_ s: Unicode.Scalar) -> Bool { s.value >= 0x61 && s.value <= 0x7A }
        var i = 0
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        while i < scalars.count {
            let startsWord = i == 0 || !isWordScalar(scalars[i - 1])
            if startsWord, isLetter(scalars[i]), i + 2 < scalars.count, scalars[i + 1] == ".",
               isLetter(scalars[i + 2]) || scalars[i + 2] == "0" {
                // Collect letter-dot pairs while the letter stands alone.
                var letters: [Unicode.Scalar] = [scalars[i]]
                var j = i + 2
                while j < scalars.count, isLetter(scalars[j]) || scalars[j] == "0",
                      j + 1 == scalars.count || !isWordScalar(scalars[j + 1]) {
                    letters.append(scalars[j] == "0" ? "o" : scalars[j])
                    if j + 1 < scalars.count, scalars[j + 1] == "." { j += 2 } else { j += 1; break }
                }
                if letters.count >= 2 {
                    out.append(contentsOf: letters)
                    out.append(" ")
                    i = j
                    continue
                }
            }
            out.append(scalars[i])
            i += 1
        }
        scalars = out
    }

    /// Splits "unit14" → "unit 14", "12cortes" → "12 cortes", "11km" → "11 km", keeps "2nd", "2a", "33o";
    /// drops leading zeros of pure numbers ("06" → "6").
    static func appendSplitting(_ token: String, to tokens: inout [String]) {
        let bytes = Array(token.utf8)
        guard bytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { tokens.append(token); return }
        // Runs of digits and of non-digits.
        var runs: [(isDigits: Bool, text: [UInt8])] = []
        for byte in bytes {
            let digit = byte >= 0x30 && byte <= 0x39
            if let last = runs.last, last.isDigits == digit {
                runs[runs.count - 1].text.append(byte)
            } else {
                runs.append((digit, [byte]))
            }
        }
        var i = 0
        while i < runs.count {
            let run = runs[i]
            if run.isDigits {
                let number = strippingLeadingZeros(String(decoding: run.text, as: UTF8.self))
                // A digit run keeps a following one-letter suffix ("2a") or ordinal suffix ("2nd").
                if i + 1 < runs.count {
                    let suffix = String(decoding: runs[i + 1].text, as: UTF8.self)
                    if suffix.count == 1 || Vocabulary.ordinalSuffixes.contains(suffix) {
                        tokens.append(number + suffix)
                        i += 2
                        continue
                    }
                }
                tokens.append(number)
            } else {
                tokens.append(String(decoding: run.text, as: UTF8.self))
            }
            i += 1
        }
    }
}
