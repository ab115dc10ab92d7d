import Fluent
import Foundation
import Vapor

/// Creating and changing offices; the web pages, the API and the CLI all come through here.
struct OfficeService {
    struct Input: Sendable {
        var name: String
        var code: String
        var kind: String
        var location: String
        var active: Bool
    }

    let context: ChangeContext

    static func normalised(_ input: Input) -> Input {
        Input(name: input.name.trimmingCharacters(in: .whitespacesAndNewlines),
              code: input.code.trimmingCharacters(in: .whitespacesAndNewlines).uppercased(),
              kind: input.kind, location: input.location.trimmingCharacters(in: .whitespacesAndNewlines), active: input.active)
    }

    func validate(_ input: Input, excluding id: UUID?, on db: any Database) async throws -> Invalid? {
        var fields: [String: String] = [:]
        if input.name.isEmpty || input.name.count > 200 { fields["name"] = "form.error.required_short" }
        let codeOK = (2...10).contains(input.code.count) && input.code.allSatisfy { ($0.isASCII && $0.isLetter) || $0.isASCII && $0.isNumber }
        if !codeOK {
            fields["code"] = "office.error.code"
        } else {
            var query = Office.query(on: db).filter(\.$code == input.code)
            if let id { query = query.filter(\.$id != id) }
            if try await query.count() > 0 { fields["code"] = "office.error.code_taken" }
        }
        if Office.Kind(rawValue: input.kind) == nil { fields["kind"] = "form.error.choose" }
        if input.location.count > 200 { fields["location"] = "form.error.too_long" }
        return fields.isEmpty ? nil : Invalid(fields: fields)
    }

    func create(_ raw: Input) async throws -> Office {
        let input = Self.normalised(raw)
        if let invalid = try await validate(input, excluding: nil, on: context.app.db) { throw invalid }
        let office = Office(name: input.name, code: input.code, kind: Office.Kind(rawValue: input.kind) ?? .other,
                            location: input.location, active: input.active)
        let context = self.context
        try await context.write { db in
            try await office.create(on: db)
            try await context.audit("office.create", "office", office.id?.uuidString, on: db)
        }
        return office
    }

    func update(_ office: Office, with raw: Input) async throws {
        let input = Self.normalised(raw)
        if let invalid = try await validate(input, excluding: office.id, on: context.app.db) { throw invalid }
        office.name = input.name
        office.code = input.code
        office.kind = input.kind
        office.location = input.location
        office.active = input.active
        let context = self.context
        try await context.write { db in
            try await office.update(on: db)
            try await context.audit("office.update", "office", office.id?.uuidString, on: db)
        }
    }
}
