import Foundation
import SonghotiCore
import Testing

@Suite("Case workflow")
struct CaseWorkflowTests {
    let caseworker = Principal(userID: UUID(), role: .caseworker, officeID: UUID())
    let coordinator = Principal(userID: UUID(), role: .coordinator, officeID: nil)
    let viewer = Principal(userID: UUID(), role: .viewer, officeID: nil)

    @Test func theWholeTransitionTable() {
        // Every pair of statuses, checked against the table written out here a second time, by hand.
        let allowed: Set<String> = [
            "new>triage", "new>investigation", "new>closed",
            "triage>investigation", "triage>action", "triage>closed",
            "investigation>action", "investigation>awaiting_response", "investigation>resolved", "investigation>closed",
            "action>investigation", "action>awaiting_response", "action>resolved", "action>closed",
            "awaiting_response>investigation", "awaiting_response>action", "awaiting_response>resolved", "awaiting_response>closed",
            "resolved>closed", "resolved>investigation", "closed>investigation",
        ]
        for from in CaseStatus.allCases {
            for to in CaseStatus.allCases {
                let decision = CaseWorkflow.decide(from: from, to: to, outcome: .remediedInFull, by: caseworker, approvalRequired: false)
                #expect((decision == .move) == allowed.contains("\(from.rawValue)>\(to.rawValue)"), "\(from) → \(to)")
            }
        }
    }

    @Test func closingNeedsAnOutcomeAndMaybeApproval() {
        #expect(CaseWorkflow.decide(from: .resolved, to: .closed, outcome: nil, by: caseworker, approvalRequired: false) == .refused(.outcomeRequired))
        #expect(CaseWorkflow.decide(from: .resolved, to: .closed, outcome: .remediedInPart, by: caseworker, approvalRequired: true) == .closureRequested)
        #expect(CaseWorkflow.decide(from: .resolved, to: .closed, outcome: .remediedInPart, by: coordinator, approvalRequired: true) == .move)
        #expect(CaseWorkflow.decide(from: .new, to: .triage, outcome: nil, by: viewer, approvalRequired: false) == .refused(.notPermitted))
        #expect(CaseWorkflow.decide(from: .closed, to: .investigation, outcome: nil, by: caseworker, approvalRequired: true) == .move, "reopen")
    }

    @Test func referencesAndUrgencyTargets() {
        #expect(CaseReference.format(officeCode: "DHK", year: 2026, number: 42) == "DHK-2026-00042")
        #expect(CaseUrgency.emergency.firstResponseTarget < CaseUrgency.urgent.firstResponseTarget)
        #expect(CaseUrgency.urgent.firstResponseTarget < CaseUrgency.standard.firstResponseTarget)
        #expect(CaseCategorySeed.all.filter(\.restrictedByDefault).map(\.key) == ["gender_based_violence", "forced_labour_trafficking"])
    }
}

@Suite("Case access")
struct CasePolicyTests {
    let dhaka = UUID()
    let other = UUID()

    func principal(_ role: Role, office: UUID? = nil) -> Principal { Principal(userID: UUID(), role: role, officeID: office) }

    @Test func restrictedCasesOpenOnlyToAssigneesAndCoordinatorsOrWithAReason() {
        let assigned = principal(.caseworker, office: dhaka)
        let colleague = principal(.caseworker, office: dhaka)
        let facts = CasePolicy.Facts(officeID: dhaka, restricted: true, assignees: [assigned.userID])
        #expect(CasePolicy.decide(assigned, .view, facts: facts) == .allow)
        #expect(CasePolicy.decide(principal(.coordinator, office: dhaka), .view, facts: facts) == .allow)
        #expect(CasePolicy.decide(colleague, .view, facts: facts) == .needsReason)
        #expect(CasePolicy.decide(colleague, .view, facts: facts, brokeGlass: true) == .allow)
        #expect(CasePolicy.decide(principal(.administrator), .view, facts: facts) == .needsReason)
        #expect(!CasePolicy.listable(colleague, facts: facts))
        #expect(CasePolicy.listable(assigned, facts: facts))
        // Office scope comes first: no reason opens another office's case.
        #expect(CasePolicy.decide(principal(.caseworker, office: other), .view, facts: facts, brokeGlass: true) == .deny("case outside the principal's office"))
    }

    @Test func readOnlyRolesCannotChangeCases() {
        let facts = CasePolicy.Facts(officeID: dhaka, restricted: false, assignees: [])
        for role in [Role.viewer, .programmeOfficer, .administrator] {
            #expect(CasePolicy.decide(principal(role), .view, facts: facts) == .allow)
            #expect(!CasePolicy.decide(principal(role), .update, facts: facts).isAllowed)
            #expect(!CasePolicy.decide(principal(role), .create).isAllowed)
        }
        #expect(CasePolicy.decide(principal(.caseworker, office: dhaka), .transition, facts: facts) == .allow)
    }
}
