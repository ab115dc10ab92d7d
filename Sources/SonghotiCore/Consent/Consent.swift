import Foundation

/// What a worker can agree to, each separately.
public enum ConsentPurpose: String, CaseIterable, Codable, Sendable {
    case caseHandling = "case_handling"
    /// Referral to one named partner service; a consent names the partner.
    case referral
    case brandDisclosure = "brand_disclosure"
    case statistics
    case contactPhone = "contact_phone"
    case contactSMS = "contact_sms"
    case contactWhatsApp = "contact_whatsapp"

    public var labelKey: String { "consent.purpose.\(rawValue)" }
    /// Whether a consent for this purpose must name the partner it covers.
    public var needsPartner: Bool { self == .referral }
}

public enum ConsentMethod: String, CaseIterable, Codable, Sendable {
    case verbal, written, recorded
    public var labelKey: String { "consent.method.\(rawValue)" }
}

/// One consent as recorded: given on a day, by a method, perhaps later withdrawn.
public struct ConsentRecord: Sendable, Equatable {
    public var purpose: ConsentPurpose
    /// The partner a referral consent covers (a directory id or name); nil for other purposes.
    public var partner: String?
    public var givenOn: Date
    public var method: ConsentMethod
    public var withdrawnOn: Date?

    public init(purpose: ConsentPurpose, partner: String? = nil, givenOn: Date, method: ConsentMethod, withdrawnOn: Date? = nil) {
        self.purpose = purpose
        self.partner = partner
        self.givenOn = givenOn
        self.method = method
        self.withdrawnOn = withdrawnOn
    }

    public func isInForce(at date: Date) -> Bool {
        givenOn <= date && (withdrawnOn.map { date < $0 } ?? true)
    }
}

/// Why a use of a worker's data is allowed or refused.
public enum ConsentDecision: Sendable, Equatable {
    case consented
    case overridden(by: UUID, reason: String)
    case refused(ConsentRefusal)

    public var isAllowed: Bool { if case .refused = self { false } else { true } }
}

public enum ConsentRefusal: Sendable, Equatable {
    case neverGiven
    case withdrawn(on: Date)
    case otherPartnerOnly
    case overrideNotPermitted
    case overrideReasonTooShort(minimum: Int)
}

/// A coordinator's decision to use data without consent, with the written reason that will be audited.
public struct ConsentOverride: Sendable, Equatable {
    public let principal: Principal
    public let reason: String
    public init(principal: Principal, reason: String) {
        self.principal = principal
        self.reason = reason
    }
}

/// The one place that decides whether a worker's data may be used for a purpose.
public enum ConsentRules {
    public static let minimumOverrideReason = 20

    public static func check(_ records: [ConsentRecord], purpose: ConsentPurpose, partner: String? = nil,
                             at date: Date, override: ConsentOverride? = nil) -> ConsentDecision {
        let forPurpose = records.filter { $0.purpose == purpose }
        let matching = forPurpose.filter { !purpose.needsPartner || $0.partner == partner }
        if matching.contains(where: { $0.isInForce(at: date) }) { return .consented }

        let refusal: ConsentRefusal
        if let withdrawn = matching.compactMap(\.withdrawnOn).filter({ $0 <= date }).max() {
            refusal = .withdrawn(on: withdrawn)
        } else if purpose.needsPartner, forPurpose.contains(where: { $0.isInForce(at: date) }) {
            refusal = .otherPartnerOnly
        } else {
            refusal = .neverGiven
        }
        guard let override else { return .refused(refusal) }
        guard [.coordinator, .administrator].contains(override.principal.role) else { return .refused(.overrideNotPermitted) }
        let reason = override.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard reason.count >= minimumOverrideReason else { return .refused(.overrideReasonTooShort(minimum: minimumOverrideReason)) }
        return .overridden(by: override.principal.userID, reason: reason)
    }
}
