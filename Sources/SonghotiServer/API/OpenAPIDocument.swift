import Foundation
import SonghotiCore
import Vapor

/// A JSON value, for writing the OpenAPI document as data.
indirect enum JSONValue: Encodable, Sendable {
    case string(String), int(Int), bool(Bool), array([JSONValue]), object([(String, JSONValue)])

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let value): var c = encoder.singleValueContainer(); try c.encode(value)
        case .int(let value): var c = encoder.singleValueContainer(); try c.encode(value)
        case .bool(let value): var c = encoder.singleValueContainer(); try c.encode(value)
        case .array(let values): var c = encoder.unkeyedContainer(); for v in values { try c.encode(v) }
        case .object(let pairs):
            var c = encoder.container(keyedBy: Key.self)
            for (key, value) in pairs { try c.encode(value, forKey: Key(stringValue: key)) }
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// The OpenAPI 3.1 description of `/api/v1`. A test checks that it lists exactly the registered API routes.
enum OpenAPIDocument {
    struct Operation {
        let method: String
        let path: String
        let summary: String
        let tag: String
        var parameters: [JSONValue] = []
        var requestSchema: String?
        var responseStatus: Int = 200
        var responseSchema: String?
    }

    static func idParameter(_ name: String) -> JSONValue {
        .object([("name", .string(name)), ("in", .string("path")), ("required", .bool(true)), ("schema", .object([("type", .string("string")), ("format", .string("uuid"))]))])
    }
    static let pageParameters: [JSONValue] = [
        .object([("name", .string("limit")), ("in", .string("query")), ("schema", .object([("type", .string("integer")), ("minimum", .int(1)), ("maximum", .int(200)), ("default", .int(50))]))]),
        .object([("name", .string("cursor")), ("in", .string("query")), ("description", .string("next_cursor from the previous page")), ("schema", .object([("type", .string("string"))]))]),
    ]

    static let caseFilterParameters: [JSONValue] = [
        queryParameter("q", "words (prefix match), a case reference such as DHK-2026-00012, or a worker code such as W-00123"),
        queryParameter("status", "a case status"), queryParameter("category", "a category key"), queryParameter("urgency", "emergency, urgent or standard"),
        queryParameter("channel", "an intake channel"), queryParameter("office", "office id"), queryParameter("assignee", "'me' or a staff id"),
        queryParameter("factory", "factory id"), queryParameter("from", "opened on or after (YYYY-MM-DD)"), queryParameter("to", "opened on or before (YYYY-MM-DD)"),
    ]

    static let operations: [Operation] = [
        Operation(method: "get", path: "/api/v1/openapi.json", summary: "This document", tag: "meta"),
        Operation(method: "get", path: "/api/v1/me", summary: "The account that owns the token", tag: "users", responseSchema: "User"),
        Operation(method: "get", path: "/api/v1/users", summary: "Staff accounts within the caller's scope", tag: "users", parameters: pageParameters, responseSchema: "UserPage"),
        Operation(method: "post", path: "/api/v1/users", summary: "Create a staff account (the owner must change the password at first sign-in)", tag: "users", requestSchema: "UserCreate", responseStatus: 201, responseSchema: "User"),
        Operation(method: "get", path: "/api/v1/users/{userID}", summary: "One staff account", tag: "users", parameters: [idParameter("userID")], responseSchema: "User"),
        Operation(method: "patch", path: "/api/v1/users/{userID}", summary: "Change a staff account; disabled: true ends its sessions", tag: "users", parameters: [idParameter("userID")], requestSchema: "UserUpdate", responseSchema: "User"),
        Operation(method: "get", path: "/api/v1/offices", summary: "Offices", tag: "offices", parameters: pageParameters, responseSchema: "OfficePage"),
        Operation(method: "post", path: "/api/v1/offices", summary: "Create an office", tag: "offices", requestSchema: "OfficeCreate", responseStatus: 201, responseSchema: "Office"),
        Operation(method: "get", path: "/api/v1/offices/{officeID}", summary: "One office", tag: "offices", parameters: [idParameter("officeID")], responseSchema: "Office"),
        Operation(method: "patch", path: "/api/v1/offices/{officeID}", summary: "Change an office", tag: "offices", parameters: [idParameter("officeID")], requestSchema: "OfficeUpdate", responseSchema: "Office"),
        Operation(method: "get", path: "/api/v1/workers", summary: "Workers in the caller's scope (codes and non-identifying fields), or an exact lookup by ?phone= or ?national_id= through the blind index (case-handling roles only; audited)", tag: "workers",
                  parameters: pageParameters + [queryParameter("phone", "full phone number in any format"), queryParameter("national_id", "full national ID or passport number")], responseSchema: "WorkerPage"),
        Operation(method: "post", path: "/api/v1/workers", summary: "Record a worker; 409 if the phone or ID number is already on record unless confirm_new is true", tag: "workers", requestSchema: "WorkerInput", responseStatus: 201, responseSchema: "Worker"),
        Operation(method: "get", path: "/api/v1/workers/{workerID}", summary: "One worker; identifiers included for case-handling roles (the view is audited)", tag: "workers", parameters: [idParameter("workerID")], responseSchema: "Worker"),
        Operation(method: "patch", path: "/api/v1/workers/{workerID}", summary: "Change a worker", tag: "workers", parameters: [idParameter("workerID")], requestSchema: "WorkerInput", responseSchema: "Worker"),
        Operation(method: "get", path: "/api/v1/workers/{workerID}/consents", summary: "The worker's consents, including withdrawn ones", tag: "workers", parameters: [idParameter("workerID")], responseSchema: "ConsentList"),
        Operation(method: "post", path: "/api/v1/workers/{workerID}/consents", summary: "Record a consent", tag: "workers", parameters: [idParameter("workerID")], requestSchema: "ConsentInput", responseStatus: 201, responseSchema: "Consent"),
        Operation(method: "get", path: "/api/v1/cases", summary: "Cases the caller may open, newest first with keyset pagination (restricted cases only for their assignees and coordinators); no narratives in lists. q searches words in the narratives of non-restricted cases (prefix match, English and Bangla), or takes a case reference or worker code", tag: "cases",
                  parameters: pageParameters + caseFilterParameters, responseSchema: "CasePage"),
        Operation(method: "get", path: "/api/v1/cases/export", summary: "The cases matching the same filters as text/csv (no narratives; cells guarded against formula injection); identifiers=true adds worker names and phones for roles that may see them (audited per worker)", tag: "cases",
                  parameters: caseFilterParameters + [queryParameter("identifiers", "true to include names and phone numbers")], responseSchema: "CSV"),
        Operation(method: "get", path: "/api/v1/cases/filters", summary: "The caller's saved case-list filters", tag: "cases", responseSchema: "SavedFilterList"),
        Operation(method: "post", path: "/api/v1/cases/filters", summary: "Save a case-list filter (at most 30 per person)", tag: "cases", requestSchema: "SavedFilterInput", responseStatus: 201, responseSchema: "SavedFilter"),
        Operation(method: "delete", path: "/api/v1/cases/filters/{filterID}", summary: "Remove a saved filter", tag: "cases", parameters: [idParameter("filterID")], responseStatus: 204),
        Operation(method: "patch", path: "/api/v1/cases/{caseID}", summary: "Change a case; absent fields stay. Coordinators assign staff (assignee_ids) and lift a restriction; restricting re-seals every narrative of the case and removes it from the search index", tag: "cases", parameters: [idParameter("caseID")], requestSchema: "CasePatch", responseSchema: "Case"),
        Operation(method: "get", path: "/api/v1/cases/{caseID}/workers", summary: "Each worker's claim, amount owed and outcome, with the case's owed totals (minor units per currency); audited", tag: "cases", parameters: [idParameter("caseID")], responseSchema: "Claims"),
        Operation(method: "post", path: "/api/v1/cases/{caseID}/workers", summary: "Add a worker (code or id) to a collective case", tag: "cases", parameters: [idParameter("caseID")], requestSchema: "AddWorker", responseStatus: 201, responseSchema: "Claim"),
        Operation(method: "patch", path: "/api/v1/cases/{caseID}/workers/{workerID}", summary: "Change a worker's claim, amount owed or outcome", tag: "cases", parameters: [idParameter("caseID"), idParameter("workerID")], requestSchema: "ClaimInput", responseSchema: "Claim"),
        Operation(method: "delete", path: "/api/v1/cases/{caseID}/workers/{workerID}", summary: "Take a worker off a collective case; 422 if it is the last worker or referrals or remedies on the case name them", tag: "cases", parameters: [idParameter("caseID"), idParameter("workerID")], responseStatus: 204),
        Operation(method: "get", path: "/api/v1/remedies/totals", summary: "Owed, promised and delivered money per office and currency over the cases in the caller's scope", tag: "cases", responseSchema: "RemedyTotals"),
        Operation(method: "post", path: "/api/v1/cases", summary: "Open a case for one worker (individual) or several (collective); the caller is assigned", tag: "cases", requestSchema: "CaseInput", responseStatus: 201, responseSchema: "Case"),
        Operation(method: "get", path: "/api/v1/cases/{caseID}", summary: "One case with its narrative; 403 for a restricted case until a reason is stated; every read is audited", tag: "cases", parameters: [idParameter("caseID")], responseSchema: "Case"),
        Operation(method: "post", path: "/api/v1/cases/{caseID}/access", summary: "Break glass: state why you need to open a restricted case (audited, shown on the case, valid 12 hours)", tag: "cases", parameters: [idParameter("caseID")], requestSchema: "AccessReason", responseStatus: 204),
        Operation(method: "post", path: "/api/v1/cases/{caseID}/transitions", summary: "Change status along the workflow; closing needs an outcome and, if the organisation requires it, a coordinator", tag: "cases", parameters: [idParameter("caseID")], requestSchema: "TransitionInput", responseSchema: "TransitionResult"),
        Operation(method: "get", path: "/api/v1/cases/{caseID}/events", summary: "The case's timeline, newest first, each entry with its earlier versions; audited", tag: "cases", parameters: [idParameter("caseID")], responseSchema: "EventList"),
        Operation(method: "post", path: "/api/v1/cases/{caseID}/events", summary: "Add a note, call, meeting, letter, hearing or counselling session to the timeline", tag: "cases", parameters: [idParameter("caseID")], requestSchema: "EventInput", responseStatus: 201, responseSchema: "Event"),
        Operation(method: "get", path: "/api/v1/cases/{caseID}/referrals", summary: "Referrals made from the case", tag: "cases", parameters: [idParameter("caseID")], responseSchema: "ReferralList"),
        Operation(method: "post", path: "/api/v1/cases/{caseID}/referrals", summary: "Refer a worker on the case to a partner; 409 unless the worker consented to referral to that partner or a coordinator gives override_reason (audited)", tag: "cases", parameters: [idParameter("caseID")], requestSchema: "ReferralInput", responseStatus: 201, responseSchema: "Referral"),
        Operation(method: "get", path: "/api/v1/cases/{caseID}/remedies", summary: "Remedy items and the case's promised and delivered totals (minor units per currency)", tag: "cases", parameters: [idParameter("caseID")], responseSchema: "Remedies"),
        Operation(method: "post", path: "/api/v1/cases/{caseID}/remedies", summary: "Record a remedy promised or delivered", tag: "cases", parameters: [idParameter("caseID")], requestSchema: "RemedyInput", responseStatus: 201, responseSchema: "Remedy"),
        Operation(method: "post", path: "/api/v1/cases/{caseID}/attachments", summary: "Upload evidence (multipart/form-data, one part named file; JPEG, PNG, PDF or audio, at most 20 MB, recognised by content). Stored encrypted on disk; SHA-256, uploader and time recorded", tag: "cases", parameters: [idParameter("caseID")], requestSchema: "Upload", responseStatus: 201, responseSchema: "Attachment"),
        Operation(method: "get", path: "/api/v1/tasks", summary: "Open tasks assigned to the caller (assignee=me), soonest first; include_done=true adds finished ones", tag: "tasks",
                  parameters: [queryParameter("assignee", "only 'me'"), queryParameter("include_done", "true or false")], responseSchema: "TaskList"),
    ] + supplyChainOperations + entitlementOperations

    static func queryParameter(_ name: String, _ description: String) -> JSONValue {
        .object([("name", .string(name)), ("in", .string("query")), ("description", .string(description)), ("schema", .object([("type", .string("string"))]))])
    }

    static func schemaRef(_ name: String) -> JSONValue { .object([("$ref", .string("#/components/schemas/\(name)"))]) }
    static func type(_ t: String, _ extra: [(String, JSONValue)] = []) -> JSONValue { .object([("type", .string(t))] + extra) }
    static func nullable(_ t: String, _ extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([("type", .array([.string(t), .string("null")]))] + extra)
    }
    private static let roles: JSONValue = .array(["administrator", "coordinator", "caseworker", "programme_officer", "viewer"].map(JSONValue.string))
    private static let languages: JSONValue = .array(["en", "bn", "km"].map(JSONValue.string))
    private static let sexes: JSONValue = .array(Worker.Sex.allCases.map { .string($0.rawValue) })
    private static let migrantStatuses: JSONValue = .array(Worker.MigrantStatus.allCases.map { .string($0.rawValue) })
    private static let purposes: JSONValue = .array(ConsentPurpose.allCases.map { .string($0.rawValue) })
    private static let methods: JSONValue = .array(ConsentMethod.allCases.map { .string($0.rawValue) })
    private static let statuses: JSONValue = .array(CaseStatus.allCases.map { .string($0.rawValue) })
    private static let outcomes: JSONValue = .array(CaseOutcome.allCases.map { .string($0.rawValue) })
    private static let urgencies: JSONValue = .array(CaseUrgency.allCases.map { .string($0.rawValue) })
    private static let channels: JSONValue = .array(IntakeChannel.allCases.map { .string($0.rawValue) })
    private static let eventKinds: JSONValue = .array(CaseEvent.Kind.allCases.map { .string($0.rawValue) })
    private static let kinds: JSONValue = .array(Office.Kind.allCases.map { .string($0.rawValue) })

    static func object(_ properties: [(String, JSONValue)], required: [String]) -> JSONValue {
        .object([("type", .string("object")), ("properties", .object(properties)), ("required", .array(required.map(JSONValue.string))), ("additionalProperties", .bool(false))])
    }

    static var schemas: [(String, JSONValue)] {
        let user = object([
            ("id", type("string", [("format", .string("uuid"))])), ("email", type("string", [("format", .string("email"))])),
            ("display_name", type("string")), ("role", type("string", [("enum", roles)])),
            ("office_id", nullable("string", [("format", .string("uuid")), ("description", .string("null = whole organisation"))])),
            ("language", type("string", [("enum", languages)])), ("two_factor", type("boolean")), ("disabled", type("boolean")),
            ("created_at", nullable("string", [("format", .string("date-time"))])),
        ], required: ["id", "email", "display_name", "role", "office_id", "language", "two_factor", "disabled"])
        let office = object([
            ("id", type("string", [("format", .string("uuid"))])), ("name", type("string")),
            ("code", type("string", [("pattern", .string("^[A-Z0-9]{2,10}$"))])), ("kind", type("string", [("enum", kinds)])),
            ("location", type("string")), ("active", type("boolean")),
        ], required: ["id", "name", "code", "kind", "location", "active"])
        func page(_ item: String) -> JSONValue {
            object([("items", .object([("type", .string("array")), ("items", schemaRef(item))])), ("next_cursor", nullable("string"))], required: ["items"])
        }
        return [
            ("User", user),
            ("UserPage", page("User")),
            ("UserCreate", object([
                ("email", type("string", [("format", .string("email"))])), ("display_name", type("string", [("maxLength", .int(200))])),
                ("role", type("string", [("enum", roles)])), ("office_id", nullable("string", [("format", .string("uuid"))])),
                ("language", type("string", [("enum", languages)])),
                ("password", type("string", [("minLength", .int(12)), ("description", .string("temporary; at most 72 UTF-8 bytes; not a common password"))])),
            ], required: ["email", "display_name", "role", "password"])),
            ("UserUpdate", object([
                ("display_name", type("string")), ("role", type("string", [("enum", roles)])),
                ("office_id", nullable("string", [("format", .string("uuid"))])), ("language", type("string", [("enum", languages)])),
                ("disabled", type("boolean")),
            ], required: [])),
            ("Office", office),
            ("OfficePage", page("Office")),
            ("OfficeCreate", object([
                ("name", type("string", [("maxLength", .int(200))])), ("code", type("string", [("pattern", .string("^[A-Za-z0-9]{2,10}$"))])),
                ("kind", type("string", [("enum", kinds)])), ("location", type("string")), ("active", type("boolean")),
            ], required: ["name", "code"])),
            ("OfficeUpdate", object([
                ("name", type("string")), ("code", type("string")), ("kind", type("string", [("enum", kinds)])),
                ("location", type("string")), ("active", type("boolean")),
            ], required: [])),
            ("Worker", object([
                ("id", type("string", [("format", .string("uuid"))])), ("code", type("string", [("pattern", .string("^W-[0-9]{5,}$"))])),
                ("office_id", type("string", [("format", .string("uuid"))])), ("sex", type("string", [("enum", sexes)])),
                ("birth_year", nullable("integer")), ("district", type("string")), ("upazila", type("string")), ("occupation", type("string")),
                ("grade", type("string")), ("migrant_status", type("string", [("enum", migrantStatuses)])), ("languages", type("string")),
                ("identifiers", .object([("oneOf", .array([.object([("type", .string("null"))]), object([
                    ("full_name", type("string")), ("phone", nullable("string")), ("national_id", nullable("string")),
                    ("address", nullable("string")), ("birth_date", nullable("string", [("format", .string("date"))])),
                ], required: ["full_name"])]))])),
            ], required: ["id", "code", "office_id", "sex", "district", "upazila", "occupation", "grade", "migrant_status", "languages"])),
            ("WorkerPage", page("Worker")),
            ("WorkerInput", object([
                ("full_name", type("string", [("maxLength", .int(200))])), ("phone", type("string")), ("national_id", type("string", [("maxLength", .int(40))])),
                ("address", type("string", [("maxLength", .int(500))])), ("birth_date", type("string", [("format", .string("date"))])),
                ("sex", type("string", [("enum", sexes)])), ("birth_year", type("integer")), ("district", type("string")), ("upazila", type("string")),
                ("occupation", type("string")), ("grade", type("string")), ("migrant_status", type("string", [("enum", migrantStatuses)])),
                ("languages", type("string")), ("office_id", type("string", [("format", .string("uuid"))])), ("confirm_new", type("boolean")),
            ], required: [])),
            ("Consent", object([
                ("id", type("string", [("format", .string("uuid"))])), ("purpose", type("string", [("enum", purposes)])), ("partner", nullable("string")),
                ("given_on", type("string", [("format", .string("date"))])), ("method", type("string", [("enum", methods)])),
                ("withdrawn_on", nullable("string", [("format", .string("date"))])),
            ], required: ["id", "purpose", "given_on", "method"])),
            ("ConsentList", .object([("type", .string("array")), ("items", schemaRef("Consent"))])),
            ("ConsentInput", object([
                ("purpose", type("string", [("enum", purposes)])), ("partner", type("string", [("description", .string("required for referral"))])),
                ("given_on", type("string", [("format", .string("date"))])), ("method", type("string", [("enum", methods)])),
            ], required: ["purpose", "given_on", "method"])),
            ("Case", object([
                ("id", type("string", [("format", .string("uuid"))])), ("reference", type("string", [("pattern", .string("^[A-Z0-9]{2,10}-[0-9]{4}-[0-9]{5,}$"))])),
                ("office_id", type("string", [("format", .string("uuid"))])), ("kind", type("string", [("enum", .array([.string("individual"), .string("collective")]))])),
                ("category", type("string")), ("channel", type("string", [("enum", channels)])), ("urgency", type("string", [("enum", urgencies)])),
                ("status", type("string", [("enum", statuses)])), ("restricted", type("boolean")), ("summary", nullable("string")),
                ("worker_ids", .object([("type", .array([.string("array"), .string("null")])), ("items", type("string", [("format", .string("uuid"))]))])),
                ("assignee_ids", .object([("type", .array([.string("array"), .string("null")])), ("items", type("string", [("format", .string("uuid"))]))])),
                ("factory_id", nullable("string", [("format", .string("uuid"))])), ("country", type("string")),
                ("incident_from", nullable("string", [("format", .string("date"))])), ("incident_to", nullable("string", [("format", .string("date"))])),
                ("outcome", nullable("string")), ("closure_requested_outcome", nullable("string")),
                ("first_response_due_at", type("string", [("format", .string("date-time"))])), ("created_at", nullable("string", [("format", .string("date-time"))])),
            ], required: ["id", "reference", "office_id", "kind", "category", "channel", "urgency", "status", "restricted", "country", "first_response_due_at"])),
            ("CasePage", page("Case")),
            ("CaseInput", object([
                ("office_id", type("string", [("format", .string("uuid"))])), ("kind", type("string", [("enum", .array([.string("individual"), .string("collective")]))])),
                ("category", type("string")), ("channel", type("string", [("enum", channels)])), ("urgency", type("string", [("enum", urgencies)])),
                ("summary", type("string", [("maxLength", .int(20000))])), ("restricted", type("boolean")),
                ("workers", .object([("type", .string("array")), ("items", type("string", [("description", .string("worker code such as W-00012, or id"))]))])),
                ("employer", type("string")), ("country", type("string", [("pattern", .string("^[A-Za-z]{2}$"))])),
                ("incident_from", type("string", [("format", .string("date"))])), ("incident_to", type("string", [("format", .string("date"))])),
                ("destination_country", type("string")), ("recruiting_agency", type("string")),
            ], required: ["category", "channel", "summary", "workers"])),
            ("CasePatch", object([
                ("category", type("string")), ("channel", type("string", [("enum", channels)])), ("urgency", type("string", [("enum", urgencies)])),
                ("summary", type("string", [("maxLength", .int(20000))])), ("restricted", type("boolean")),
                ("assignee_ids", .object([("type", .string("array")), ("items", type("string", [("format", .string("uuid"))]))])),
                ("employer", type("string", [("description", .string("empty removes the employer"))])), ("country", type("string", [("pattern", .string("^[A-Za-z]{2}$"))])),
                ("incident_from", type("string")), ("incident_to", type("string")), ("destination_country", type("string")), ("recruiting_agency", type("string")),
            ], required: [])),
            ("CSV", .object([("type", .string("string")), ("description", .string("RFC 4180 CSV, UTF-8 with a byte-order mark"))])),
            ("SavedFilter", object([("id", type("string", [("format", .string("uuid"))])), ("name", type("string")), ("query", type("string"))], required: ["id", "name", "query"])),
            ("SavedFilterList", .object([("type", .string("array")), ("items", schemaRef("SavedFilter"))])),
            ("SavedFilterInput", object([("name", type("string", [("maxLength", .int(80))])), ("query", type("string", [("description", .string("a case-list query string such as status=new&q=wages"))]))], required: ["name", "query"])),
            ("Claim", object([
                ("worker_id", type("string", [("format", .string("uuid"))])), ("worker_code", type("string")), ("claim", type("string")),
                ("owed_minor", nullable("integer")), ("currency", nullable("string")), ("outcome", nullable("string")),
            ], required: ["worker_id", "worker_code", "claim"])),
            ("Claims", object([
                ("items", .object([("type", .string("array")), ("items", schemaRef("Claim"))])),
                ("owed", .object([("type", .string("object")), ("additionalProperties", type("integer"))])),
            ], required: ["items", "owed"])),
            ("AddWorker", object([("worker", type("string", [("description", .string("worker code such as W-00012, or id"))]))], required: ["worker"])),
            ("ClaimInput", object([
                ("claim", type("string", [("maxLength", .int(2000))])), ("owed", type("string", [("description", .string("decimal amount such as 45000.50; empty clears it"))])),
                ("currency", type("string")), ("outcome", type("string", [("description", .string("a case outcome, or empty"))])),
            ], required: [])),
            ("RemedyTotals", .object([("type", .string("array")), ("items", object([
                ("office_id", type("string", [("format", .string("uuid"))])), ("currency", type("string")),
                ("owed_minor", type("integer")), ("promised_minor", type("integer")), ("delivered_minor", type("integer")),
            ], required: ["office_id", "currency", "owed_minor", "promised_minor", "delivered_minor"]))])),
            ("AccessReason", object([("reason", type("string", [("minLength", .int(10)), ("maxLength", .int(1000))]))], required: ["reason"])),
            ("TransitionInput", object([("to", type("string", [("enum", statuses)])), ("outcome", type("string", [("enum", outcomes)]))], required: ["to"])),
            ("TransitionResult", object([("status", type("string", [("enum", statuses)])), ("closure_requested", type("boolean"))], required: ["status", "closure_requested"])),
            ("Event", object([
                ("id", type("string", [("format", .string("uuid"))])), ("kind", type("string", [("enum", eventKinds)])),
                ("occurred_at", type("string", [("format", .string("date-time"))])), ("body", type("string")),
                ("author_id", type("string", [("format", .string("uuid"))])), ("edited", type("boolean")),
                ("previous_versions", .object([("type", .string("array")), ("items", type("string"))])),
            ], required: ["id", "kind", "occurred_at", "body", "author_id", "edited", "previous_versions"])),
            ("EventList", .object([("type", .string("array")), ("items", schemaRef("Event"))])),
            ("EventInput", object([
                ("kind", type("string", [("enum", eventKinds)])), ("body", type("string", [("maxLength", .int(20000))])),
                ("occurred_at", type("string", [("format", .string("date-time")), ("description", .string("defaults to now"))])),
            ], required: ["kind", "body"])),
            ("Referral", object([
                ("id", type("string", [("format", .string("uuid"))])), ("worker_id", type("string", [("format", .string("uuid"))])),
                ("partner_id", type("string", [("format", .string("uuid"))])), ("status", type("string", [("enum", .array(Referral.Status.allCases.map { .string($0.rawValue) }))])),
                ("follow_up_on", nullable("string", [("format", .string("date"))])), ("feedback", type("string")), ("consent_overridden", type("boolean")),
            ], required: ["id", "worker_id", "partner_id", "status", "feedback", "consent_overridden"])),
            ("ReferralList", .object([("type", .string("array")), ("items", schemaRef("Referral"))])),
            ("ReferralInput", object([
                ("worker_id", type("string", [("format", .string("uuid"))])), ("partner_id", type("string", [("format", .string("uuid"))])),
                ("follow_up_on", type("string", [("format", .string("date"))])),
                ("override_reason", type("string", [("minLength", .int(20)), ("description", .string("coordinators only: why the referral cannot wait for consent"))])),
            ], required: ["worker_id", "partner_id"])),
            ("Remedy", object([
                ("id", type("string", [("format", .string("uuid"))])), ("worker_id", nullable("string", [("format", .string("uuid"))])),
                ("kind", type("string", [("enum", .array(RemedyItem.Kind.allCases.map { .string($0.rawValue) }))])),
                ("stage", type("string", [("enum", .array([.string("promised"), .string("delivered")]))])),
                ("amount_minor", nullable("integer")), ("currency", nullable("string")), ("on_date", type("string", [("format", .string("date"))])),
                ("confirmed_by_worker", type("string", [("enum", .array([.string("yes"), .string("no"), .string("unknown")]))])), ("note", type("string")),
            ], required: ["id", "kind", "stage", "on_date", "confirmed_by_worker", "note"])),
            ("Remedies", object([
                ("items", .object([("type", .string("array")), ("items", schemaRef("Remedy"))])),
                ("promised", .object([("type", .string("object")), ("additionalProperties", type("integer"))])),
                ("delivered", .object([("type", .string("object")), ("additionalProperties", type("integer"))])),
            ], required: ["items", "promised", "delivered"])),
            ("RemedyInput", object([
                ("worker_id", type("string", [("format", .string("uuid"))])),
                ("kind", type("string", [("enum", .array(RemedyItem.Kind.allCases.map { .string($0.rawValue) }))])),
                ("stage", type("string", [("enum", .array([.string("promised"), .string("delivered")]))])),
                ("amount", type("string", [("pattern", .string("^[0-9][0-9,]*(\\.[0-9]+)?$")), ("description", .string("decimal string; required for wages, severance, benefit, compensation"))])),
                ("currency", type("string", [("enum", .array(Money.minorDigits.keys.sorted().map(JSONValue.string)))])),
                ("on_date", type("string", [("format", .string("date"))])),
                ("confirmed_by_worker", type("string", [("enum", .array([.string("yes"), .string("no"), .string("unknown")]))])), ("note", type("string")),
            ], required: ["kind", "stage", "on_date"])),
            ("Attachment", object([
                ("id", type("string", [("format", .string("uuid"))])), ("media_type", type("string")), ("size", type("integer")),
                ("sha256", type("string", [("pattern", .string("^[0-9a-f]{64}$"))])), ("uploaded_by", type("string", [("format", .string("uuid"))])),
                ("uploaded_at", nullable("string", [("format", .string("date-time"))])),
            ], required: ["id", "media_type", "size", "sha256", "uploaded_by"])),
            ("Upload", object([("file", type("string", [("contentMediaType", .string("application/octet-stream"))]))], required: ["file"])),
            ("Task", object([
                ("id", type("string", [("format", .string("uuid"))])), ("case_id", type("string", [("format", .string("uuid"))])),
                ("kind", type("string", [("enum", .array([.string("follow_up"), .string("retaliation_check")]))])), ("title", type("string")),
                ("due_on", type("string", [("format", .string("date"))])), ("done", type("boolean")),
            ], required: ["id", "case_id", "kind", "title", "due_on", "done"])),
            ("TaskList", .object([("type", .string("array")), ("items", schemaRef("Task"))])),
            ("Problem", object([
                ("type", type("string", [("format", .string("uri-reference"))])), ("title", type("string")), ("status", type("integer")),
                ("detail", type("string")),
                ("errors", .object([("type", .string("array")), ("items", object([("field", type("string")), ("message", type("string"))], required: ["field", "message"]))])),
            ], required: ["type", "title", "status"])),
        ] + supplyChainSchemas + entitlementSchemas
    }

    static var document: JSONValue {
        var paths: [(String, [(String, JSONValue)])] = []
        for operation in operations {
            var responses: [(String, JSONValue)] = []
            let content: JSONValue? = operation.responseStatus == 204 ? nil : operation.responseSchema.map { .object([($0 == "CSV" ? "text/csv" : $0 == "Binary" ? "application/octet-stream" : "application/json", .object([("schema", schemaRef($0))]))]) }
                ?? .object([("application/json", .object([("schema", type("object"))]))])
            responses.append((String(operation.responseStatus), .object([("description", .string("Success"))] + (content.map { [("content", $0)] } ?? []))))
            let problem: JSONValue = .object([("application/problem+json", .object([("schema", schemaRef("Problem"))]))])
            for (status, text) in [("401", "Missing or invalid token"), ("403", "Not allowed for this role or scope"), ("422", "Invalid fields")] {
                responses.append((status, .object([("description", .string(text)), ("content", problem)])))
            }
            var body: [(String, JSONValue)] = [
                ("summary", .string(operation.summary)),
                ("operationId", .string(operation.method + operation.path.replacingOccurrences(of: "/api/v1", with: "").split(whereSeparator: { !$0.isLetter }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined())),
                ("tags", .array([.string(operation.tag)])),
                ("responses", .object(responses)),
            ]
            if !operation.parameters.isEmpty { body.append(("parameters", .array(operation.parameters))) }
            if let request = operation.requestSchema {
                let media = request == "Upload" ? "multipart/form-data" : request == "CSV" ? "text/csv" : "application/json"
                body.append(("requestBody", .object([("required", .bool(true)), ("content", .object([(media, .object([("schema", schemaRef(request))]))]))])))
            }
            if operation.path == "/api/v1/openapi.json" { body.append(("security", .array([]))) }
            if let index = paths.firstIndex(where: { $0.0 == operation.path }) {
                paths[index].1.append((operation.method, .object(body)))
            } else {
                paths.append((operation.path, [(operation.method, .object(body))]))
            }
        }
        return .object([
            ("openapi", .string("3.1.0")),
            ("info", .object([("title", .string("Songhoti API")), ("version", .string("1")),
                              ("description", .string("Bearer tokens from `songhoti tokens create` or the account page. Errors are RFC 9457 application/problem+json. Lists use cursor pagination."))])),
            ("servers", .array([.object([("url", .string("/"))])])),
            ("security", .array([.object([("bearer", .array([]))])])),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            ("components", .object([
                ("securitySchemes", .object([("bearer", .object([("type", .string("http")), ("scheme", .string("bearer"))]))])),
                ("schemas", .object(schemas)),
            ])),
        ])
    }

    static func response(_ req: Request) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(document)
        return Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(data: data))
    }
}
