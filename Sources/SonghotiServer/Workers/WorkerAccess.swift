import Fluent
import SonghotiCore
import Vapor

extension Request {
    /// The worker named by the `workerID` parameter, once the policy allows `action` on it.
    func authorizedWorker(_ action: WorkerPolicy.Action) async throws -> Worker {
        let principal = try principal()
        try authorize(WorkerPolicy.decide(principal, action))
        guard let id = parameters.get("workerID", as: UUID.self), let worker = try await Worker.find(id, on: db) else { throw Abort(.notFound) }
        try authorize(WorkerPolicy.decide(principal, action, office: worker.officeID))
        return worker
    }

    /// Workers found by a phone number, an ID number or a worker code, limited to the principal's scope.
    func findWorkers(_ query: String) async throws -> [Worker] {
        let principal = try principal()
        let service = WorkerService(context: change)
        var found: [Worker] = []
        if let number = WorkerCode.parse(query), query.uppercased().hasPrefix("W") {
            found = try await Worker.query(on: db).filter(\.$codeNumber == number).all()
        } else {
            found = try await service.matches(phone: query, nationalID: query, on: db)
        }
        let visible = found.filter { principal.covers(office: $0.officeID) }
        if !visible.isEmpty {
            let ids = visible.compactMap(\.id)
            let context = change
            try await write { db in
                for id in ids { try await context.audit("worker.lookup", "worker", id.uuidString, on: db) }
            }
        }
        return visible
    }
}
