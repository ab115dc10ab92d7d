import Foundation

public enum CaseStatus: String, CaseIterable, Codable, Sendable {
    case new, triage, investigation, action
    case awaitingResponse = "awaiting_response"
    case resolved, closed

    public var labelKey: String { "case.status.\(rawValue)" }
    public var isOpen: Bool { self != .resolved && self != .closed }
}

/// How a case ended. Closing always needs one.
public enum CaseOutcome: String, CaseIterable, Codable, Sendable {
    case remediedInFull = "remedied_in_full"
    case remediedInPart = "remedied_in_part"
    case notRemedied = "not_remedied"
    case withdrawnByWorker = "withdrawn_by_worker"
    case referredElsewhere = "referred_elsewhere"
    case lostContact = "lost_contact"
    case outsideMandate = "outside_mandate"

    public var labelKey: String { "case.outcome.\(rawValue)" }
}

public enum CaseUrgency: String, CaseIterable, Codable, Sendable {
    case emergency, urgent, standard

    public var labelKey: String { "case.urgency.\(rawValue)" }
    /// Target time from intake to first response (the helplines' practice: hours for emergencies).
    public var firstResponseTarget: TimeInterval {
        switch self {
        case .emergency: 2 * 3600
        case .urgent: 24 * 3600
        case .standard: 72 * 3600
        }
    }
}

/// The allowed moves between statuses, defined once.
public enum CaseWorkflow {
    public static let transitions: [CaseStatus: Set<CaseStatus>] = [
        .new: [.triage, .investigation, .closed],
        .triage: [.investigation, .action, .closed],
        .investigation: [.action, .awaitingResponse, .resolved, .closed],
        .action: [.investigation, .awaitingResponse, .resolved, .closed],
        .awaitingResponse: [.investigation, .action, .resolved, .closed],
        .resolved: [.closed, .investigation],
        // Reopening a closed case sends it back to investigation.
        .closed: [.investigation],
    ]

    public enum Outcome: Equatable, Sendable {
        /// Move now.
        case move
        /// Closing needs a coordinator's approval: record the request, keep the status.
        case closureRequested
        case refused(Refusal)
    }

    public enum Refusal: Equatable, Sendable {
        case notAllowed(from: CaseStatus, to: CaseStatus)
        case outcomeRequired
        case notPermitted
    }

    /// Decides a status change. `approvalRequired` is the organisation's setting for closing cases.
    public static func decide(from: CaseStatus, to: CaseStatus, outcome: CaseOutcome?, by principal: Principal,
                              approvalRequired: Bool) -> Outcome {
        guard [.caseworker, .coordinator].contains(principal.role) else { return .refused(.notPermitted) }
        guard transitions[from]?.contains(to) == true else { return .refused(.notAllowed(from: from, to: to)) }
        if to == .closed {
            guard outcome != nil else { return .refused(.outcomeRequired) }
            if approvalRequired && principal.role != .coordinator { return .closureRequested }
        }
        return .move
    }

    public static func allowedNext(from status: CaseStatus) -> [CaseStatus] {
        CaseStatus.allCases.filter { transitions[status]?.contains($0) == true }
    }
}

/// Case references: OFFICE-YYYY-NNNNN, numbered per office and year.
public enum CaseReference {
    public static func format(officeCode: String, year: Int, number: Int) -> String {
        let digits = String(number)
        return "\(officeCode)-\(year)-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    public static func counterName(officeCode: String, year: Int) -> String { "case:\(officeCode):\(year)" }
}
