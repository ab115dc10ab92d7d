/// Open Supply Hub's facility identifier ("OS ID"), e.g. `BD2019067X1K87G`.
///
/// Format (from Open Supply Hub's `os_id.py`): two letters for the ISO country of first registration,
/// seven digits for the UTC year and zero-padded day of year of creation, five random Crockford base32
/// symbols, and one check symbol: `alphabet[(ord(c1) + ord(c2) + Σ index(c) for c in chars 3...14) mod 32]`.
/// People write IDs with spaces or hyphens ("IN 2019067 X1K87 G") and in lower case; both are accepted.
///
/// Note: the example in Open Supply Hub's own docstring, `IN 2019067 X1K87 E`, fails its checksum (the
/// check symbol for `IN2019067X1K87` is `G`); it only illustrates the shape.
public enum OpenSupplyHubID {
    /// Crockford base32 symbols; `I`, `L`, `O` and `U` are not used.
    static let alphabet: [Character] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// Canonical 15-character upper-case ID when valid (spaces and hyphens stripped, case folded), else nil.
    public static func normalise(_ raw: String) -> String? {
        let compact = compacted(raw)
        return problem(compact: compact) == nil ? compact : nil
    }

    /// Why an ID is invalid; nil when valid.
    public static func problem(_ raw: String) -> OpenSupplyHubIDProblem? {
        problem(compact: compacted(raw))
    }

    /// The check symbol for the first 14 characters of an ID (upper case), or nil when they are not
    /// 14 characters of the right shape.
    public static func checkCharacter(forFirst14 s: String) -> Character? {
        let chars = Array(s.uppercased())
        guard chars.count == 14, chars[0].isASCIILetter, chars[1].isASCIILetter,
              let first = chars[0].asciiValue, let second = chars[1].asciiValue else { return nil }
        var sum = Int(first) + Int(second)
        for c in chars[2..<14] {
            guard let index = alphabet.firstIndex(of: c) else { return nil }
            sum += index
        }
        return alphabet[sum % 32]
    }

    static func compacted(_ raw: String) -> String {
        String(raw.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "\u{2010}" && $0 != "\u{2011}" })
    }

    static func problem(compact: String) -> OpenSupplyHubIDProblem? {
        let chars = Array(compact)
        guard chars.count == 15 else { return .length }
        // [A-Z]{2}[0-9]{7}[base32]{6}
        guard chars[0].isASCIILetter, chars[1].isASCIILetter,
              chars[2..<9].allSatisfy({ $0.isASCII && $0.isNumber }),
              chars[9..<15].allSatisfy({ alphabet.contains($0) })
        else { return .format }
        guard checkCharacter(forFirst14: String(chars[0..<14])) == chars[14] else { return .checkCharacter }
        return nil
    }
}

/// Why a string is not a valid OS ID. The raw value is used as a localisation key suffix.
public enum OpenSupplyHubIDProblem: String, Sendable, CaseIterable {
    /// Not 15 characters once spaces and hyphens are removed.
    case length
    /// Wrong characters: two letters, seven digits, six Crockford base32 symbols expected.
    case format
    /// The last symbol does not match the checksum (a typo somewhere in the ID).
    case checkCharacter
}

fileprivate extension Character {
    var isASCIILetter: Bool { isASCII && isLetter }
}
