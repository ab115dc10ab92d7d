import Foundation

/// The pseudonymous code shown instead of a worker's name: "W-00123".
public enum WorkerCode {
    public static func format(_ number: Int) -> String {
        let digits = String(number)
        return "W-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// The number in a code, accepting "W-00123", "w123" or "00123".
    public static func parse(_ text: String) -> Int? {
        var body = Substring(text.trimmingCharacters(in: .whitespaces).uppercased())
        if body.hasPrefix("W") { body = body.dropFirst() }
        if body.hasPrefix("-") { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy(\.isASCII), let number = Int(body), number > 0 else { return nil }
        return number
    }
}
