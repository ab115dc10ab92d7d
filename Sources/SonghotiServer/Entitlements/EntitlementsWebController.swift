import Fluent
import Foundation
import SonghotiCore
import Vapor

/// `/entitlements`: the calculator page; `/cases/:caseID/workers/:workerID/entitlements`: the same from a case, with
/// saving to the worker's claim; `/cases/:caseID/entitlements/:calculationID`: a saved calculation.
struct EntitlementsWebController: RouteCollection {
    let cases = CasesWebController()

    func boot(routes: any RoutesBuilder) throws {
        routes.get("entitlements", use: blank)
        routes.post("entitlements", use: calculate)
        routes.get("cases", ":caseID", "workers", ":workerID", "entitlements", use: caseForm)
        routes.post("cases", ":caseID", "workers", ":workerID", "entitlements", use: caseCalculate)
        routes.get("cases", ":caseID", "entitlements", ":calculationID", use: saved)
    }

    // MARK: The form

    /// One input of the form; `name` is the JSON path of the calculator input it fills.
    struct Field: Encodable {
        let name: String, id: String, label: String, hint: String?
        let value: String
        let isSelect: Bool, isTextarea: Bool, isDate: Bool, isNumber: Bool
        let options: [Option]
        let error: String?
        let hasHint: Bool, hasError: Bool
    }
    struct Option: Encodable { let value: String; let label: String; let selected: Bool }
    struct Section: Encodable { let key: String; let title: String; let optional: Bool; let included: Bool; let fields: [Field] }

    enum Kind { case text, date, number, textarea, select([String]) }

    static let layout: [(section: String, optional: Bool, fields: [(String, Kind)])] = [
        ("employment", false, [("start", .date), ("end", .date),
                               ("type", .select(EntitlementInput.EmploymentType.allCases.map(\.rawValue))),
                               ("monthly_rated", .select(["true", "false"])), ("sector", .select(["garment", "other"])), ("grade", .text)]),
        ("pay", false, RuleSchema.wageComponents.map { ($0, Kind.number) }),
        ("termination", true, [("cause", .select(EntitlementInput.Cause.allCases.map(\.rawValue))), ("notice_given_days", .number),
                               ("gratuity_scheme", .select(EntitlementInput.Gratuity.allCases.map(\.rawValue))), ("notice_paid", .number),
                               ("compensation_paid", .number), ("seniority_paid_through", .text), ("seniority_paid", .number), ("backpay_paid", .number)]),
        ("underpayment", true, [("months", .textarea)]),
        ("overtime", true, [("period_end", .date), ("hours", .number), ("hours_night_or_rest_day", .number), ("paid", .number)]),
        ("leave", true, [("periods", .textarea), ("days_taken", .number), ("paid", .number)]),
        ("maternity", true, [("delivery_date", .date), ("surviving_children", .number), ("wages_last_3_months", .number),
                             ("days_worked_last_3_months", .number), ("wages_last_12_months", .number), ("paid", .number)]),
        ("festival_bonus", true, [("festivals", .textarea)]),
    ]

    /// The list fields are typed one row per line: the words of each line fill these keys in order.
    static let rowKeys: [String: [String]] = [
        "underpayment.months": ["month", "paid", "grade"],
        "leave.periods": ["from", "to", "days_worked"],
        "festival_bonus.festivals": ["date", "paid"],
    ]

    /// The calculator input the form describes (the same JSON the API and the CLI take).
    static func input(from form: [String: String]) -> SonghotiCore.JSONValue {
        var top: [String: SonghotiCore.JSONValue] = ["regime": .string(form["regime"] ?? "")]
        for (section, optional, fields) in layout {
            if optional && form["with_\(section)"] == nil { continue }
            var object: [String: SonghotiCore.JSONValue] = [:]
            for (name, kind) in fields {
                let path = "\(section).\(name)"
                let raw = (form[path] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                if case .textarea = kind, let keys = rowKeys[path] {
                    let rows = raw.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    object[name] = .array(rows.map { row in
                        let words = row.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ";" }).map(String.init)
                        return .object(Dictionary(uniqueKeysWithValues: zip(keys, words).map { ($0, SonghotiCore.JSONValue.string($1)) }))
                    })
                } else if !raw.isEmpty {
                    object[name] = .string(raw)
                }
            }
            if optional || !object.isEmpty { top[section] = .object(object) }
        }
        return .object(top)
    }

    /// Issue paths as form fields: rows of a list field point at the list, with the row number in the message.
    static func errors(_ invalid: EntitlementInput.Invalid, _ req: Request) -> [String: String] {
        var errors: [String: String] = [:]
        for issue in invalid.issues {
            var field = issue.path.isEmpty ? "regime" : issue.path
            var message = req.t("ent.input.\(issue.code)")
            if let open = field.firstIndex(of: "["), let close = field.firstIndex(of: "]"), let row = Int(field[field.index(after: open)..<close]) {
                message = req.t("ent.row_error", req.format.number(row + 1), message)
                field = String(field[..<open])
            }
            if let dot = field.firstIndex(of: "."), !layout.contains(where: { $0.section == String(field[..<dot]) }) { field = "regime" }
            errors[field] = errors[field].map { $0 + " " + message } ?? message
        }
        return errors
    }

    func sections(_ req: Request, form: [String: String], errors: [String: String]) -> [Section] {
        Self.layout.map { section, optional, fields in
            Section(key: section, title: req.t("ent.section.\(section)"), optional: optional, included: form["with_\(section)"] != nil,
                    fields: fields.map { name, kind in
                        let path = "\(section).\(name)"
                        let hintKey = "ent.hint.\(path)"
                        let hint = req.application.catalog.has(hintKey, in: .english) ? req.t(hintKey) : nil
                        var options: [Option] = []
                        if case .select(let values) = kind {
                            options = [Option(value: "", label: req.t("ent.choose"), selected: (form[path] ?? "").isEmpty)]
                                + values.map { Option(value: $0, label: req.t("ent.option.\(path).\($0)"), selected: form[path] == $0) }
                        }
                        var isTextarea = false, isDate = false, isNumber = false
                        switch kind {
                        case .textarea: isTextarea = true
                        case .date: isDate = true
                        case .number: isNumber = true
                        default: break
                        }
                        return Field(name: path, id: path.replacingOccurrences(of: ".", with: "-").replacingOccurrences(of: "_", with: "-"),
                                     label: req.t("ent.field.\(path)"), hint: hint, value: form[path] ?? "",
                                     isSelect: !options.isEmpty, isTextarea: isTextarea, isDate: isDate, isNumber: isNumber, options: options,
                                     error: errors[path], hasHint: hint != nil, hasError: errors[path] != nil)
                    })
        }
    }

    // MARK: The result

    struct RuleView: Encodable { let id: String; let provision: String; let source: String; let status: String; let verified: Bool; let note: String; let hasNote: Bool; let validity: String }
    struct LineView: Encodable {
        let title: String, outcome: String, outcomeClass: String
        let computed: Bool, due: String, paid: String, owed: String, verified: Bool
        let working: [String], rules: [RuleView], missing: [String], hasMissing: Bool, reason: String, hasReason: Bool
    }
    struct ComponentView: Encodable { let label: String; let amount: String }
    struct ResultView: Encodable {
        let regimeTitle: String, currency: String, total: String, hasUnverified: Bool, complete: Bool
        let components: [ComponentView], hasComponents: Bool, lines: [LineView], digest: String
    }

    static func resultView(_ result: EntitlementResult, _ req: Request) -> ResultView {
        let report = EntitlementReport(result, catalog: req.application.catalog, language: req.language)
        func money(_ minor: Int64?) -> String { minor.map { req.format.money(Money(minorUnits: $0, currency: result.currency)) } ?? "" }
        let lines = zip(result.lines, report.lines).map { line, written in
            LineView(title: written.title, outcome: req.t("ent.outcome.\(line.outcome.rawValue)"), outcomeClass: line.outcome.rawValue.replacingOccurrences(of: "_", with: "-"),
                     computed: line.outcome == .computed, due: money(line.due), paid: money(line.paid), owed: money(line.owed), verified: line.verified,
                     working: written.working,
                     rules: line.citations.map { citation in
                         RuleView(id: citation.id, provision: citation.provision, source: citation.source, status: req.t("ent.status.\(citation.status.rawValue)"),
                                  verified: citation.status.isVerified, note: citation.note ?? "", hasNote: citation.note != nil,
                                  validity: req.t("ent.validity", req.format.calendarDate(citation.validFrom.date),
                                                  citation.validTo.map { req.format.calendarDate($0.date) } ?? req.t("ent.in_force")))
                     },
                     missing: written.missing_labels, hasMissing: !written.missing.isEmpty, reason: written.reason ?? "", hasReason: written.reason != nil)
        }
        let components = OwedComponent.allCases.compactMap { component in
            result.owedByComponent[component].map { ComponentView(label: req.t(component.labelKey), amount: money($0)) }
        }
        return ResultView(regimeTitle: result.regimeTitle, currency: result.currency, total: money(result.owedTotal), hasUnverified: result.hasUnverified,
                          complete: result.isComplete, components: components, hasComponents: !components.isEmpty, lines: lines, digest: String(result.rulesDigest.prefix(12)))
    }

    // MARK: Pages

    struct SavedRow: Encodable { let id: String; let when: String; let total: String; let unverified: Bool; let current: Bool }
    struct CaseContext: Encodable { let id: String; let reference: String; let workerID: String; let workerCode: String; let saved: [SavedRow]; let hasSaved: Bool }
    struct CalculatorView: Encodable {
        let action: String
        let regimes: [Option]
        let regimeError: String?, hasRegimeError: Bool
        let sections: [Section]
        let result: ResultView?, hasResult: Bool
        let caseContext: CaseContext?, inCase: Bool
        let formError: String?, hasFormError: Bool
    }

    func regimes(_ req: Request, selected: String) -> [Option] {
        req.application.ruleBook.regimes.keys.sorted().map { Option(value: $0, label: req.t("ent.regime.\($0)"), selected: $0 == selected) }
    }

    func render(_ req: Request, action: String, form: [String: String], errors: [String: String] = [:], result: EntitlementResult? = nil,
                caseContext: CaseContext? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let view = CalculatorView(action: action, regimes: regimes(req, selected: form["regime"] ?? "bd-bla"),
                                  regimeError: errors["regime"], hasRegimeError: errors["regime"] != nil,
                                  sections: sections(req, form: form, errors: errors),
                                  result: result.map { Self.resultView($0, req) }, hasResult: result != nil,
                                  caseContext: caseContext, inCase: caseContext != nil,
                                  formError: errors["calculation"], hasFormError: errors["calculation"] != nil)
        return try await req.page("entitlements", titleKey: "ent.title", view, status: status)
    }

    func blank(req: Request) async throws -> Response {
        try req.authorize(EntitlementPolicy.decide(try req.principal(), .calculate))
        return try await render(req, action: "/entitlements", form: ["regime": "bd-bla"])
    }

    func formFields(_ req: Request) throws -> [String: String] {
        var form = (try? req.content.decode([String: String].self)) ?? [:]
        form["csrf_token"] = nil
        return form
    }

    func calculate(req: Request) async throws -> Response {
        try req.authorize(EntitlementPolicy.decide(try req.principal(), .calculate))
        let form = try formFields(req)
        do {
            let calculation = try EntitlementService(context: req.change).calculate(Self.input(from: form))
            return try await render(req, action: "/entitlements", form: form, result: calculation.result)
        } catch let invalid as EntitlementInput.Invalid {
            return try await render(req, action: "/entitlements", form: form, errors: Self.errors(invalid, req), status: .unprocessableEntity)
        }
    }

    // MARK: From a case

    private func claim(_ req: Request) async throws -> (CaseFile, CaseWorkerLink, Worker) {
        let file = try await cases.changeableCase(req)
        try req.authorize(EntitlementPolicy.decide(try req.principal(), .save))
        let (link, worker) = try await CaseEditController().link(req, file)
        return (file, link, worker)
    }

    private func context(_ req: Request, _ file: CaseFile, _ link: CaseWorkerLink, _ worker: Worker) async throws -> CaseContext {
        let saved = try await EntitlementService.calculations(of: file.requireID(), on: req.db).filter { $0.workerID == link.workerID }.map { record in
            SavedRow(id: record.id!.uuidString, when: record.createdAt.map { req.format.dateTime($0) } ?? "",
                     total: req.format.money(Money(minorUnits: record.owedTotalMinor, currency: record.currency)), unverified: record.hasUnverified,
                     current: link.calculationID == record.id)
        }
        return CaseContext(id: try file.requireID().uuidString, reference: file.reference, workerID: link.workerID.uuidString, workerCode: worker.code,
                           saved: saved, hasSaved: !saved.isEmpty)
    }

    func caseForm(req: Request) async throws -> Response {
        let (file, link, worker) = try await claim(req)
        let regime = file.country == "KH" ? "kh-labour" : "bd-bla"
        return try await render(req, action: req.url.path, form: ["regime": regime], caseContext: try await context(req, file, link, worker))
    }

    func caseCalculate(req: Request) async throws -> Response {
        let (file, link, worker) = try await claim(req)
        let form = try formFields(req)
        let save = form["action"] == "save"
        var fields = form
        fields["action"] = nil
        let service = EntitlementService(context: req.change)
        do {
            let json = Self.input(from: fields)
            let calculation = try service.calculate(json)
            if save {
                do {
                    _ = try await service.save(calculation, json: try JSONEncoder.sorted.encode(JSONValueCoding(json)), to: link, principal: try req.principal())
                    return req.seeOther("/cases/\(try file.requireID())?notice=entitlement_saved")
                } catch let invalid as Invalid {
                    return try await render(req, action: req.url.path, form: fields, errors: invalid.translated(req), result: calculation.result,
                                            caseContext: try await context(req, file, link, worker), status: .unprocessableEntity)
                }
            }
            return try await render(req, action: req.url.path, form: fields, result: calculation.result, caseContext: try await context(req, file, link, worker))
        } catch let invalid as EntitlementInput.Invalid {
            return try await render(req, action: req.url.path, form: fields, errors: Self.errors(invalid, req), caseContext: try await context(req, file, link, worker),
                                    status: .unprocessableEntity)
        }
    }

    struct SavedView: Encodable {
        let caseID: String, reference: String, workerCode: String, when: String, author: String, current: Bool, digest: String
        let result: ResultView, input: String
    }

    func saved(req: Request) async throws -> Response {
        let file = try await cases.loadCase(req)
        let verdict = try await CaseService(context: req.change).verdict(file, .view, principal: try req.principal(), on: req.db)
        if verdict == .needsReason { return req.seeOther("/cases/\(try file.requireID())") }
        try req.authorize(verdict.decision)
        let saved = try await EntitlementService(context: req.change).open(req.parameters.get("calculationID", as: UUID.self), on: file)
        let record = saved.record
        let author = try await User.find(record.createdBy, on: req.db)?.displayName ?? ""
        let view = SavedView(caseID: record.caseID.uuidString, reference: file.reference, workerCode: try await Worker.find(record.workerID, on: req.db)?.code ?? "",
                             when: record.createdAt.map { req.format.dateTime($0) } ?? "", author: author, current: saved.current,
                             digest: record.rulesDigest, result: Self.resultView(saved.result, req), input: String(decoding: saved.input, as: UTF8.self))
        return try await req.page("entitlement-saved", titleKey: "ent.saved_title", view)
    }
}

/// Encodes a parsed JSON value back to JSON (the input as it is kept with a saved calculation).
struct JSONValueCoding: Encodable {
    let value: SonghotiCore.JSONValue
    init(_ value: SonghotiCore.JSONValue) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .null: var container = encoder.singleValueContainer(); try container.encodeNil()
        case .bool(let flag): var container = encoder.singleValueContainer(); try container.encode(flag)
        case .number(let text), .string(let text): var container = encoder.singleValueContainer(); try container.encode(text)
        case .array(let items): var container = encoder.unkeyedContainer(); for item in items { try container.encode(JSONValueCoding(item)) }
        case .object(let members):
            var container = encoder.container(keyedBy: Key.self)
            for (key, member) in members { try container.encode(JSONValueCoding(member), forKey: Key(key)) }
        }
    }

    struct Key: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

extension CivilDate {
    /// Midnight UTC of the day, for the calendar-date formatters.
    var date: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
    }
}
