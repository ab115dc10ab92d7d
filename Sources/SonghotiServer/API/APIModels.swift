import Foundation
import SonghotiCore
import Vapor

struct UserDTO: Content {
    let id: UUID
    let email: String
    let display_name: String
    let role: String
    let office_id: UUID?
    let language: String
    let two_factor: Bool
    let disabled: Bool
    let created_at: Date?

    init(_ user: User) throws {
        id = try user.requireID()
        email = user.email
        display_name = user.displayName
        role = user.roleRaw
        office_id = user.officeID
        language = user.language
        two_factor = user.hasTOTP
        disabled = user.isDisabled
        created_at = user.createdAt
    }
}

struct OfficeDTO: Content {
    let id: UUID
    let name: String
    let code: String
    let kind: String
    let location: String
    let active: Bool

    init(_ office: Office) throws {
        id = try office.requireID()
        name = office.name
        code = office.code
        kind = office.kind
        location = office.location
        active = office.active
    }
}

/// A page of results with an opaque cursor for the next page (absent on the last page).
struct PageDTO<Item: Content>: Content {
    let items: [Item]
    let next_cursor: String?
}

enum Cursor {
    static func encode(_ id: UUID) -> String { Data(id.uuidString.utf8).base64EncodedString() }
    static func decode(_ raw: String?) throws -> UUID? {
        guard let raw else { return nil }
        guard let data = Data(base64Encoded: raw), let text = String(data: data, encoding: .utf8), let id = UUID(uuidString: text) else {
            throw ValidationFailure(errors: [FieldError(field: "cursor", message: "not a cursor from this API")])
        }
        return id
    }
    static func limit(_ req: Request) throws -> Int {
        guard let raw = req.query[String.self, at: "limit"] else { return 50 }
        guard let value = Int(raw), (1...200).contains(value) else {
            throw ValidationFailure(errors: [FieldError(field: "limit", message: "must be a whole number from 1 to 200")])
        }
        return value
    }
}

extension Request {
    /// Decodes a JSON body, turning shape errors into a 400 problem that names what was wrong.
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard headers.contentType == .json else { throw Abort(.unsupportedMediaType, reason: "Send JSON with Content-Type: application/json.") }
        do { return try content.decode(T.self) } catch let error as DecodingError {
            let path: String
            switch error {
            case .keyNotFound(let key, let context): path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                path = context.codingPath.map(\.stringValue).joined(separator: ".")
            @unknown default: path = ""
            }
            throw ValidationFailure(errors: [FieldError(field: path.isEmpty ? "body" : path, message: "missing or of the wrong type")])
        }
    }
}

extension Request {
    /// 201 Created with the new resource's address in `Location`.
    func created<T: Content>(_ body: T, at location: String) async throws -> Response {
        let response = try await body.encodeResponse(status: .created, for: self)
        response.headers.replaceOrAdd(name: .location, value: location)
        return response
    }
}
