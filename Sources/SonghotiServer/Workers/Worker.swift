import Fluent
import Foundation
import SonghotiCore

/// A worker: direct identifiers sealed with the field cipher, the rest in clear for filtering and statistics.
final class Worker: Model, @unchecked Sendable {
    static let schema = "workers"

    enum Sex: String, CaseIterable, Codable, Sendable { case female, male, other, unknown }
    enum MigrantStatus: String, CaseIterable, Codable, Sendable {
        case notMigrant = "not_migrant", prospective, abroad, returnee
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "code_number") var codeNumber: Int
    @Field(key: "office_id") var officeID: UUID
    @Field(key: "sex") var sex: String
    @OptionalField(key: "birth_year") var birthYear: Int?
    @Field(key: "district") var district: String
    @Field(key: "upazila") var upazila: String
    @Field(key: "occupation") var occupation: String
    @Field(key: "grade") var grade: String
    @Field(key: "migrant_status") var migrantStatus: String
    @Field(key: "languages") var languages: String
    // Sealed identifiers (AAD: workers.<column>.<id>).
    @Field(key: "full_name") var fullName: Data
    @OptionalField(key: "phone") var phone: Data?
    @OptionalField(key: "national_id") var nationalID: Data?
    @OptionalField(key: "address") var address: Data?
    @OptionalField(key: "birth_date") var birthDate: Data?
    // Blind indexes for exact lookup.
    @OptionalField(key: "phone_index") var phoneIndex: String?
    @OptionalField(key: "national_id_index") var nationalIDIndex: String?
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var code: String { WorkerCode.format(codeNumber) }

    static let sealedColumns = ["full_name", "phone", "national_id", "address", "birth_date"]

    /// The worker a form or API body names, by id or by code ("W-00012").
    static func find(token raw: String, on db: any Database) async throws -> Worker? {
        let token = raw.trimmingCharacters(in: .whitespaces)
        if let id = UUID(uuidString: token) { return try await find(id, on: db) }
        if let number = WorkerCode.parse(token) { return try await query(on: db).filter(\.$codeNumber == number).first() }
        return nil
    }
    static let phonePurpose = "worker.phone"
    static let nationalIDPurpose = "worker.national_id"
}

/// A consent given (and perhaps withdrawn) by a worker for one purpose.
final class WorkerConsent: Model, @unchecked Sendable {
    static let schema = "worker_consents"

    @ID(key: .id) var id: UUID?
    @Field(key: "worker_id") var workerID: UUID
    @Field(key: "purpose") var purpose: String
    @OptionalField(key: "partner") var partner: String?
    /// Calendar date, "YYYY-MM-DD".
    @Field(key: "given_on") var givenOn: String
    @Field(key: "method") var method: String
    @Field(key: "recorded_by") var recordedBy: UUID
    @OptionalField(key: "withdrawn_on") var withdrawnOn: String?
    @OptionalField(key: "withdrawn_by") var withdrawnBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var record: ConsentRecord? {
        guard let purpose = ConsentPurpose(rawValue: purpose), let method = ConsentMethod(rawValue: method),
              let given = CalendarDate.parse(givenOn) else { return nil }
        return ConsentRecord(purpose: purpose, partner: partner, givenOn: given, method: method, withdrawnOn: withdrawnOn.flatMap(CalendarDate.parse))
    }
}

/// Calendar dates as "YYYY-MM-DD" text: the same in every database and time zone.
enum CalendarDate {
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date
    }

    static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    static func today(in timeZone: TimeZone, now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
