import Crypto
import Fluent
import Foundation
import SonghotiCore
import Vapor

/// An evidence file: the content lives encrypted on disk, the database keeps the chain of custody.
final class Attachment: Model, @unchecked Sendable {
    static let schema = "attachments"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    /// The original file name, sealed (names of files often name people).
    @Field(key: "filename") var filename: Data
    @Field(key: "media_type") var mediaType: String
    @Field(key: "size") var size: Int
    /// SHA-256 of the original content, recorded at upload.
    @Field(key: "sha256") var sha256: String
    @Field(key: "uploaded_by") var uploadedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

}

struct CreateAttachments: AsyncMigration {
    var name: String { "CreateAttachments" }
    func prepare(on database: any Database) async throws {
        try await database.schema(Attachment.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id", onDelete: .restrict))
            .field("filename", .data, .required)
            .field("media_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("uploaded_by", .uuid, .required, .references(User.schema, "id", onDelete: .restrict))
            .field("created_at", .datetime)
            .create()
        try await database.sql.create(index: "attachments_case_idx").on(Attachment.schema).column("case_id").run()
    }
    func revert(on database: any Database) async throws { try await database.schema(Attachment.schema).delete() }
}

/// A stored file whose content is sealed on disk and whose name is a sealed column: case evidence
/// (`Attachment`) and supply-chain documents (`Document`).
protocol SealedFileRecord: Model where IDValue == UUID {
    var filename: Data { get set }
    var mediaType: String { get set }
    var size: Int { get set }
    var sha256: String { get set }
    var uploadedBy: UUID { get set }
}

extension SealedFileRecord {
    static func filenameContext(_ id: UUID) -> FieldContext { FieldContext(table: schema, column: "filename", rowID: id.uuidString) }
    static func contentContext(_ id: UUID) -> FieldContext { FieldContext(table: schema, column: "content", rowID: id.uuidString) }
}

extension Attachment: SealedFileRecord {}

/// Storing and reading sealed files, one file per record, in the evidence folder.
struct EvidenceStore {
    let context: ChangeContext
    var directory: String { context.app.songhotiSettings.evidenceDirectory }
    var cipher: FieldCipher { context.app.fieldProtection.cipher }

    func path(_ id: UUID) -> String { directory + "/" + id.uuidString.lowercased() + ".sealed" }

    enum Refusal: Error { case empty, tooLarge, unsupportedType }

    /// Checks the content (the bytes decide the type: a renamed executable or script is refused whatever it is
    /// called), fills the record's file fields and writes the sealed file. The caller saves the record.
    func seal<Record: SealedFileRecord>(_ content: Data, filename: String, into record: Record, by principal: Principal, fallbackName: String) throws {
        guard !content.isEmpty else { throw Refusal.empty }
        guard content.count <= EvidenceType.maximumBytes else { throw Refusal.tooLarge }
        guard let type = EvidenceType.detect(content) else { throw Refusal.unsupportedType }
        let id = UUID()
        record.id = id
        let name = String(filename.split(separator: "/").last ?? "").prefix(200)
        record.filename = try cipher.seal(name.isEmpty ? fallbackName : String(name), context: Record.filenameContext(id))
        record.mediaType = type.mediaType
        record.size = content.count
        record.sha256 = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
        record.uploadedBy = principal.userID
        let sealed = try cipher.seal(content, context: Record.contentContext(id))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: path(id), contents: sealed, attributes: [.posixPermissions: 0o600]) else {
            throw Abort(.internalServerError)
        }
    }

    func store(_ content: Data, filename: String, on file: CaseFile, principal: Principal) async throws -> Attachment {
        let attachment = Attachment()
        attachment.caseID = try file.requireID()
        try seal(content, filename: filename, into: attachment, by: principal, fallbackName: "evidence")
        let context = self.context
        do {
            try await context.write { db in
                try await attachment.create(on: db)
                try await context.audit("attachment.create", "case", attachment.caseID.uuidString, on: db)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path(try attachment.requireID()))
            throw error
        }
        return attachment
    }

    /// The original content, after checking it still matches the hash recorded at upload.
    func content<Record: SealedFileRecord>(of record: Record) throws -> Data {
        let id = try record.requireID()
        guard let sealed = FileManager.default.contents(atPath: path(id)) else { throw Abort(.notFound, reason: "The file is missing from storage.") }
        let content = try cipher.open(sealed, context: Record.contentContext(id))
        guard SHA256.hash(data: content).map({ String(format: "%02x", $0) }).joined() == record.sha256 else {
            throw Abort(.internalServerError, reason: "The stored file does not match the hash recorded at upload.")
        }
        return content
    }

    func filename<Record: SealedFileRecord>(of record: Record) -> String {
        (try? cipher.openString(record.filename, context: Record.filenameContext(try record.requireID()))) ?? "file"
    }

    /// A response that makes the browser save the file, never display or run it.
    func download<Record: SealedFileRecord>(_ record: Record, for req: Request, prefix: String = "evidence") throws -> Response {
        let data = try content(of: record)
        let ext = EvidenceType.allCases.first { $0.mediaType == record.mediaType }?.fileExtension ?? "bin"
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/octet-stream")
        let safeName = "\(prefix)-\(try record.requireID().uuidString.prefix(8).lowercased()).\(ext)"
        let encoded = filename(of: record).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? safeName
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(safeName)\"; filename*=UTF-8''\(encoded)")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    static func refusalKey(_ refusal: Refusal) -> String {
        switch refusal {
        case .empty: "evidence.error.empty"
        case .tooLarge: "evidence.error.too_large"
        case .unsupportedType: "evidence.error.type"
        }
    }
}
