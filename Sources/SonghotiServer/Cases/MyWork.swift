import Fluent
import Foundation
import SonghotiCore
import Vapor

/// What needs attention: for a caseworker their own cases and tasks; for a coordinator their office's.
struct WorkQueue: Encodable {
    struct CaseItem: Encodable, Sendable { let id: String; let reference: String; let detail: String }
    struct TaskItem: Encodable, Sendable { let id: String; let caseID: String; let reference: String; let title: String; let due: String; let overdue: Bool }

    var newCases: [CaseItem] = []
    var pastTarget: [CaseItem] = []
    var quiet: [CaseItem] = []
    var tasks: [TaskItem] = []
    var overdueReferrals: [CaseItem] = []

    static let quietDays = 14

    static func build(for principal: Principal, req: Request, now: Date = Date()) async throws -> WorkQueue {
        let db = req.db
        var queue = WorkQueue()
        let coordinating = principal.role == .coordinator
        var casesQuery = CaseFile.query(on: db).filter(\.$status !~ [CaseStatus.resolved.rawValue, CaseStatus.closed.rawValue])
        if coordinating {
            if let office = principal.officeID { casesQuery = casesQuery.filter(\.$officeID == office) }
        } else {
            let mine = try await CaseAssignee.query(on: db).filter(\.$userID == principal.userID).all().map(\.caseID)
            casesQuery = casesQuery.filter(\.$id ~~ mine)
        }
        let open = try await casesQuery.sort(\.$createdAt).all()
        let ids = open.compactMap(\.id)
        var lastEvent: [UUID: Date] = [:]
        if !ids.isEmpty {
            for event in try await CaseEvent.query(on: db).filter(\.$caseID ~~ ids).all() {
                if let created = event.createdAt, created > lastEvent[event.caseID] ?? .distantPast { lastEvent[event.caseID] = created }
            }
        }
        for file in open {
            let id = file.id?.uuidString ?? ""
            if file.caseStatus == .new {
                queue.newCases.append(CaseItem(id: id, reference: file.reference, detail: req.t("case.urgency.\(file.urgency)")))
                if file.firstResponseDueAt < now {
                    queue.pastTarget.append(CaseItem(id: id, reference: file.reference, detail: req.t("cases.first_response_overdue", req.format.dateTime(file.firstResponseDueAt))))
                }
            }
            let activity = max(file.updatedAt ?? .distantPast, lastEvent[file.id ?? UUID()] ?? .distantPast, file.createdAt ?? .distantPast)
            if now.timeIntervalSince(activity) > Double(quietDays) * 86_400 {
                queue.quiet.append(CaseItem(id: id, reference: file.reference, detail: req.t("work.last_activity", req.format.date(activity))))
            }
        }
        let today = CalendarDate.today(in: req.application.songhotiSettings.timeZone, now: now)
        var taskQuery = CaseTask.query(on: db).filter(\.$doneAt == nil).sort(\.$dueOn)
        var scopeQuery = CaseFile.query(on: db)
        if let office = principal.officeID { scopeQuery = scopeQuery.filter(\.$officeID == office) }
        let inScope = try await scopeQuery.all()
        let references = Dictionary(uniqueKeysWithValues: inScope.compactMap { f in f.id.map { ($0, f.reference) } })
        if coordinating {
            taskQuery = taskQuery.filter(\.$caseID ~~ Array(references.keys))
        } else {
            taskQuery = taskQuery.filter(\.$assigneeID == principal.userID)
        }
        for task in try await taskQuery.limit(200).all() {
            let title = task.kind == CaseTask.Kind.retaliationCheck.rawValue ? req.t("task.retaliation_check") : task.title
            queue.tasks.append(TaskItem(id: task.id?.uuidString ?? "", caseID: task.caseID.uuidString, reference: references[task.caseID] ?? "", title: title,
                                        due: CalendarDate.parse(task.dueOn).map(req.format.calendarDate) ?? task.dueOn, overdue: task.dueOn < today))
        }
        if coordinating {
            let overdue = try await Referral.query(on: db).filter(\.$caseID ~~ Array(references.keys))
                .filter(\.$status ~~ [Referral.Status.sent.rawValue, Referral.Status.accepted.rawValue])
                .filter(\.$followUpOn < today).all()
            for referral in overdue {
                queue.overdueReferrals.append(CaseItem(id: referral.caseID.uuidString, reference: references[referral.caseID] ?? "",
                                                       detail: req.t("work.referral_follow_up", referral.followUpOn.flatMap(CalendarDate.parse).map(req.format.calendarDate) ?? "")))
            }
        }
        return queue
    }
}

/// The "my work" page, adding follow-up tasks to a case, and marking tasks done.
struct MyWorkController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("work", use: work)
        routes.post("cases", ":caseID", "tasks", use: addTask)
        routes.post("tasks", ":taskID", "done", use: done)
    }

    struct WorkView: Encodable {
        let coordinating: Bool
        let queue: WorkQueue
        let hasNew: Bool, hasPastTarget: Bool, hasQuiet: Bool, hasTasks: Bool, hasReferrals: Bool
        /// Letters to brands past their response deadline with no answer (coordinators).
        let overdueEscalations: [WorkQueue.CaseItem]
        let hasEscalations: Bool
    }

    func work(req: Request) async throws -> Response {
        let principal = try req.principal()
        guard [.caseworker, .coordinator].contains(principal.role) else { try req.authorize(.deny("my work is for case handlers")); throw Abort(.forbidden) }
        let queue = try await WorkQueue.build(for: principal, req: req)
        var escalations: [WorkQueue.CaseItem] = []
        if principal.role == .coordinator {
            let today = CalendarDate.today(in: req.application.songhotiSettings.timeZone)
            escalations = try await EscalationService.overdue(for: principal, today: today, context: req.change).map { escalation, file, brand in
                WorkQueue.CaseItem(id: escalation.id!.uuidString, reference: file.reference, detail: req.t("work.escalation_detail", brand.name, escalation.deadline))
            }
        }
        return try await req.page("work", titleKey: "work.title", WorkView(
            coordinating: principal.role == .coordinator, queue: queue, hasNew: !queue.newCases.isEmpty, hasPastTarget: !queue.pastTarget.isEmpty,
            hasQuiet: !queue.quiet.isEmpty, hasTasks: !queue.tasks.isEmpty, hasReferrals: !queue.overdueReferrals.isEmpty,
            overdueEscalations: escalations, hasEscalations: !escalations.isEmpty))
    }

    func addTask(req: Request) async throws -> Response {
        let principal = try req.principal()
        guard let id = req.parameters.get("caseID", as: UUID.self), let file = try await CaseFile.find(id, on: req.db) else { throw Abort(.notFound) }
        let verdict = try await CaseService(context: req.change).verdict(file, .update, principal: principal, on: req.db)
        try req.authorize(verdict.decision)
        let title = ((try? req.content.get(String.self, at: "title")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let due = (try? req.content.get(String.self, at: "due_on")) ?? ""
        guard !title.isEmpty, title.count <= 300, CalendarDate.parse(due) != nil else {
            return req.seeOther("/cases/\(id)?notice=task_invalid")
        }
        try await req.write { db in
            _ = try await CaseTasks.add(caseID: id, kind: .followUp, title: title, dueOn: due, assignee: principal.userID, by: principal.userID, on: db)
            try await req.audit("task.create", "case", id.uuidString, on: db)
        }
        return req.seeOther("/cases/\(id)?notice=task_added")
    }

    func done(req: Request) async throws -> Response {
        let principal = try req.principal()
        guard let id = req.parameters.get("taskID", as: UUID.self), let task = try await CaseTask.find(id, on: req.db),
              let file = try await CaseFile.find(task.caseID, on: req.db) else { throw Abort(.notFound) }
        let verdict = try await CaseService(context: req.change).verdict(file, .update, principal: principal, on: req.db)
        try req.authorize(verdict.decision)
        try await req.write { db in
            task.doneAt = Date()
            try await task.update(on: db)
            try await req.audit("task.done", "case", task.caseID.uuidString, on: db)
        }
        return req.seeOther("/work?notice=task_done")
    }
}

/// `GET /api/v1/tasks?assignee=me`.
struct TasksAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws { routes.get("tasks", use: list) }

    struct TaskDTO: Content {
        let id: UUID
        let case_id: UUID
        let kind: String
        let title: String
        let due_on: String
        let done: Bool
    }

    func list(req: Request) async throws -> [TaskDTO] {
        let principal = try req.principal()
        guard (req.query[String.self, at: "assignee"] ?? "me") == "me" else {
            throw ValidationFailure(errors: [FieldError(field: "assignee", message: "only 'me' is supported")])
        }
        let includeDone = req.query[Bool.self, at: "include_done"] ?? false
        var query = CaseTask.query(on: req.db).filter(\.$assigneeID == principal.userID).sort(\.$dueOn)
        if !includeDone { query = query.filter(\.$doneAt == nil) }
        return try await query.limit(500).all().map {
            TaskDTO(id: try $0.requireID(), case_id: $0.caseID, kind: $0.kind, title: $0.title, due_on: $0.dueOn, done: $0.doneAt != nil)
        }
    }
}
