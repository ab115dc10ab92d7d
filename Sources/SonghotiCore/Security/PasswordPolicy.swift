import Foundation

public enum PasswordProblem: Equatable, Sendable {
    case tooShort(minimum: Int)
    case tooLong(maximumBytes: Int)
    case common
    case containsAccountName
    case repetitive
}

/// Length first, then refusal of passwords attackers try first. No composition rules ("one digit,
/// one symbol"): they push people to "Password1!", which the common-password check catches anyway.
public struct PasswordPolicy: Sendable {
    /// Counted in Characters, so a Bangla conjunct counts once, as the person sees it.
    public static let minimumLength = 12
    /// bcrypt's limit in UTF-8 bytes; longer is refused, not silently truncated.
    public static let maximumBytes = 72

    private let commonPasswords: Set<String>

    /// Entries are compared case-insensitively.
    public init(commonPasswords: Set<String>) {
        self.commonPasswords = Set(commonPasswords.map { $0.lowercased() })
    }

    /// One password per line; lines starting with "#" and blank lines are ignored.
    public static func parseList(_ text: String) -> Set<String> {
        var result = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) {
            let entry = line.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            result.insert(entry.lowercased())
        }
        return result
    }

    /// Empty means acceptable.
    public func problems(in password: String, accountName: String?) -> [PasswordProblem] {
        var problems: [PasswordProblem] = []
        if password.count < Self.minimumLength {
            problems.append(.tooShort(minimum: Self.minimumLength))
        }
        if password.utf8.count > Self.maximumBytes {
            problems.append(.tooLong(maximumBytes: Self.maximumBytes))
        }
        let lowered = password.lowercased()
        if isCommon(lowered) {
            problems.append(.common)
        }
        if let accountName, contains(accountName: accountName, in: lowered) {
            problems.append(.containsAccountName)
        }
        if Self.isRepetitive(lowered) {
            problems.append(.repetitive)
        }
        return problems
    }

    /// Also matches a listed password with digits or punctuation added at the end ("Password123!"),
    /// the usual way people satisfy length and composition rules.
    private func isCommon(_ lowered: String) -> Bool {
        if commonPasswords.contains(lowered) { return true }
        var stripped = Substring(lowered)
        while let last = stripped.last, last.isNumber || last.isPunctuation || last.isSymbol || last.isWhitespace {
            stripped.removeLast()
            if !stripped.isEmpty, commonPasswords.contains(String(stripped)) { return true }
        }
        return false
    }

    /// The local part of an email address (or the whole name if it has no "@"), when long enough
    /// that a match is not a coincidence.
    private func contains(accountName: String, in lowered: String) -> Bool {
        let trimmed = accountName.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let localPart = trimmed.lastIndex(of: "@").map { String(trimmed[..<$0]) } ?? trimmed
        guard localPart.count >= 4 else { return false }
        return lowered.contains(localPart)
    }

    /// Sequences that make a "plain run" when a password is just a stretch of one of them,
    /// forwards or backwards, wrapping around ("…7890123").
    private static let runSources = [
        "abcdefghijklmnopqrstuvwxyz",
        "0123456789",
        "qwertyuiopasdfghjklzxcvbnm",
    ]

    /// Fewer than 4 distinct characters, a short unit repeated ("abcdabcdabcd"), or a plain run
    /// ("abcdefghijkl", "123456789012", "qwertyuiopas").
    private static func isRepetitive(_ lowered: String) -> Bool {
        let characters = Array(lowered)
        if Set(characters).count < 4 { return true }
        if isShortUnitRepeated(characters) { return true }
        return isPlainRun(lowered)
    }

    private static func isShortUnitRepeated(_ characters: [Character]) -> Bool {
        let maximumUnit = 4
        for unit in 1...maximumUnit where characters.count >= unit * 2 {
            if characters.indices.allSatisfy({ characters[$0] == characters[$0 % unit] }) { return true }
        }
        return false
    }

    private static func isPlainRun(_ lowered: String) -> Bool {
        for source in runSources {
            // Enough copies that any run of the password's length, starting anywhere, fits.
            let copies = lowered.count / source.count + 2
            let forwards = String(repeating: source, count: copies)
            let backwards = String(forwards.reversed())
            if forwards.contains(lowered) || backwards.contains(lowered) { return true }
        }
        return false
    }
}
