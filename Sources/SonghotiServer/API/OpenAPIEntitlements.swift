import Foundation
import SonghotiCore

/// The entitlements calculator in the OpenAPI document: its input, its report, and calculations saved to claims.
extension OpenAPIDocument {
    static var entitlementOperations: [Operation] {
        let lang = queryParameter("lang", "language of the working: en or bn (default: the caller's)")
        return [
            Operation(method: "post", path: "/api/v1/entitlements/calculate", summary: "Work out what the law says a worker is owed, each line with its working, provision, source and verification status; 422 lists every input problem at its path. Stores nothing",
                      tag: "entitlements", parameters: [lang], requestSchema: "EntitlementInput", responseSchema: "EntitlementReport"),
            Operation(method: "get", path: "/api/v1/entitlements/rules", summary: "The legal regimes, every rule version with its validity, provision, source and status, and the minimum-wage tables", tag: "entitlements", responseSchema: "EntitlementRules"),
            Operation(method: "post", path: "/api/v1/cases/{caseID}/workers/{workerID}/entitlements", summary: "Calculate and save to the worker's claim: the claim's owed amount becomes the total and the ledger counts it by component (sealed; audited). 422 while facts the law needs are missing",
                      tag: "entitlements", parameters: [idParameter("caseID"), idParameter("workerID"), lang], requestSchema: "EntitlementInput", responseStatus: 201, responseSchema: "SavedEntitlement"),
            Operation(method: "get", path: "/api/v1/cases/{caseID}/entitlements", summary: "Calculations saved on the case, newest first", tag: "entitlements", parameters: [idParameter("caseID")], responseSchema: "SavedEntitlementList"),
            Operation(method: "get", path: "/api/v1/cases/{caseID}/entitlements/{calculationID}", summary: "One saved calculation with its input and report (audited)", tag: "entitlements",
                      parameters: [idParameter("caseID"), idParameter("calculationID"), lang], responseSchema: "SavedEntitlement"),
        ]
    }

    static var entitlementSchemas: [(String, JSONValue)] {
        let uuid = type("string", [("format", .string("uuid"))])
        let date = type("string", [("format", .string("date")), ("description", .string("YYYY-MM-DD"))])
        let amount = JSONValue.object([("type", .array([.string("string"), .string("number")])), ("description", .string("decimal amount in the regime's currency, e.g. \"12500\" or \"12,500.50\""))])
        let number = JSONValue.object([("type", .array([.string("string"), .string("number")]))])
        let strings = JSONValue.object([("type", .string("array")), ("items", type("string"))])
        func enumeration(_ values: [String]) -> JSONValue { type("string", [("enum", .array(values.map(JSONValue.string)))]) }
        func optionalObject(_ properties: [(String, JSONValue)]) -> JSONValue { object(properties, required: []) }
        func list(_ item: JSONValue) -> JSONValue { .object([("type", .string("array")), ("items", item)]) }
        let minorMap = JSONValue.object([("type", .string("object")), ("additionalProperties", type("integer"))])
        let rule = object([("id", type("string")), ("provision", type("string")), ("source", type("string")), ("status", enumeration(["V", "S", "U"])), ("verified", type("boolean")),
                           ("valid_from", date), ("valid_to", nullable("string")), ("note", nullable("string"))],
                          required: ["id", "provision", "source", "status", "verified", "valid_from"])
        let line = object([
            ("kind", enumeration(["underpayment", "overtime", "termination.notice", "termination.compensation", "seniority.indemnity", "seniority.backpay", "leave", "maternity", "festival_bonus"])),
            ("title", type("string")), ("component", enumeration(OwedComponent.allCases.map(\.rawValue))),
            ("outcome", enumeration(["computed", "not_entitled", "missing_input", "not_supported"])),
            ("due", nullable("string")), ("paid", nullable("string")), ("owed", nullable("string")),
            ("due_minor", nullable("integer")), ("paid_minor", nullable("integer")), ("owed_minor", nullable("integer")),
            ("verified", type("boolean", [("description", .string("false when any rule behind the line is S (secondary source) or U (unverified)"))])),
            ("rules", list(rule)), ("working", strings), ("missing", strings), ("missing_labels", strings), ("reason", nullable("string")),
        ], required: ["kind", "title", "component", "outcome", "verified", "rules", "working", "missing", "missing_labels"])
        return [
            ("EntitlementInput", object([
                ("regime", enumeration(["bd-bla", "bd-epz", "kh-labour"])),
                ("employment", optionalObject([("start", date), ("end", date), ("type", enumeration(EntitlementInput.EmploymentType.allCases.map(\.rawValue))),
                                               ("monthly_rated", type("boolean")), ("sector", type("string")), ("grade", type("string"))])),
                ("pay", optionalObject(RuleSchema.wageComponents.map { ($0, amount) })),
                ("termination", optionalObject([("cause", enumeration(EntitlementInput.Cause.allCases.map(\.rawValue))), ("notice_given_days", number),
                                                ("gratuity_scheme", enumeration(EntitlementInput.Gratuity.allCases.map(\.rawValue))), ("notice_paid", amount),
                                                ("compensation_paid", amount), ("seniority_paid_through", type("string", [("description", .string("YYYY-MM-DD or never (Cambodia)"))])),
                                                ("seniority_paid", amount), ("backpay_paid", amount)])),
                ("underpayment", optionalObject([("months", list(object([("month", type("string", [("description", .string("YYYY-MM"))])), ("paid", amount), ("grade", type("string"))],
                                                                       required: ["month", "paid"])))])),
                ("overtime", optionalObject([("period_end", date), ("hours", number), ("hours_night_or_rest_day", number), ("paid", amount)])),
                ("leave", optionalObject([("periods", list(object([("from", date), ("to", date), ("days_worked", number)], required: ["from", "to"]))), ("days_taken", number), ("paid", amount)])),
                ("maternity", optionalObject([("delivery_date", date), ("surviving_children", number), ("wages_last_3_months", amount), ("days_worked_last_3_months", number),
                                              ("wages_last_12_months", amount), ("paid", amount)])),
                ("festival_bonus", optionalObject([("festivals", list(object([("date", date), ("paid", amount)], required: ["date"])))])),
            ], required: ["regime"])),
            ("EntitlementReport", object([
                ("regime", type("string")), ("regime_title", type("string")), ("currency", type("string")), ("rules_digest", type("string")), ("language", type("string")),
                ("complete", type("boolean")), ("has_unverified", type("boolean")), ("owed_total", type("string")), ("owed_total_minor", type("integer")),
                ("owed_by_component", .object([("type", .string("object")), ("additionalProperties", type("string"))])), ("lines", list(line)),
            ], required: ["regime", "regime_title", "currency", "rules_digest", "language", "complete", "has_unverified", "owed_total", "owed_total_minor", "owed_by_component", "lines"])),
            ("EntitlementRules", object([("digest", type("string")), ("regimes", list(type("object"))), ("minimum_wage_tables", list(type("object")))],
                                        required: ["digest", "regimes", "minimum_wage_tables"])),
            ("SavedEntitlementSummary", object([
                ("id", uuid), ("case_id", uuid), ("worker_id", uuid), ("regime", type("string")), ("currency", type("string")), ("owed_total_minor", type("integer")),
                ("owed_by_component", minorMap), ("has_unverified", type("boolean")), ("rules_digest", type("string")), ("created_by", uuid),
                ("created_at", nullable("string", [("format", .string("date-time"))])), ("current", type("boolean")),
            ], required: ["id", "case_id", "worker_id", "regime", "currency", "owed_total_minor", "owed_by_component", "has_unverified", "rules_digest", "created_by", "current"])),
            ("SavedEntitlement", object([("calculation", schemaRef("SavedEntitlementSummary")), ("input", schemaRef("EntitlementInput")), ("report", schemaRef("EntitlementReport"))],
                                        required: ["calculation", "input", "report"])),
            ("SavedEntitlementList", object([("items", list(schemaRef("SavedEntitlementSummary")))], required: ["items"])),
        ]
    }
}
