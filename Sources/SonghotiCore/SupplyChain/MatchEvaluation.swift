import Foundation

/// Precision, recall and F1 of the matcher on labelled record pairs, at a threshold.
public struct MatchEvaluation: Sendable, Equatable {
    public struct Pair: Sendable {
        public let isMatch: Bool
        public let nameA: String, addressA: String, countryA: String
        public let nameB: String, addressB: String, countryB: String
        public init(isMatch: Bool, nameA: String, addressA: String, countryA: String, nameB: String, addressB: String, countryB: String) {
            self.isMatch = isMatch
            (self.nameA, self.addressA, self.countryA) = (nameA, addressA, countryA)
            (self.nameB, self.addressB, self.countryB) = (nameB, addressB, countryB)
        }
    }

    public let truePositives: Int
    public let falsePositives: Int
    public let falseNegatives: Int
    public var precision: Double { truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives) }
    public var recall: Double { truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives) }
    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }

    /// Whether the matcher would put the pair together at `threshold`: same country (blocking), score at or above it,
    /// and, for the automatic threshold, not capped by a guard (unit numbers, branches, different OS IDs).
    public static func predicts(_ pair: Pair, threshold: Double, automatic: Bool) -> Bool {
        guard pair.countryA.lowercased() == pair.countryB.lowercased() else { return false }
        let scored = FactoryMatcher.score(nameA: pair.nameA, addressA: pair.addressA, nameB: pair.nameB, addressB: pair.addressB)
        if automatic, [.distinguishingTokensDiffer, .differentOSID].contains(scored.reason) { return false }
        return scored.score >= threshold
    }

    public init(_ pairs: [Pair], threshold: Double, automatic: Bool) {
        var tp = 0, fp = 0, fn = 0
        for pair in pairs {
            let predicted = Self.predicts(pair, threshold: threshold, automatic: automatic)
            if predicted && pair.isMatch { tp += 1 } else if predicted { fp += 1 } else if pair.isMatch { fn += 1 }
        }
        (truePositives, falsePositives, falseNegatives) = (tp, fp, fn)
    }
}
