import Fluent
import Foundation

/// A worker centre, welfare centre or head office. Its code prefixes case references.
final class Office: Model, @unchecked Sendable {
    static let schema = "offices"

    enum Kind: String, CaseIterable, Codable, Sendable {
        case workerCentre = "worker_centre"
        case welfareCentre = "welfare_centre"
        case headOffice = "head_office"
        case other

        var labelKey: String { "office.kind.\(rawValue)" }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "code") var code: String
    @Field(key: "kind") var kind: String
    @Field(key: "location") var location: String
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
    init(id: UUID? = nil, name: String, code: String, kind: Kind, location: String, active: Bool = true) {
        self.id = id
        self.name = name
        self.code = code
        self.kind = kind.rawValue
        self.location = location
        self.active = active
    }
}
