import Foundation

/// A letter to a brand with `{{placeholder}}` slots, filled from a case.
///
/// Placeholders are closed: a template may only use the names in `Placeholder`, so an organisation's edited
/// template cannot pull anything else out of a case (a worker's phone number, say). Worker names are only
/// available through `{{workers}}`, whose value the caller fills according to the workers' consent.
public struct LetterTemplate: Sendable, Equatable {
    public enum Placeholder: String, Sendable, CaseIterable {
        case organisation, office, date, brand, factory, factoryAddress = "factory_address", reference, category
        case summary, workers, workerCount = "worker_count", amountOwed = "amount_owed", deadline, sender
    }

    public enum Problem: Error, Sendable, Equatable {
        case unknownPlaceholder(String)
        case unclosedPlaceholder
        case empty
    }

    public let subject: String
    public let body: String

    public init(subject: String, body: String) {
        self.subject = subject
        self.body = body
    }

    /// The first problem with the template, if any: every `{{name}}` must be a known placeholder.
    public func problem() -> Problem? {
        if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || subject.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .empty }
        for text in [subject, body] {
            do { _ = try Self.fill(text, values: [:], strict: false) } catch { return error }
        }
        return nil
    }

    /// Subject and body with every placeholder replaced (a missing value becomes an empty string).
    public func render(_ values: [Placeholder: String]) throws(Problem) -> (subject: String, body: String) {
        (try Self.fill(subject, values: values, strict: true), try Self.fill(body, values: values, strict: true))
    }

    private static func fill(_ text: String, values: [Placeholder: String], strict: Bool) throws(Problem) -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else { throw .unclosedPlaceholder }
            let name = afterOpen[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let placeholder = Placeholder(rawValue: name) else { throw .unknownPlaceholder(name) }
            output += values[placeholder] ?? ""
            rest = afterOpen[close.upperBound...]
        }
        output += rest
        return output
    }
}
