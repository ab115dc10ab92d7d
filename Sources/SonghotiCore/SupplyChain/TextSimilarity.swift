/// Precomputed comparison data for one name or address, and the similarity measures between them.
///
/// Names are compared as weighted token sets ("soft" matching: a token may meet a misspelled token,
/// "eypllion" ~ "epyllion", see `Similarity.token`). Weights make shared generic words ("garment",
/// "textile", country names) count less than the distinctive ones. Lists also write names spaced out
/// ("m e r c u r y appar e l") or glued ("sangwoo", "pallerotamamadalanonagama"), so each side is also
/// re-segmented using the other side's words and the best reading is kept.
struct TextProfile: Sendable {
    enum Kind: Sendable { case name, address }

    struct Token: Sendable {
        let bytes: [UInt8]
        let weight: Double
        let isNumber: Bool
    }

    let kind: Kind
    let normalised: String
    let tokens: [Token]
    /// Tokens joined without spaces.
    let compact: [UInt8]
    /// Distinct tokens of at least three characters (or numbers), longest first: the dictionary the other
    /// side is re-segmented with.
    let vocabulary: [[UInt8]]
    let distinguishing: Set<String>
    let numbers: Set<[UInt8]>

    var isEmpty: Bool { tokens.isEmpty }

    init(name raw: String) {
        self.init(kind: .name, tokens: FactoryNormaliser.nameTokens(raw))
    }

    init(address raw: String) {
        self.init(kind: .address, tokens: FactoryNormaliser.addressTokens(raw))
    }

    init(kind: Kind, tokens strings: [String]) {
        self.kind = kind
        normalised = strings.joined(separator: " ")
        var tokens: [Token] = []
        tokens.reserveCapacity(strings.count)
        for string in strings {
            let weight = Self.weight(of: string, kind: kind)
            if weight == 0 { continue }
            let bytes = Array(string.utf8)
            tokens.append(Token(bytes: bytes, weight: weight, isNumber: Self.isNumber(bytes)))
        }
        self.tokens = tokens
        compact = tokens.flatMap(\.bytes)
        var seen = Set<[UInt8]>()
        vocabulary = tokens.map(\.bytes)
            .filter { ($0.count >= 3 || Self.isNumber($0)) && seen.insert($0).inserted }
            .sorted { $0.count > $1.count }
        distinguishing = FactoryNormaliser.distinguishing(strings)
        numbers = Set(tokens.filter(\.isNumber).map(\.bytes))
    }

    static func isNumber(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first else { return false }
        return first >= 0x30 && first <= 0x39
    }

    static func weight(of token: String, kind: Kind) -> Double {
        if let first = token.utf8.first, first >= 0x30 && first <= 0x39 {
            return kind == .name ? 0.5 : 1.0
        }
        switch kind {
        case .name:
            if Vocabulary.stopWords.contains(token) { return 0.1 }
            if Vocabulary.genericNameWords.contains(token) || Countries.nameWords.contains(token) { return 0.3 }
            if token.utf8.count == 1 { return 0.5 }
            return 1.0
        case .address:
            // Country names add nothing inside one country's block; one side often omits them.
            if Countries.nameWords.contains(token) { return 0 }
            if Vocabulary.genericAddressWords.contains(token) || Vocabulary.stopWords.contains(token) { return 0.3 }
            if token.utf8.count == 1 { return 0.3 }
            return 1.0
        }
    }

    /// Tokens of `compact` read with `vocabulary`: greedy longest match left to right; letters that no word
    /// covers form words of their own (split at letter/digit boundaries).
    func resegmented(using vocabulary: [[UInt8]]) -> [Token] {
        var result: [Token] = []
        var unknown: [UInt8] = []
        func flushUnknown() {
            guard !unknown.isEmpty else { return }
            var start = 0
            for i in 1...unknown.count {
                let boundary = i == unknown.count
                    || Self.isDigitByte(unknown[i]) != Self.isDigitByte(unknown[i - 1])
                if boundary {
                    let piece = Array(unknown[start..<i])
                    let string = String(decoding: piece, as: UTF8.self)
                    // Legal forms hidden in spaced-out text ("pr i v ate", "sr l") are dropped here.
                    if kind == .name, Vocabulary.legalWords.contains(string) { start = i; continue }
                    result.append(Token(bytes: piece, weight: max(Self.weight(of: string, kind: kind), 0.3),
                                        isNumber: Self.isNumber(piece)))
                    start = i
                }
            }
            unknown.removeAll(keepingCapacity: true)
        }
        let text = compact
        var i = 0
        outer: while i < text.count {
            for word in vocabulary where word.count <= text.count - i {
                if text[i] == word[0] && Self.bytes(text, at: i, equal: word) {
                    // A number only matches whole: "1" must not eat the start of "12".
                    if Self.isNumber(word), i + word.count < text.count, Self.isDigitByte(text[i + word.count]) { continue }
                    flushUnknown()
                    let string = String(decoding: word, as: UTF8.self)
                    result.append(Token(bytes: word, weight: max(Self.weight(of: string, kind: kind), 0.1),
                                        isNumber: Self.isNumber(word)))
                    i += word.count
                    continue outer
                }
            }
            unknown.append(text[i])
            i += 1
        }
        flushUnknown()
        return result
    }

    static func isDigitByte(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    static func bytes(_ text: [UInt8], at start: Int, equal word: [UInt8]) -> Bool {
        for k in 0..<word.count where text[start + k] != word[k] { return false }
        return true
    }
}

enum Similarity {
    /// Token similarity: 1 for equal tokens; for words of five or more letters, 0.9 when one typo apart
    /// (a substitution, insertion, deletion or swap: "eypllion" ~ "epyllion", "wehzhou" ~ "wenzhou"),
    /// 0.8 when two apart and both have eight or more letters, or their Jaro–Winkler similarity when it is
    /// at least 0.92; 0 otherwise. Numbers only ever match exactly.
    static func token(_ a: TextProfile.Token, _ b: TextProfile.Token) -> Double {
        if a.bytes == b.bytes { return 1 }
        let shorter = min(a.bytes.count, b.bytes.count)
        if a.isNumber || b.isNumber || shorter < 4 { return 0 }
        var best = 0.0
        if shorter >= 5 {
            let limit = shorter >= 8 ? 2 : 1
            let distance = boundedEditDistance(a.bytes, b.bytes, limit: limit)
            if distance == 1 { best = 0.9 } else if distance == 2 && limit == 2 { best = 0.8 }
        }
        // Jaro–Winkler ≥ 0.92 needs Jaro ≥ 0.867, impossible when the shorter word is under 60% of the longer.
        if Double(shorter) >= 0.6 * Double(max(a.bytes.count, b.bytes.count)) {
            let jw = jaroWinkler(a.bytes, b.bytes)
            if jw >= 0.92 { best = max(best, jw) }
        }
        return best
    }

    /// Optimal-string-alignment distance (Levenshtein plus adjacent swaps), or `limit + 1` when larger.
    static func boundedEditDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        let n = a.count, m = b.count
        if n == 0 || m == 0 { return min(max(n, m), limit + 1) }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (m + 1)) { buffer in
            var previous2 = UnsafeMutableBufferPointer(rebasing: buffer[0...m])
            var previous = UnsafeMutableBufferPointer(rebasing: buffer[(m + 1)...(2 * m + 1)])
            var current = UnsafeMutableBufferPointer(rebasing: buffer[(2 * m + 2)...(3 * m + 2)])
            for j in 0...m { previous[j] = j; previous2[j] = 0 }
            for i in 1...n {
                current[0] = i
                var rowMinimum = i
                for j in 1...m {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                        value = min(value, previous2[j - 2] + 1)
                    }
                    current[j] = value
                    rowMinimum = min(rowMinimum, value)
                }
                if rowMinimum > limit { return limit + 1 }
                (previous2, previous, current) = (previous, current, previous2)
            }
            return min(previous[m], limit + 1)
        }
    }

    /// Share of each side's weight that finds a partner on the other side (every token pair compared once).
    static func coverages(_ a: [TextProfile.Token], _ b: [TextProfile.Token]) -> (a: Double, b: Double) {
        guard !a.isEmpty, !b.isEmpty else { return (0, 0) }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: b.count) { bestB in
            bestB.initialize(repeating: 0)
            var totalA = 0.0, matchedA = 0.0
            for x in a {
                totalA += x.weight
                var best = 0.0
                for (j, y) in b.enumerated() {
                    let s = token(x, y)
                    if s > best { best = s }
                    if s > bestB[j] { bestB[j] = s }
                }
                matchedA += x.weight * best
            }
            var totalB = 0.0, matchedB = 0.0
            for (j, y) in b.enumerated() {
                totalB += y.weight
                matchedB += y.weight * bestB[j]
            }
            return (totalA > 0 ? matchedA / totalA : 0, totalB > 0 ? matchedB / totalB : 0)
        }
    }

    /// Symmetric soft token overlap: matched weight on both sides over all weight.
    static func softOverlap(_ a: [TextProfile.Token], _ b: [TextProfile.Token]) -> Double {
        let wa = a.reduce(0) { $0 + $1.weight }
        let wb = b.reduce(0) { $0 + $1.weight }
        guard wa + wb > 0 else { return 0 }
        let (ca, cb) = coverages(a, b)
        return (ca * wa + cb * wb) / (wa + wb)
    }

    /// Name similarity in 0...1. `places` are words found in both addresses (a town, a province): in a
    /// name they say where the factory is, not which one it is ("Fujian Jinjiang Huamei …" and "Fujian
    /// Jinjiang Dali …"), so they weigh half.
    static func name(_ a: TextProfile, _ b: TextProfile, places: Set<[UInt8]> = []) -> Double {
        if a.isEmpty || b.isEmpty { return 0 }
        if a.normalised == b.normalised { return 1 }
        if a.compact == b.compact { return 0.98 }   // only spacing differs
        func local(_ tokens: [TextProfile.Token]) -> [TextProfile.Token] {
            guard !places.isEmpty else { return tokens }
            return tokens.map { places.contains($0.bytes) && $0.weight > 0.5
                ? TextProfile.Token(bytes: $0.bytes, weight: 0.5, isNumber: $0.isNumber) : $0 }
        }
        let ta = local(a.tokens), tb = local(b.tokens)
        var best = softOverlap(ta, tb)
        if best < 0.97 {
            if !allPresent(a.tokens, in: b.tokens) {
                best = max(best, softOverlap(local(a.resegmented(using: b.vocabulary)), tb))
            }
            if !allPresent(b.tokens, in: a.tokens) {
                best = max(best, softOverlap(ta, local(b.resegmented(using: a.vocabulary))))
            }
        }
        return best
    }

    /// Whether every token of `a` occurs verbatim in `b` (then re-segmenting `a` cannot help).
    static func allPresent(_ a: [TextProfile.Token], in b: [TextProfile.Token]) -> Bool {
        a.allSatisfy { x in b.contains { $0.bytes == x.bytes } }
    }

    /// Distinctive words (not generic, not numbers) that two addresses share.
    static func sharedPlaces(_ a: TextProfile, _ b: [TextProfile]) -> Set<[UInt8]> {
        guard !a.isEmpty, !b.isEmpty else { return [] }
        let mine = Set(a.tokens.lazy.filter { $0.weight >= 1 && !$0.isNumber && $0.bytes.count >= 3 }.map(\.bytes))
        guard !mine.isEmpty else { return [] }
        var shared = Set<[UInt8]>()
        for other in b {
            for token in other.tokens where mine.contains(token.bytes) { shared.insert(token.bytes) }
        }
        return shared
    }

    /// Address similarity in 0...1. One side often lacks the city, postcode or country, so the better
    /// covered side counts more than the worse; when both have numbers and share none, the score drops.
    static func address(_ a: TextProfile, _ b: TextProfile) -> Double {
        if a.isEmpty || b.isEmpty { return 0 }
        if a.normalised == b.normalised || a.compact == b.compact { return 1 }
        func combined(_ x: [TextProfile.Token], _ y: [TextProfile.Token]) -> Double {
            let (c1, c2) = coverages(x, y)
            return 0.6 * max(c1, c2) + 0.4 * min(c1, c2)
        }
        var best = combined(a.tokens, b.tokens)
        if best < 0.97 {
            if !allPresent(a.tokens, in: b.tokens) {
                best = max(best, combined(a.resegmented(using: b.vocabulary), b.tokens))
            }
            if !allPresent(b.tokens, in: a.tokens) {
                best = max(best, combined(a.tokens, b.resegmented(using: a.vocabulary)))
            }
        }
        if !a.numbers.isEmpty, !b.numbers.isEmpty, a.numbers.isDisjoint(with: b.numbers) {
            best *= 0.8
        }
        return best
    }

    /// Jaro–Winkler similarity of two byte strings (prefix scale 0.1, prefix up to 4). Words longer than
    /// 64 bytes compare as unequal (0): no factory-name word is that long.
    static func jaroWinkler(_ a: [UInt8], _ b: [UInt8]) -> Double {
        let la = a.count, lb = b.count
        if la == 0 || lb == 0 || la > 64 || lb > 64 { return 0 }
        let window = max(0, max(la, lb) / 2 - 1)
        var aMatched: UInt64 = 0, bMatched: UInt64 = 0
        var matches = 0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 0..<la {
                    let lo = max(0, i - window), hi = min(lb - 1, i + window)
                    if lo > hi { continue }
                    for j in lo...hi where bMatched & (1 << UInt64(j)) == 0 && a[i] == b[j] {
                        aMatched |= 1 << UInt64(i)
                        bMatched |= 1 << UInt64(j)
                        matches += 1
                        break
                    }
                }
            }
        }
        if matches == 0 { return 0 }
        var transpositions = 0
        var k = 0
        for i in 0..<la where aMatched & (1 << UInt64(i)) != 0 {
            while bMatched & (1 << UInt64(k)) == 0 { k += 1 }
            if a[i] != b[k] { transpositions += 1 }
            k += 1
        }
        let m = Double(matches)
        let jaro = (m / Double(la) + m / Double(lb) + (m - Double(transpositions) / 2) / m) / 3
        var prefix = 0
        while prefix < min(4, la, lb) && a[prefix] == b[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }
}
