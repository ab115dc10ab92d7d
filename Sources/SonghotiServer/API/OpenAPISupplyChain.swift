import Foundation
import SonghotiCore

/// The supply-chain part of the OpenAPI document: factories, brands, sourcing links, supplier-list imports,
/// escalations to brands, the wage-theft ledger and letter templates.
extension OpenAPIDocument {
    static var supplyChainOperations: [Operation] {
        let factory = [idParameter("factoryID")]
        let brand = [idParameter("brandID")]
        return [
            Operation(method: "get", path: "/api/v1/factories", summary: "Factories (merged records left out), by name, other name or OS ID and country", tag: "supply-chain",
                      parameters: [queryParameter("q", "name, other name or Open Supply Hub ID"), queryParameter("country", "ISO 3166-1 alpha-2"),
                                   queryParameter("limit", "1–200, default 50"), queryParameter("cursor", "next_cursor of the previous page")], responseSchema: "FactoryPage"),
            Operation(method: "post", path: "/api/v1/factories", summary: "Record a factory", tag: "supply-chain", requestSchema: "FactoryInput", responseStatus: 201, responseSchema: "Factory"),
            Operation(method: "get", path: "/api/v1/factories/{factoryID}", summary: "One factory; the id of a merged record answers 301 with the surviving factory's address", tag: "supply-chain", parameters: factory, responseSchema: "Factory"),
            Operation(method: "patch", path: "/api/v1/factories/{factoryID}", summary: "Correct a factory; other_names and identifiers replace the hand-entered ones", tag: "supply-chain", parameters: factory, requestSchema: "FactoryInput", responseSchema: "Factory"),
            Operation(method: "post", path: "/api/v1/factories/{factoryID}/merge", summary: "Merge a duplicate into this factory (coordinators): names and identifiers become aliases, cases and links move, the old id redirects", tag: "supply-chain", parameters: factory, requestSchema: "MergeInput", responseStatus: 201, responseSchema: "Merge"),
            Operation(method: "post", path: "/api/v1/factory-merges/{mergeID}/undo", summary: "Undo a merge: what moved goes back (coordinators); 409 if the survivor was merged since", tag: "supply-chain", parameters: [idParameter("mergeID")], responseSchema: "Merge"),
            Operation(method: "get", path: "/api/v1/brands", summary: "Brands", tag: "supply-chain", responseSchema: "BrandList"),
            Operation(method: "post", path: "/api/v1/brands", summary: "Record a brand", tag: "supply-chain", requestSchema: "BrandInput", responseStatus: 201, responseSchema: "Brand"),
            Operation(method: "get", path: "/api/v1/brands/{brandID}", summary: "One brand with its commitments and response statistics over the letters the caller may see", tag: "supply-chain", parameters: brand, responseSchema: "Brand"),
            Operation(method: "patch", path: "/api/v1/brands/{brandID}", summary: "Correct a brand", tag: "supply-chain", parameters: brand, requestSchema: "BrandInput", responseSchema: "Brand"),
            Operation(method: "post", path: "/api/v1/brands/{brandID}/commitments", summary: "Record a public commitment with its source", tag: "supply-chain", parameters: brand, requestSchema: "CommitmentInput", responseStatus: 201, responseSchema: "Commitment"),
            Operation(method: "get", path: "/api/v1/sourcing-links", summary: "Sourcing evidence for a factory or a brand", tag: "supply-chain",
                      parameters: [queryParameter("factory_id", "a factory id"), queryParameter("brand_id", "a brand id")], responseSchema: "SourcingLinkList"),
            Operation(method: "post", path: "/api/v1/sourcing-links/{linkID}/document", summary: "Keep a source document with the evidence (multipart/form-data, one part named file; PDF, JPEG, PNG or audio, ≤ 20 MB); stored sealed like case evidence", tag: "supply-chain", parameters: [idParameter("linkID")], requestSchema: "Upload", responseSchema: "SourcingLink"),
            Operation(method: "post", path: "/api/v1/escalations/{escalationID}/responses/{responseID}/document", summary: "Keep a document that came with a brand's answer (multipart/form-data, one part named file)", tag: "supply-chain",
                      parameters: [idParameter("escalationID"), idParameter("responseID")], requestSchema: "Upload", responseSchema: "Escalation"),
            Operation(method: "get", path: "/api/v1/documents/{documentID}", summary: "Download a document (evidence documents: anyone who may read the registry; documents with answers: whoever may open the case); audited", tag: "supply-chain", parameters: [idParameter("documentID")], responseSchema: "Binary"),
            Operation(method: "post", path: "/api/v1/sourcing-links", summary: "Record that a brand sources from a factory, with evidence and its source", tag: "supply-chain", requestSchema: "SourcingLinkInput", responseStatus: 201, responseSchema: "SourcingLink"),
            Operation(method: "post", path: "/api/v1/supplier-imports", summary: "Import a supplier list (the CSV is the body); every row is reported with its outcome (matched, review, new, rejected). 201, or 200 for a dry run that changes nothing", tag: "supply-chain",
                      parameters: [queryParameter("format", "open-supply-hub, transparency-pledge or auto"), queryParameter("brand_id", "whose list it is"),
                                   queryParameter("dry_run", "true to change nothing"), queryParameter("filename", "name to record")], requestSchema: "CSV", responseStatus: 201, responseSchema: "ImportReport"),
            Operation(method: "get", path: "/api/v1/supplier-imports/review", summary: "Rows waiting for a person's decision, with their scored candidates", tag: "supply-chain", responseSchema: "ReviewRowList"),
            Operation(method: "post", path: "/api/v1/supplier-imports/rows/{rowID}", summary: "Decide a review row: accept (with factory_id), reject, or new_factory", tag: "supply-chain", parameters: [idParameter("rowID")], requestSchema: "DecisionInput", responseSchema: "ReviewRow"),
            Operation(method: "get", path: "/api/v1/supplier-imports/{importID}", summary: "The stored report of an import", tag: "supply-chain", parameters: [idParameter("importID")], responseSchema: "ImportReport"),
            Operation(method: "get", path: "/api/v1/cases/{caseID}/escalations", summary: "Letters to brands about the case, and the brands suggested because they source from its factory (audited)", tag: "supply-chain", parameters: [idParameter("caseID")], responseSchema: "CaseEscalations"),
            Operation(method: "post", path: "/api/v1/cases/{caseID}/escalations", summary: "Write to brands: one letter per brand from the organisation's template; worker names only for workers whose brand-disclosure consent is in force and only with include_names", tag: "supply-chain", parameters: [idParameter("caseID")], requestSchema: "EscalationInput", responseStatus: 201, responseSchema: "EscalationList"),
            Operation(method: "get", path: "/api/v1/escalations/overdue", summary: "Letters past their deadline with no answer, on cases the caller may see", tag: "supply-chain", responseSchema: "OverdueList"),
            Operation(method: "get", path: "/api/v1/escalations/{escalationID}", summary: "One letter with its answers (audited)", tag: "supply-chain", parameters: [idParameter("escalationID")], responseSchema: "Escalation"),
            Operation(method: "post", path: "/api/v1/escalations/{escalationID}/responses", summary: "Record a brand's answer", tag: "supply-chain", parameters: [idParameter("escalationID")], requestSchema: "ResponseInput", responseStatus: 201, responseSchema: "Escalation"),
            Operation(method: "get", path: "/api/v1/ledger", summary: "Wage-theft ledger: owed by component, promised, delivered and outstanding per factory and per brand and currency (minor units)", tag: "supply-chain", responseSchema: "LedgerLineList"),
            Operation(method: "get", path: "/api/v1/ledger/export", summary: "The ledger as CSV (decimal amounts)", tag: "supply-chain", responseSchema: "CSV"),
            Operation(method: "get", path: "/api/v1/letter-templates", summary: "The letter templates per language and the placeholders they may use", tag: "supply-chain", responseSchema: "LetterTemplateList"),
            Operation(method: "put", path: "/api/v1/letter-templates/{language}", summary: "Replace a language's letter template (coordinators, administrators); unknown placeholders are refused", tag: "supply-chain",
                      parameters: [.object([("name", .string("language")), ("in", .string("path")), ("required", .bool(true)), ("schema", .object([("type", .string("string")), ("enum", .array([.string("en"), .string("bn")]))]))])],
                      requestSchema: "LetterTemplateInput", responseSchema: "LetterTemplate"),
        ]
    }

    static var supplyChainSchemas: [(String, JSONValue)] {
        let uuid = type("string", [("format", .string("uuid"))])
        let nullableUUID = nullable("string", [("format", .string("uuid"))])
        let date = type("string", [("format", .string("date"))])
        let strings = JSONValue.object([("type", .string("array")), ("items", type("string"))])
        func list(_ name: String) -> JSONValue { .object([("type", .string("array")), ("items", schemaRef(name))]) }
        func enumeration(_ values: [String]) -> JSONValue { type("string", [("enum", .array(values.map(JSONValue.string)))]) }
        let minorMap = JSONValue.object([("type", .string("object")), ("additionalProperties", type("integer"))])
        let identifier = object([("scheme", enumeration(FactoryIdentifier.Scheme.allCases.map(\.rawValue))), ("value", type("string")), ("source", type("string"))], required: ["scheme", "value", "source"])
        let candidate = object([("factory_id", uuid), ("score", type("number")), ("name_score", type("number")), ("address_score", type("number")), ("reason", type("string"))],
                               required: ["factory_id", "score", "name_score", "address_score", "reason"])
        let response = object([("id", uuid), ("kind", enumeration(BrandResponseKind.allCases.map(\.rawValue))), ("on_date", date), ("note", type("string")),
                               ("document_url", type("string")), ("document_id", nullableUUID), ("recorded_by", uuid)], required: ["id", "kind", "on_date", "note", "document_url", "recorded_by"])
        return [
            ("Factory", object([
                ("id", uuid), ("name", type("string")), ("other_names", strings), ("address", type("string")), ("country", type("string")),
                ("division", type("string")), ("district", type("string")), ("upazila", type("string")), ("latitude", nullable("number")), ("longitude", nullable("number")),
                ("os_id", nullable("string")), ("identifiers", .object([("type", .string("array")), ("items", identifier)])),
                ("worker_band", nullable("string", [("description", .string(WorkerCountBand.allCases.map(\.rawValue).joined(separator: ", ")))])), ("products", type("string")),
                ("parent_company", type("string")), ("union_presence", enumeration(FactoryRecord.UnionPresence.allCases.map(\.rawValue))), ("closed", type("boolean")),
                ("source", type("string")), ("created_by", nullableUUID), ("created_at", nullable("string", [("format", .string("date-time"))])),
                ("updated_at", nullable("string", [("format", .string("date-time"))])),
            ], required: ["id", "name", "other_names", "address", "country", "os_id", "identifiers", "closed"])),
            ("FactoryPage", object([("items", list("Factory")), ("next_cursor", nullable("string"))], required: ["items"])),
            ("FactoryInput", object([
                ("name", type("string")), ("other_names", strings), ("address", type("string")), ("country", type("string", [("description", .string("ISO code or English name"))])),
                ("division", type("string")), ("district", type("string")), ("upazila", type("string")), ("latitude", type("number")), ("longitude", type("number")),
                ("os_id", type("string", [("description", .string("15 characters; the check character is verified"))])),
                ("identifiers", .object([("type", .string("array")), ("items", object([("scheme", enumeration(FactoryIdentifier.Scheme.allCases.map(\.rawValue))), ("value", type("string"))], required: ["scheme", "value"]))])),
                ("worker_band", enumeration(WorkerCountBand.allCases.map(\.rawValue) + [""])), ("products", type("string")), ("parent_company", type("string")),
                ("union_presence", enumeration(FactoryRecord.UnionPresence.allCases.map(\.rawValue))), ("closed", type("boolean")), ("source", type("string")),
            ], required: [])),
            ("MergeInput", object([("duplicate_id", uuid)], required: ["duplicate_id"])),
            ("Merge", object([("id", uuid), ("survivor_id", uuid), ("merged_id", uuid), ("moved_cases", type("integer")), ("moved_links", type("integer")), ("undone", type("boolean"))],
                             required: ["id", "survivor_id", "merged_id", "moved_cases", "moved_links", "undone"])),
            ("Commitment", object([("id", uuid), ("kind", enumeration(BrandCommitment.Kind.allCases.map(\.rawValue))), ("statement", type("string")), ("made_on", date),
                                   ("source", type("string")), ("recorded_by", uuid), ("recorded_at", nullable("string", [("format", .string("date-time"))]))],
                                  required: ["id", "kind", "statement", "made_on", "source", "recorded_by"])),
            ("CommitmentInput", object([("kind", enumeration(BrandCommitment.Kind.allCases.map(\.rawValue))), ("statement", type("string")), ("made_on", date), ("source", type("string"))],
                                       required: ["kind", "statement", "made_on", "source"])),
            ("Brand", object([
                ("id", uuid), ("name", type("string")), ("other_names", strings), ("headquarters", type("string")), ("website", type("string")), ("parent_company", type("string")),
                ("accord_signatory", type("boolean")), ("accord_from", type("string")), ("accord_to", type("string")), ("accord_source", type("string")),
                ("pledge", enumeration(Brand.PledgeAlignment.allCases.map(\.rawValue))), ("pledge_source", type("string")),
                ("commitments", .object([("type", .array([.string("array"), .string("null")])), ("items", schemaRef("Commitment"))])),
                ("response_statistics", .object([("oneOf", .array([.object([("type", .string("null"))]), object([
                    ("letters", type("integer")), ("answered", type("integer")), ("response_rate", nullable("number")),
                    ("median_days_to_first_response", nullable("number")), ("remedy_delivered", type("integer")),
                ], required: ["letters", "answered", "remedy_delivered"])]))])),
                ("created_by", nullableUUID), ("created_at", nullable("string", [("format", .string("date-time"))])),
            ], required: ["id", "name", "other_names", "accord_signatory", "pledge"])),
            ("BrandList", list("Brand")),
            ("BrandInput", object([
                ("name", type("string")), ("other_names", strings), ("headquarters", type("string")), ("website", type("string")), ("parent_company", type("string")),
                ("accord_signatory", type("boolean")), ("accord_from", date), ("accord_to", date), ("accord_source", type("string")),
                ("pledge", enumeration(Brand.PledgeAlignment.allCases.map(\.rawValue))), ("pledge_source", type("string")),
            ], required: [])),
            ("SourcingLink", object([
                ("id", uuid), ("brand_id", uuid), ("factory_id", uuid), ("evidence", enumeration(SourcingLink.Evidence.allCases.map(\.rawValue))),
                ("period_from", type("string")), ("period_to", type("string")), ("confidence", enumeration(SourcingLink.Confidence.allCases.map(\.rawValue))),
                ("source_url", type("string")), ("source_note", type("string")), ("document_id", nullableUUID), ("import_id", nullableUUID), ("recorded_by", nullableUUID),
                ("recorded_at", nullable("string", [("format", .string("date-time"))])),
            ], required: ["id", "brand_id", "factory_id", "evidence", "confidence", "source_url", "source_note"])),
            ("SourcingLinkList", list("SourcingLink")),
            ("SourcingLinkInput", object([
                ("brand_id", uuid), ("factory_id", uuid), ("evidence", enumeration(SourcingLink.Evidence.allCases.map(\.rawValue))),
                ("period_from", type("string", [("description", .string("YYYY-MM or YYYY-MM-DD"))])), ("period_to", type("string")),
                ("confidence", enumeration(SourcingLink.Confidence.allCases.map(\.rawValue))), ("source_url", type("string")), ("source_note", type("string")),
            ], required: ["brand_id", "factory_id", "evidence"])),
            ("ImportReport", object([
                ("import_id", nullableUUID), ("dry_run", type("boolean")), ("filename", type("string")), ("format", type("string")), ("brand_id", nullableUUID),
                ("counts", minorMap),
                ("rows", .object([("type", .string("array")), ("items", object([
                    ("row", type("integer", [("description", .string("1-based data row number"))])), ("outcome", enumeration(["matched", "review", "new", "rejected"])),
                    ("factory_id", nullableUUID), ("os_id", nullable("string")), ("score", nullable("number")), ("reason", type("string")), ("problems", strings),
                    ("name", type("string")), ("country", type("string")), ("candidates", .object([("type", .string("array")), ("items", candidate)])),
                ], required: ["row", "outcome", "reason"]))])),
            ], required: ["dry_run", "format", "counts", "rows"])),
            ("ReviewRow", object([
                ("id", uuid), ("import_id", uuid), ("row", type("integer")), ("name", type("string")), ("address", type("string")), ("country", type("string")),
                ("os_id", nullable("string")), ("score", nullable("number")), ("candidates", .object([("type", .string("array")), ("items", candidate)])), ("resolution", type("string")),
            ], required: ["id", "import_id", "row", "name", "candidates", "resolution"])),
            ("ReviewRowList", list("ReviewRow")),
            ("DecisionInput", object([("decision", enumeration(["accept", "reject", "new_factory"])), ("factory_id", uuid)], required: ["decision"])),
            ("Escalation", object([
                ("id", uuid), ("case_id", uuid), ("brand_id", uuid), ("language", enumeration(["en", "bn"])), ("channel", enumeration(Escalation.Channel.allCases.map(\.rawValue))),
                ("sent_on", date), ("deadline", date), ("names_included", type("integer")), ("subject", type("string")), ("letter", type("string")), ("overdue", type("boolean")),
                ("responses", .object([("type", .string("array")), ("items", response)])),
            ], required: ["id", "case_id", "brand_id", "sent_on", "deadline", "letter", "overdue", "responses"])),
            ("EscalationList", list("Escalation")),
            ("CaseEscalations", object([("suggested_brand_ids", .object([("type", .string("array")), ("items", uuid)])), ("items", list("Escalation"))], required: ["suggested_brand_ids", "items"])),
            ("EscalationInput", object([
                ("brand_ids", .object([("type", .string("array")), ("items", uuid)])), ("language", enumeration(["en", "bn"])),
                ("channel", enumeration(Escalation.Channel.allCases.map(\.rawValue))), ("sent_on", date), ("deadline_days", type("integer", [("minimum", .int(1)), ("maximum", .int(365))])),
                ("include_names", type("boolean")),
            ], required: ["brand_ids"])),
            ("ResponseInput", object([("kind", enumeration(BrandResponseKind.allCases.map(\.rawValue))), ("on_date", date), ("note", type("string")), ("document_url", type("string"))],
                                     required: ["kind", "on_date"])),
            ("OverdueList", .object([("type", .string("array")), ("items", object([
                ("id", uuid), ("case_id", uuid), ("reference", type("string")), ("brand_id", uuid), ("brand", type("string")), ("sent_on", date), ("deadline", date),
            ], required: ["id", "case_id", "reference", "brand_id", "brand", "sent_on", "deadline"]))])),
            ("LedgerLineList", .object([("type", .string("array")), ("items", object([
                ("kind", enumeration(["factory", "brand"])), ("id", uuid), ("name", type("string")), ("os_id", nullable("string")), ("currency", type("string")),
                ("owed_minor", minorMap), ("owed_total_minor", type("integer")), ("promised_minor", type("integer")), ("delivered_minor", type("integer")), ("outstanding_minor", type("integer")),
            ], required: ["kind", "id", "name", "currency", "owed_minor", "owed_total_minor", "promised_minor", "delivered_minor", "outstanding_minor"]))])),
            ("LetterTemplate", object([("language", type("string")), ("subject", type("string")), ("body", type("string")), ("placeholders", strings)],
                                      required: ["language", "subject", "body", "placeholders"])),
            ("LetterTemplateList", list("LetterTemplate")),
            ("Binary", type("string", [("contentMediaType", .string("application/octet-stream"))])),
            ("LetterTemplateInput", object([("subject", type("string")), ("body", type("string"))], required: ["subject", "body"])),
        ]
    }
}
