/// The worker-count bands of the Transparency Pledge ("Less than 1000", "1001 to 5000", "5001 to 10,000",
/// "More than 10,000"), which is also how brands' published lists group factories.
public enum WorkerCountBand: String, Sendable, CaseIterable {
    case under1000 = "under_1000"
    case from1001To5000 = "1001_5000"
    case from5001To10000 = "5001_10000"
    case over10000 = "over_10000"

    /// The band for an exact head count (1000 is in `under1000`, 10,000 in `from5001To10000`).
    public init(count: Int) {
        switch count {
        case ...1000: self = .under1000
        case 1001...5000: self = .from1001To5000
        case 5001...10000: self = .from5001To10000
        default: self = .over10000
        }
    }

    /// Reads what lists write: "350", "approx. 1,200 workers", "100-150", "1001 to 5000", "<1000",
    /// "Less than 1000", "under 1000", "10000+", ">10,000", "More than 10000", Bangla digits ("৩৫০"),
    /// or a band's own raw value ("1001_5000"). A range is placed by its midpoint. Nil when no number
    /// (or a negative one) can be read.
    public init?(parsing raw: String) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !text.isEmpty else { return nil }
        if let band = WorkerCountBand(rawValue: text) { self = band; return }
        let numbers = Self.numbers(in: text)
        guard let first = numbers.first else { return nil }
        if text.hasPrefix("-") { return nil }
        let below = ["<", "less than", "fewer than", "under", "below", "up to", "upto", "max", "≤"]
            .contains { text.contains($0) }
        let above = text.hasSuffix("+") || [">", "more than", "over", "above", "greater than", "at least", "≥", "+"]
            .contains { text.contains($0) }
        let value: Int
        if numbers.count >= 2 {
            value = (numbers[0] + numbers[1]) / 2
        } else if below {
            value = max(first - 1, 0)
        } else if above {
            value = first + 1
        } else {
            value = first
        }
        self.init(count: value)
    }

    /// Integers in reading order; "1,200" and "1.200" (thousands separators followed by exactly three
    /// digits) and "10 000" read as one number, any script's digits accepted.
    static func numbers(in text: String) -> [Int] {
        var result: [Int] = []
        var digits = ""
        let chars = Array(text)
        var i = 0
        func flush() {
            if let value = Int(digits) { result.append(value) }
            digits = ""
        }
        while i < chars.count {
            let c = chars[i]
            if let d = c.wholeNumberValue, c.isNumber, d >= 0, d <= 9 {
                digits.append(Character(String(d)))
            } else if !digits.isEmpty, c == "," || c == "." || c == " " || c == "\u{00A0}" || c == "'",
                      i + 3 < chars.count + 1,
                      (1...3).allSatisfy({ i + $0 < chars.count && chars[i + $0].wholeNumberValue != nil }),
                      i + 4 >= chars.count || chars[i + 4].wholeNumberValue == nil {
                // thousands separator: skip it, the next three digits continue the number
            } else {
                flush()
            }
            i += 1
        }
        flush()
        return result
    }
}
