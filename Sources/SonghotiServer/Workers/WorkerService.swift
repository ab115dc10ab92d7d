import Fluent
import Foundation
import SonghotiCore
import Vapor

/// Recording workers and their consents; the intake pages, the API and the seeders come through here.
struct WorkerService {
    struct Input: Sendable {
        var fullName = ""
        var phone = ""
        var nationalID = ""
        var address = ""
        var birthDate = ""
        var sex = Worker.Sex.unknown.rawValue
        var birthYear = ""
        var district = ""
        var upazila = ""
        var occupation = ""
        var grade = ""
        var migrantStatus = Worker.MigrantStatus.notMigrant.rawValue
        var languages = ""
        var officeID: UUID?
    }

    /// The decrypted identifiers, for those allowed to see them.
    struct Identity: Sendable, Encodable {
        var fullName: String
        var phone: String?
        var nationalID: String?
        var address: String?
        var birthDate: String?
    }

    /// An intake matched a worker already on record by phone or ID number.
    struct PossibleDuplicate: Error {
        let matches: [Worker]
    }

    let context: ChangeContext
    var protection: FieldProtection { context.app.fieldProtection }

    static func sealedContext(_ column: String, _ id: UUID) -> FieldContext {
        FieldContext(table: Worker.schema, column: column, rowID: id.uuidString)
    }

    func phoneIndex(_ raw: String) -> String? {
        let comparable = PhoneNumber.comparable(raw)
        return comparable.isEmpty ? nil : protection.blindIndex.digest(comparable, purpose: Worker.phonePurpose)
    }

    func nationalIDIndex(_ raw: String) -> String? {
        let normalised = BlindIndex.normalisedIdentifier(raw)
        return normalised.isEmpty ? nil : protection.blindIndex.digest(normalised, purpose: Worker.nationalIDPurpose)
    }

    /// Workers whose phone or ID number equals the given ones, found through the blind index.
    func matches(phone: String, nationalID: String, excluding: UUID? = nil, on db: any Database) async throws -> [Worker] {
        var found: [Worker] = []
        if let index = phoneIndex(phone) {
            found += try await Worker.query(on: db).filter(\.$phoneIndex == index).all()
        }
        if let index = nationalIDIndex(nationalID) {
            found += try await Worker.query(on: db).filter(\.$nationalIDIndex == index).all()
        }
        var seen: Set<UUID> = []
        return found.filter { worker in
            guard let id = worker.id, id != excluding, !seen.contains(id) else { return false }
            seen.insert(id)
            return true
        }.sorted { $0.codeNumber < $1.codeNumber }
    }

    private static func trimmed(_ input: Input) -> Input {
        var input = input
        for keyPath in [\Input.fullName, \.phone, \.nationalID, \.address, \.birthDate, \.birthYear, \.district, \.upazila, \.occupation, \.grade, \.languages] {
            input[keyPath: keyPath] = input[keyPath: keyPath].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return input
    }

    func validate(_ input: Input, principal: Principal, on db: any Database) async throws -> Invalid? {
        var fields: [String: String] = [:]
        if input.fullName.isEmpty || input.fullName.count > 200 { fields["full_name"] = "form.error.required_short" }
        if !input.phone.isEmpty, !PhoneNumber.isPlausible(PhoneNumber.comparable(input.phone)) { fields["phone"] = "worker.error.phone" }
        if input.nationalID.count > 40 { fields["national_id"] = "form.error.too_long" }
        if input.address.count > 500 { fields["address"] = "form.error.too_long" }
        if !input.birthDate.isEmpty, CalendarDate.parse(input.birthDate) == nil { fields["birth_date"] = "worker.error.date" }
        if !input.birthYear.isEmpty, Int(input.birthYear).map({ !(1900...2100).contains($0) }) ?? true { fields["birth_year"] = "worker.error.year" }
        if Worker.Sex(rawValue: input.sex) == nil { fields["sex"] = "form.error.choose" }
        if Worker.MigrantStatus(rawValue: input.migrantStatus) == nil { fields["migrant_status"] = "form.error.choose" }
        for (key, value) in [("district", input.district), ("upazila", input.upazila), ("occupation", input.occupation), ("grade", input.grade), ("languages", input.languages)]
            where value.count > 200 { fields[key] = "form.error.too_long" }
        if let office = input.officeID {
            if try await Office.find(office, on: db) == nil || !principal.covers(office: office) { fields["office_id"] = "form.error.choose" }
        } else {
            fields["office_id"] = "form.error.choose"
        }
        return fields.isEmpty ? nil : Invalid(fields: fields)
    }

    private func apply(_ input: Input, to worker: Worker, id: UUID) throws {
        let cipher = protection.cipher
        func seal(_ value: String, _ column: String) throws -> Data? {
            value.isEmpty ? nil : try cipher.seal(value, context: Self.sealedContext(column, id))
        }
        worker.fullName = try cipher.seal(input.fullName, context: Self.sealedContext("full_name", id))
        worker.phone = try seal(input.phone, "phone")
        worker.nationalID = try seal(input.nationalID, "national_id")
        worker.address = try seal(input.address, "address")
        worker.birthDate = try seal(input.birthDate, "birth_date")
        worker.phoneIndex = phoneIndex(input.phone)
        worker.nationalIDIndex = nationalIDIndex(input.nationalID)
        worker.sex = input.sex
        // Only the year of an exact birth date is kept in clear.
        worker.birthYear = Int(input.birthYear) ?? CalendarDate.parse(input.birthDate).map { Calendar(identifier: .gregorian).component(.year, from: $0) }
        worker.district = input.district
        worker.upazila = input.upazila
        worker.occupation = input.occupation
        worker.grade = input.grade
        worker.migrantStatus = input.migrantStatus
        worker.languages = input.languages
        if let office = input.officeID { worker.officeID = office }
    }

    /// Creates a worker. Unless `confirmedNew`, a phone or ID number already on record stops the intake with
    /// `PossibleDuplicate`, so the caseworker can open the existing record instead.
    func create(_ raw: Input, principal: Principal, confirmedNew: Bool) async throws -> Worker {
        let input = Self.trimmed(raw)
        if let invalid = try await validate(input, principal: principal, on: context.app.db) { throw invalid }
        if !confirmedNew {
            let existing = try await matches(phone: input.phone, nationalID: input.nationalID, on: context.app.db)
            if !existing.isEmpty { throw PossibleDuplicate(matches: existing) }
        }
        let id = UUID()
        let worker = Worker()
        worker.id = id
        worker.createdBy = principal.userID
        try apply(input, to: worker, id: id)
        let context = self.context
        try await context.write { db in
            worker.codeNumber = try await Counters.next("worker_code", on: db)
            try await worker.create(on: db)
            try await context.audit("worker.create", "worker", id.uuidString, on: db)
        }
        return worker
    }

    func update(_ worker: Worker, with raw: Input, principal: Principal) async throws {
        let input = Self.trimmed(raw)
        if let invalid = try await validate(input, principal: principal, on: context.app.db) { throw invalid }
        try apply(input, to: worker, id: try worker.requireID())
        let context = self.context
        try await context.write { db in
            try await worker.update(on: db)
            try await context.audit("worker.update", "worker", worker.id?.uuidString, on: db)
        }
    }

    /// Decrypts the identifiers and records the view in the audit log.
    func identity(of worker: Worker, reason action: String = "worker.view") async throws -> Identity {
        let id = try worker.requireID()
        let cipher = protection.cipher
        func open(_ sealed: Data?, _ column: String) throws -> String? {
            try sealed.map { try cipher.openString($0, context: Self.sealedContext(column, id)) }
        }
        let identity = Identity(
            fullName: try open(worker.fullName, "full_name") ?? "",
            phone: try open(worker.phone, "phone"), nationalID: try open(worker.nationalID, "national_id"),
            address: try open(worker.address, "address"), birthDate: try open(worker.birthDate, "birth_date")
        )
        let context = self.context
        try await context.write { db in try await context.audit(action, "worker", id.uuidString, on: db) }
        return identity
    }

    func input(from worker: Worker, identity: Identity) -> Input {
        Input(fullName: identity.fullName, phone: identity.phone ?? "", nationalID: identity.nationalID ?? "", address: identity.address ?? "",
              birthDate: identity.birthDate ?? "", sex: worker.sex, birthYear: worker.birthYear.map(String.init) ?? "", district: worker.district,
              upazila: worker.upazila, occupation: worker.occupation, grade: worker.grade, migrantStatus: worker.migrantStatus,
              languages: worker.languages, officeID: worker.officeID)
    }

    // MARK: Consent

    struct ConsentInput: Sendable {
        var purpose: String
        var partner: String
        var givenOn: String
        var method: String
    }

    func recordConsent(_ input: ConsentInput, for worker: Worker, principal: Principal) async throws -> WorkerConsent {
        var fields: [String: String] = [:]
        let purpose = ConsentPurpose(rawValue: input.purpose)
        if purpose == nil { fields["purpose"] = "form.error.choose" }
        let partner = input.partner.trimmingCharacters(in: .whitespacesAndNewlines)
        if purpose?.needsPartner == true, partner.isEmpty { fields["partner"] = "consent.error.partner" }
        if partner.count > 200 { fields["partner"] = "form.error.too_long" }
        guard let given = CalendarDate.parse(input.givenOn) else { throw Invalid(fields: fields.merging(["given_on": "worker.error.date"]) { a, _ in a }) }
        if given > Date().addingTimeInterval(86_400) { fields["given_on"] = "consent.error.future" }
        if ConsentMethod(rawValue: input.method) == nil { fields["method"] = "form.error.choose" }
        guard fields.isEmpty, let purpose else { throw Invalid(fields: fields) }
        let consent = WorkerConsent()
        consent.workerID = try worker.requireID()
        consent.purpose = purpose.rawValue
        consent.partner = purpose.needsPartner ? partner : (partner.isEmpty ? nil : partner)
        consent.givenOn = input.givenOn
        consent.method = input.method
        consent.recordedBy = principal.userID
        let context = self.context
        try await context.write { db in
            try await consent.create(on: db)
            try await context.audit("consent.record", "worker", consent.workerID.uuidString, on: db)
        }
        return consent
    }

    func withdraw(_ consent: WorkerConsent, on date: String, principal: Principal) async throws {
        guard consent.withdrawnOn == nil else { return }
        guard CalendarDate.parse(date) != nil, date >= consent.givenOn else { throw Invalid(fields: ["withdrawn_on": "worker.error.date"]) }
        consent.withdrawnOn = date
        consent.withdrawnBy = principal.userID
        let context = self.context
        try await context.write { db in
            try await consent.update(on: db)
            try await context.audit("consent.withdraw", "worker", consent.workerID.uuidString, on: db)
        }
    }

    /// Whether the worker's data may be used for `purpose` today: the one check referrals and brand letters call.
    func consentDecision(for worker: Worker, purpose: ConsentPurpose, partner: String? = nil, override: ConsentOverride? = nil, on db: any Database) async throws -> ConsentDecision {
        let records = try await WorkerConsent.query(on: db).filter(\.$workerID == worker.requireID()).all().compactMap(\.record)
        let today = CalendarDate.parse(CalendarDate.today(in: context.app.songhotiSettings.timeZone)) ?? Date()
        return ConsentRules.check(records, purpose: purpose, partner: partner, at: today, override: override)
    }
}
