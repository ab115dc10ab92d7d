/// The seeded category taxonomy. Organisations can add their own; these keys are stable.
public struct CaseCategorySeed: Sendable, Equatable {
    public let key: String
    /// Cases in this category are restricted from the moment they are opened.
    public let restrictedByDefault: Bool

    public static let all: [CaseCategorySeed] = [
        .init(key: "unpaid_wages", restrictedByDefault: false),
        .init(key: "termination_benefits", restrictedByDefault: false),
        .init(key: "unlawful_dismissal", restrictedByDefault: false),
        .init(key: "maternity_benefit", restrictedByDefault: false),
        .init(key: "leave", restrictedByDefault: false),
        .init(key: "gender_based_violence", restrictedByDefault: true),
        .init(key: "unsafe_workplace", restrictedByDefault: false),
        .init(key: "freedom_of_association", restrictedByDefault: false),
        .init(key: "child_labour", restrictedByDefault: false),
        .init(key: "forced_labour_trafficking", restrictedByDefault: true),
        .init(key: "migrant_in_crisis", restrictedByDefault: false),
        .init(key: "recruitment_fraud", restrictedByDefault: false),
        .init(key: "other", restrictedByDefault: false),
    ]
}

public enum IntakeChannel: String, CaseIterable, Codable, Sendable {
    case walkIn = "walk_in", phone, whatsapp, telegram, imo, sms, webForm = "web_form", outreach
    public var labelKey: String { "case.channel.\(rawValue)" }
}
