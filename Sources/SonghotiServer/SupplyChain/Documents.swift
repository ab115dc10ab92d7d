import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Source documents of sourcing evidence and documents that came with brands' answers: stored like case
/// evidence (content sealed on disk, name sealed, SHA-256 checked at every download), readable by whoever
/// may read what they belong to.
struct SupplyChainDocuments {
    let context: ChangeContext
    var store: EvidenceStore { EvidenceStore(context: context) }

    /// A file from a form or an API upload.
    struct Upload: Sendable { let data: Data; let filename: String }

    /// Seals the file and returns the (unsaved) record; the caller saves it with what it belongs to.
    func prepare(_ upload: Upload, principal: Principal) throws -> Document {
        let document = Document()
        try store.seal(upload.data, filename: upload.filename, into: document, by: principal, fallbackName: "document")
        return document
    }

    /// What a document belongs to decides who may download it.
    enum Owner { case link(SourcingLink), response(EscalationResponse, Escalation) }

    /// The optional document of a form or JSON change, sealed; a refused file is a field error on `document`.
    func prepareIfGiven(_ upload: Upload?, principal: Principal) throws -> Document? {
        guard let upload else { return nil }
        do { return try prepare(upload, principal: principal) } catch let refusal as EvidenceStore.Refusal {
            throw Invalid(fields: ["document": EvidenceStore.refusalKey(refusal)])
        }
    }

    /// Saves a prepared document with the change that refers to it; the sealed file is removed if that fails.
    func save<T: Sendable>(_ document: Document?, with body: @Sendable @escaping (any Database) async throws -> T) async throws -> T {
        do {
            return try await context.write { db in
                if let document { try await document.create(on: db) }
                return try await body(db)
            }
        } catch {
            if let id = document?.id { try? FileManager.default.removeItem(atPath: store.path(id)) }
            throw error
        }
    }

    /// Attaches a document to an existing sourcing link or answer (the API's upload endpoints).
    func attach(_ upload: Upload, toLink link: SourcingLink, principal: Principal) async throws {
        try await attach(upload, principal: principal, audit: ("sourcing.document", "factory", link.factoryID.uuidString)) { id, db in
            link.documentID = id
            try await link.update(on: db)
        }
    }

    func attach(_ upload: Upload, toResponse response: EscalationResponse, of escalation: Escalation, principal: Principal) async throws {
        try await attach(upload, principal: principal, audit: ("case.escalation_document", "case", escalation.caseID.uuidString)) { id, db in
            response.documentID = id
            try await response.update(on: db)
        }
    }

    private func attach(_ upload: Upload, principal: Principal, audit: (String, String, String),
                        _ point: @Sendable @escaping (UUID?, any Database) async throws -> Void) async throws {
        let document = try prepare(upload, principal: principal)
        let context = self.context
        try await save(document) { db in
            try await point(document.id, db)
            try await context.audit(audit.0, audit.1, audit.2, on: db)
        }
    }

    static func owner(of id: UUID, on db: any Database) async throws -> Owner? {
        if let link = try await SourcingLink.query(on: db).filter(\.$documentID == id).first() { return .link(link) }
        if let response = try await EscalationResponse.query(on: db).filter(\.$documentID == id).first(),
           let escalation = try await Escalation.find(response.escalationID, on: db) {
            return .response(response, escalation)
        }
        return nil
    }

    /// The download, after the owner's access rule: sourcing evidence for anyone who may read the registry,
    /// a brand's answer for whoever may open its case. Audited.
    static func download(_ req: Request) async throws -> Response {
        let principal = try req.principal()
        try req.authorize(SupplyChainPolicy.decide(principal, .view))
        guard let id = req.parameters.get("documentID", as: UUID.self), let document = try await Document.find(id, on: req.db),
              let owner = try await owner(of: id, on: req.db) else { throw Abort(.notFound) }
        var subject = ("factory", "")
        switch owner {
        case .link(let link): subject = ("factory", link.factoryID.uuidString)
        case .response(_, let escalation):
            guard let file = try await CaseFile.find(escalation.caseID, on: req.db) else { throw Abort(.notFound) }
            let verdict = try await CaseService(context: req.change).verdict(file, .view, principal: principal, on: req.db)
            if verdict == .needsReason { throw Abort(.forbidden, reason: "State a reason on the case first.") }
            try req.authorize(verdict.decision)
            subject = ("case", escalation.caseID.uuidString)
        }
        let response = try EvidenceStore(context: req.change).download(document, for: req, prefix: "document")
        let audited = subject
        try await req.write { db in try await req.audit("document.download", audited.0, audited.1, on: db) }
        return response
    }
}
