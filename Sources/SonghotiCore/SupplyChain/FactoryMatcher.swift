import Foundation

/// A factory already known, as the matcher sees it. `names` and `addresses` include aliases (other
/// spellings confirmed earlier); the first of each is the main one.
public struct MatchCandidateRecord: Sendable {
    public let id: String
    /// ISO 3166-1 alpha-2, upper case.
    public let countryCode: String
    public let names: [String]
    public let addresses: [String]
    public let osID: String?

    public init(id: String, countryCode: String, names: [String], addresses: [String], osID: String?) {
        self.id = id
        self.countryCode = countryCode
        self.names = names
        self.addresses = addresses
        self.osID = osID
    }
}

/// Open Supply Hub's two thresholds: at or above `automatic` a row joins an existing factory without
/// asking; between `review` and `automatic` a person confirms or rejects; below `review` it is a new factory.
public struct MatchThresholds: Sendable, Equatable {
    public var automatic: Double
    public var review: Double

    public init(automatic: Double, review: Double) {
        self.automatic = automatic
        self.review = review
    }

    /// Tuned on Open Supply Hub's labelled pairs (precision 1.0 at `automatic` there).
    public static let standard = MatchThresholds(automatic: 0.8, review: 0.55)
}

/// Why a candidate scored as it did, or why a row got its outcome. Stable codes; the raw value is shown
/// through localisation.
public enum MatchReason: String, Sendable, CaseIterable {
    /// The row's valid OS ID is the factory's OS ID.
    case sameOSID = "same_os_id"
    /// Name and address are identical once normalised.
    case exactNameAndAddress = "exact_name_and_address"
    /// Name and address both agree strongly (score at or above the automatic threshold).
    case strongNameAndAddress = "strong_name_and_address"
    /// Similar, but not enough to decide without a person.
    case similarName = "similar_name"
    /// Names differ in a unit, branch or line number or an ordinal ("unit 2" / "unit 6", "second branch"):
    /// never matched automatically.
    case distinguishingTokensDiffer = "distinguishing_tokens_differ"
    /// Both sides carry valid OS IDs and they differ: Open Supply Hub considers them two facilities (or has
    /// a duplicate), so a person decides.
    case differentOSID = "different_os_id"
    /// Several factories score above the automatic threshold and none leads clearly.
    case ambiguous = "ambiguous"
    /// Nothing scored at or above the review threshold.
    case noCandidate = "no_candidate"
}

public struct ScoredCandidate: Sendable {
    public let id: String
    public let score: Double
    public let nameScore: Double
    public let addressScore: Double
    public let reason: MatchReason

    public init(id: String, score: Double, nameScore: Double, addressScore: Double, reason: MatchReason) {
        self.id = id
        self.score = score
        self.nameScore = nameScore
        self.addressScore = addressScore
        self.reason = reason
    }
}

public struct MatchResult: Sendable {
    public enum Outcome: String, Sendable {
        case matched, review, new
    }

    public let outcome: Outcome
    /// Best first, at most five, only those at or above the review threshold; for `new`, the best
    /// candidate below it (if any) so the decision can be explained.
    public let candidates: [ScoredCandidate]
    public let reason: MatchReason
}

/// Finds which known factory a supplier-list row refers to.
///
/// Blocking is by country (exact ISO code); a valid OS ID equal to a record's OS ID matches across
/// countries. Inside a country an inverted index of name words, name trigrams and rare address words
/// proposes a few dozen candidates, and only those are scored (`score(nameA:addressA:nameB:addressB:)`),
/// so matching stays fast on a registry of 100,000 factories. Decisions follow Open Supply Hub's two
/// thresholds, with two guards: names whose numbers, ordinals or branch words differ are never matched
/// automatically, and when two or more factories clear the automatic threshold without a clear leader
/// the row goes to review.
public struct FactoryMatcher: Sendable {
    public var thresholds: MatchThresholds

    /// How many index-ranked candidates are scored in full per row.
    static let candidatesScored = 24
    /// The best automatic candidate must lead the second by this much, or the row goes to review.
    static let clearLead = 0.05

    struct IndexedRecord: Sendable {
        let id: String
        let countryCode: String
        let osID: String?
        let names: [TextProfile]
        let addresses: [TextProfile]
    }

    struct CountryBlock: Sendable {
        var members: [Int32] = []
        var postings: [UInt64: [Int32]] = [:]
    }

    var records: [IndexedRecord] = []
    var blocks: [String: CountryBlock] = [:]
    var byOSID: [String: Int32] = [:]
    var byExactName: [String: [Int32]] = [:]

    public init(records: [MatchCandidateRecord], thresholds: MatchThresholds = .standard) {
        self.thresholds = thresholds
        self.records.reserveCapacity(records.count)
        for record in records { add(record) }
    }

    /// The number of factories indexed.
    public var count: Int { records.count }

    /// Adds a factory, e.g. one created earlier in the same import, so a later duplicate row matches it.
    public mutating func add(_ record: MatchCandidateRecord) {
        let country = record.countryCode.uppercased()
        let indexed = IndexedRecord(
            id: record.id, countryCode: country, osID: record.osID.flatMap(OpenSupplyHubID.normalise),
            names: record.names.map(TextProfile.init(name:)).filter { !$0.isEmpty },
            addresses: record.addresses.map(TextProfile.init(address:)).filter { !$0.isEmpty })
        let position = Int32(records.count)
        records.append(indexed)
        if let osID = indexed.osID, byOSID[osID] == nil { byOSID[osID] = position }
        for name in indexed.names {
            byExactName[country + "\u{1F}" + name.normalised, default: []].append(position)
        }
        let features = Self.features(names: indexed.names, addresses: indexed.addresses)
        var block = blocks.removeValue(forKey: country) ?? CountryBlock()
        let local = Int32(block.members.count)
        block.members.append(position)
        for feature in features.keys {
            block.postings[feature, default: []].append(local)
        }
        blocks[country] = block
    }

    /// Matches one row against the known factories of its country.
    public func match(name: String, address: String, countryCode: String, osID: String?) -> MatchResult {
        let queryName = TextProfile(name: name)
        let queryAddress = TextProfile(address: address)
        let country = countryCode.uppercased()
        let queryOSID = osID.flatMap(OpenSupplyHubID.normalise)

        if let queryOSID, let position = byOSID[queryOSID] {
            let record = records[Int(position)]
            let pair = Self.score(name: queryName, address: queryAddress, names: record.names,
                                  addresses: record.addresses, thresholds: thresholds)
            let candidate = ScoredCandidate(id: record.id, score: 1, nameScore: pair.name,
                                            addressScore: pair.address, reason: .sameOSID)
            return MatchResult(outcome: .matched, candidates: [candidate], reason: .sameOSID)
        }

        var scored: [ScoredCandidate] = []
        for position in candidatePositions(name: queryName, address: queryAddress, country: country) {
            let record = records[Int(position)]
            var pair = Self.score(name: queryName, address: queryAddress, names: record.names,
                                  addresses: record.addresses, thresholds: thresholds)
            if let queryOSID, let recordOSID = record.osID, queryOSID != recordOSID,
               pair.score >= thresholds.review {
                pair.score = min(pair.score, Self.belowAutomatic(thresholds))
                pair.reason = .differentOSID
            }
            scored.append(ScoredCandidate(id: record.id, score: pair.score, nameScore: pair.name,
                                          addressScore: pair.address, reason: pair.reason))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return Self.decide(scored, thresholds: thresholds)
    }

    /// Pairwise score with no index, as `match` computes it (for evaluation and the side-by-side review
    /// page). The reason uses the standard thresholds.
    public static func score(nameA: String, addressA: String, nameB: String, addressB: String)
        -> (score: Double, nameScore: Double, addressScore: Double, reason: MatchReason)
    {
        let b = [TextProfile(address: addressB)].filter { !$0.isEmpty }
        let pair = score(name: TextProfile(name: nameA), address: TextProfile(address: addressA),
                         names: [TextProfile(name: nameB)], addresses: b, thresholds: .standard)
        return (pair.score, pair.name, pair.address, pair.reason)
    }

    // MARK: - Scoring

    struct PairScore {
        var score: Double
        var name: Double
        var address: Double
        var reason: MatchReason
    }

    static func belowAutomatic(_ thresholds: MatchThresholds) -> Double {
        max(thresholds.review, thresholds.automatic - 0.001)
    }

    /// Combined score from name and address similarity. The name leads: a shared address alone (one
    /// industrial building houses many firms) cannot lift a weak name far, and without an address on
    /// both sides even an identical name stays below the automatic threshold.
    static func combine(name: Double, address: Double, hasAddresses: Bool) -> Double {
        guard hasAddresses else { return name * 0.75 }
        let base = 0.6 * name + 0.4 * address
        return min(base, name + 0.15)
    }

    static func score(name: TextProfile, address: TextProfile, names: [TextProfile], addresses: [TextProfile],
                      thresholds: MatchThresholds) -> PairScore
    {
        guard !name.isEmpty, !names.isEmpty else { return PairScore(score: 0, name: 0, address: 0, reason: .similarName) }
        // Best name alias; on a tie prefer one whose distinguishing tokens agree.
        var bestName = -1.0
        var bestAgrees = false
        var exactName = false
        let places = address.isEmpty ? [] : Similarity.sharedPlaces(address, addresses)
        for alias in names {
            let s = Similarity.name(name, alias, places: places)
            let agrees = alias.distinguishing == name.distinguishing
            if s > bestName || (s == bestName && agrees && !bestAgrees) {
                bestName = s
                bestAgrees = agrees
            }
            if alias.normalised == name.normalised { exactName = true }
        }
        var bestAddress = 0.0
        var exactAddress = false
        if !address.isEmpty {
            for alias in addresses {
                bestAddress = max(bestAddress, Similarity.address(address, alias))
                if alias.normalised == address.normalised { exactAddress = true }
            }
        }
        if exactName && exactAddress {
            return PairScore(score: 1, name: 1, address: 1, reason: .exactNameAndAddress)
        }
        var score = combine(name: bestName, address: bestAddress, hasAddresses: !address.isEmpty && !addresses.isEmpty)
        var reason: MatchReason = score >= thresholds.automatic ? .strongNameAndAddress : .similarName
        if !bestAgrees, score >= thresholds.review {
            score = min(score, belowAutomatic(thresholds))
            reason = .distinguishingTokensDiffer
        }
        return PairScore(score: score, name: bestName, address: bestAddress, reason: reason)
    }

    static func decide(_ scored: [ScoredCandidate], thresholds: MatchThresholds) -> MatchResult {
        let eligible = scored.filter { $0.score >= thresholds.review }
        guard let best = eligible.first else {
            return MatchResult(outcome: .new, candidates: scored.first.map { [$0] } ?? [], reason: .noCandidate)
        }
        let top = Array(eligible.prefix(5))
        if best.score >= thresholds.automatic {
            if eligible.count >= 2, eligible[1].score >= thresholds.automatic,
               best.score - eligible[1].score < clearLead {
                return MatchResult(outcome: .review, candidates: top, reason: .ambiguous)
            }
            return MatchResult(outcome: .matched, candidates: top, reason: best.reason)
        }
        return MatchResult(outcome: .review, candidates: top, reason: best.reason)
    }

    // MARK: - Candidate generation

    enum FeatureKind: UInt8 { case nameWord = 1, nameTrigram = 2, addressWord = 3 }

    static func featureKey(_ kind: FeatureKind, _ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(kind.rawValue)
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Index features with their kind: name words (not function words), trigrams of the joined name (which
    /// survive spacing and gluing), and distinctive address words and numbers.
    static func features(names: [TextProfile], addresses: [TextProfile]) -> [UInt64: FeatureKind] {
        var result: [UInt64: FeatureKind] = [:]
        for name in names {
            for token in name.tokens where token.weight >= 0.3 {
                result[featureKey(.nameWord, token.bytes)] = .nameWord
            }
            let text = name.compact
            if text.count >= 3 {
                for i in 0...(text.count - 3) {
                    result[featureKey(.nameTrigram, text[i..<(i + 3)])] = .nameTrigram
                }
            } else if !text.isEmpty {
                result[featureKey(.nameTrigram, text)] = .nameTrigram
            }
        }
        for address in addresses {
            for token in address.tokens where token.weight >= 1 && (token.bytes.count >= 3 || token.isNumber) {
                result[featureKey(.addressWord, token.bytes)] = .addressWord
            }
        }
        return result
    }

    func candidatePositions(name: TextProfile, address: TextProfile, country: String) -> [Int32] {
        guard let block = blocks[country], !block.members.isEmpty else { return [] }
        let total = block.members.count
        // Features that most of a country's factories share ("gar", "ment") rank nothing: skip them.
        let maxPostings = max(64, total / 16)
        var accumulator = [Float](repeating: 0, count: total)
        var touched: [Int32] = []
        for (key, kind) in Self.features(names: [name], addresses: address.isEmpty ? [] : [address]) {
            guard let posting = block.postings[key], posting.count <= maxPostings else { continue }
            let idf = Float(log(1 + Double(total) / Double(posting.count)))
            let weight: Float = switch kind {
            case .nameWord: 1.0
            case .nameTrigram: 0.35
            case .addressWord: 0.25
            }
            for local in posting {
                if accumulator[Int(local)] == 0 { touched.append(local) }
                accumulator[Int(local)] += weight * idf
            }
        }
        var chosen: [Int32]
        if touched.count > Self.candidatesScored {
            chosen = Array(touched.sorted { accumulator[Int($0)] > accumulator[Int($1)] }.prefix(Self.candidatesScored))
        } else {
            chosen = touched
        }
        var positions = chosen.map { block.members[Int($0)] }
        // Every factory with the very same normalised name is scored, however common its words.
        if let exact = byExactName[country + "\u{1F}" + name.normalised] {
            for position in exact where !positions.contains(position) { positions.append(position) }
        }
        return positions
    }
}
