import Fluent
import Foundation
import SQLKit
import SonghotiCore
import Vapor

/// Recording, correcting and merging factories. Web and API both come through here.
struct FactoryService {
    let context: ChangeContext
    var app: Application { context.app }

    /// A factory's fields as typed into a form or sent as JSON (nil: leave as it is, for updates).
    struct Input: Sendable {
        var name: String?
        var otherNames: [String]?
        var address: String?
        var country: String?
        var division: String?
        var district: String?
        var upazila: String?
        var latitude: String?
        var longitude: String?
        var osID: String?
        /// "scheme:value" pairs, e.g. "bgmea:1234".
        var identifiers: [String]?
        var workerBand: String?
        var products: String?
        var parentCompany: String?
        var unionPresence: String?
        var closed: Bool?
        var source: String?
    }

    /// Follows merges to the live record ("old ids redirect"); nil when the id is unknown.
    static func live(_ id: UUID, on db: any Database) async throws -> FactoryRecord? {
        var current = try await FactoryRecord.find(id, on: db)
        var hops = 0
        while let next = current?.mergedInto, hops < 50 {
            current = try await FactoryRecord.find(next, on: db)
            hops += 1
        }
        return current
    }

    static func parseIdentifier(_ raw: String) -> (FactoryIdentifier.Scheme, String)? {
        let parts = raw.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let scheme = FactoryIdentifier.Scheme(rawValue: parts[0].lowercased()), !parts[1].isEmpty, parts[1].count <= 100 else { return nil }
        return (scheme, parts[1])
    }

    private func validate(_ input: Input, creating: Bool) -> [String: String] {
        var fields: [String: String] = [:]
        let name = input.name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if creating || name != nil, (name ?? "").isEmpty || (name ?? "").count > 300 { fields["name"] = "form.error.required_short" }
        if let country = input.country ?? (creating ? "" : nil), Countries.isoCode(for: country) == nil { fields["country"] = "case.error.country" }
        if let osID = input.osID?.trimmingCharacters(in: .whitespaces), !osID.isEmpty, OpenSupplyHubID.normalise(osID) == nil {
            fields["os_id"] = "factory.error.os_id.\(OpenSupplyHubID.problem(osID)?.rawValue ?? "format")"
        }
        for (key, value, range) in [("latitude", input.latitude, -90.0...90.0), ("longitude", input.longitude, -180.0...180.0)] {
            if let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty, Double(value).map({ !range.contains($0) }) ?? true { fields[key] = "factory.error.coordinate" }
        }
        if (input.latitude ?? "").isEmpty != (input.longitude ?? "").isEmpty, input.latitude != nil || input.longitude != nil { fields["longitude"] = "factory.error.coordinate_pair" }
        if let band = input.workerBand, !band.isEmpty, WorkerCountBand(rawValue: band) == nil { fields["worker_band"] = "form.error.choose" }
        if let union = input.unionPresence, FactoryRecord.UnionPresence(rawValue: union) == nil { fields["union_presence"] = "form.error.choose" }
        if let identifiers = input.identifiers, identifiers.contains(where: { Self.parseIdentifier($0) == nil }) { fields["identifiers"] = "factory.error.identifier" }
        if (input.otherNames ?? []).contains(where: { $0.count > 300 }) || (input.otherNames?.count ?? 0) > 100 { fields["other_names"] = "form.error.too_long" }
        for (key, value) in [("address", input.address), ("products", input.products), ("parent_company", input.parentCompany),
                             ("division", input.division), ("district", input.district), ("upazila", input.upazila), ("source", input.source)] {
            if (value?.count ?? 0) > 1000 { fields[key] = "form.error.too_long" }
        }
        return fields
    }

    private func apply(_ input: Input, to factory: FactoryRecord) {
        func trimmed(_ value: String?) -> String? { value?.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let name = trimmed(input.name) { factory.name = name; factory.normalisedName = FactoryNormaliser.normalisedName(name) }
        if let country = input.country, let code = Countries.isoCode(for: country) { factory.country = code }
        if let address = trimmed(input.address) { factory.address = address }
        if let value = trimmed(input.division) { factory.division = value }
        if let value = trimmed(input.district) { factory.district = value }
        if let value = trimmed(input.upazila) { factory.upazila = value }
        if let latitude = trimmed(input.latitude) { factory.latitude = Double(latitude) }
        if let longitude = trimmed(input.longitude) { factory.longitude = Double(longitude) }
        if let osID = trimmed(input.osID) { factory.osID = osID.isEmpty ? nil : OpenSupplyHubID.normalise(osID) }
        if let band = input.workerBand { factory.workerBand = band.isEmpty ? nil : band }
        if let products = trimmed(input.products) { factory.products = products }
        if let parent = trimmed(input.parentCompany) { factory.parentCompany = parent }
        if let union = input.unionPresence { factory.unionPresence = union }
        if let closed = input.closed { factory.closed = closed }
        if let source = trimmed(input.source) { factory.source = source }
    }

    func create(_ input: Input, principal: Principal) async throws -> FactoryRecord {
        try authorize(principal, .edit)
        let fields = validate(input, creating: true)
        guard fields.isEmpty else { throw Invalid(fields: fields) }
        let factory = FactoryRecord(name: "", country: "", source: "entered by hand", by: principal.userID)
        apply(input, to: factory)
        let context = self.context
        try await context.write { db in
            try await factory.create(on: db)
            try await Self.replaceAliases(of: factory, names: input.otherNames, identifiers: input.identifiers, by: principal.userID, on: db)
            try await context.audit("factory.create", "factory", factory.id?.uuidString, on: db)
        }
        return factory
    }

    func update(_ factory: FactoryRecord, with input: Input, principal: Principal) async throws {
        try authorize(principal, .edit)
        let fields = validate(input, creating: false)
        guard fields.isEmpty else { throw Invalid(fields: fields) }
        apply(input, to: factory)
        let context = self.context
        try await context.write { db in
            try await factory.update(on: db)
            try await Self.replaceAliases(of: factory, names: input.otherNames, identifiers: input.identifiers, by: principal.userID, on: db)
            try await context.audit("factory.update", "factory", factory.id?.uuidString, on: db)
        }
    }

    /// Hand-entered names and identifiers are replaced as a set; ones that came from merges and imports stay.
    private static func replaceAliases(of factory: FactoryRecord, names: [String]?, identifiers: [String]?, by user: UUID, on db: any Database) async throws {
        let id = try factory.requireID()
        if let names {
            try await FactoryName.query(on: db).filter(\.$factoryID == id).filter(\.$source == "entered by hand").delete()
            // Every written form is kept (people search for the spelling they saw), but each only once.
            var seen = Set([factory.name.lowercased()])
            for name in names.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !name.isEmpty {
                guard seen.insert(name.lowercased()).inserted else { continue }
                try await FactoryName(factoryID: id, name: name, source: "entered by hand", by: user).create(on: db)
            }
        }
        if let identifiers {
            try await FactoryIdentifier.query(on: db).filter(\.$factoryID == id).filter(\.$source == "entered by hand").delete()
            for raw in identifiers {
                guard let (scheme, value) = parseIdentifier(raw) else { continue }
                try await FactoryIdentifier(factoryID: id, scheme: scheme, value: value, source: "entered by hand", by: user).create(on: db)
            }
        }
    }

    private func authorize(_ principal: Principal, _ action: SupplyChainPolicy.Action) throws {
        if case .deny(let why) = SupplyChainPolicy.decide(principal, action) { throw Abort(.forbidden, reason: why) }
    }

    enum MergeRefusal: Error { case same, alreadyMerged, notLatest }

    /// Merges `duplicate` into `survivor`: the duplicate's names and identifiers become the survivor's aliases,
    /// its cases and sourcing links point at the survivor, and its id redirects there. Returns the merge record.
    func merge(_ duplicate: FactoryRecord, into survivor: FactoryRecord, principal: Principal) async throws -> FactoryMerge {
        try authorize(principal, .merge)
        let duplicateID = try duplicate.requireID()
        let survivorID = try survivor.requireID()
        guard duplicateID != survivorID else { throw MergeRefusal.same }
        guard duplicate.mergedInto == nil, survivor.mergedInto == nil else { throw MergeRefusal.alreadyMerged }
        let context = self.context
        return try await context.write { db in
            var moved = FactoryMerge.Moved()
            moved.cases = try await CaseFile.query(on: db).filter(\.$factoryID == duplicateID).all().map { try $0.requireID() }
            moved.links = try await SourcingLink.query(on: db).filter(\.$factoryID == duplicateID).all().map { try $0.requireID() }
            moved.names = try await FactoryName.query(on: db).filter(\.$factoryID == duplicateID).all().map { try $0.requireID() }
            moved.identifiers = try await FactoryIdentifier.query(on: db).filter(\.$factoryID == duplicateID).all().map { try $0.requireID() }
            if !moved.cases.isEmpty { try await CaseFile.query(on: db).filter(\.$id ~~ moved.cases).set(\.$factoryID, to: survivorID).update() }
            if !moved.links.isEmpty { try await SourcingLink.query(on: db).filter(\.$id ~~ moved.links).set(\.$factoryID, to: survivorID).update() }
            if !moved.names.isEmpty { try await FactoryName.query(on: db).filter(\.$id ~~ moved.names).set(\.$factoryID, to: survivorID).update() }
            if !moved.identifiers.isEmpty { try await FactoryIdentifier.query(on: db).filter(\.$id ~~ moved.identifiers).set(\.$factoryID, to: survivorID).update() }
            let alias = FactoryName(factoryID: survivorID, name: duplicate.name, source: "merge", by: principal.userID)
            alias.id = UUID()
            try await alias.create(on: db)
            moved.created.append(alias.id!)
            if let osID = duplicate.osID {
                let identifier = FactoryIdentifier(factoryID: survivorID, scheme: .openSupplyHub, value: osID, source: "merge", by: principal.userID)
                identifier.id = UUID()
                try await identifier.create(on: db)
                moved.created.append(identifier.id!)
            }
            duplicate.mergedInto = survivorID
            try await duplicate.update(on: db)
            let merge = FactoryMerge()
            merge.survivorID = survivorID
            merge.mergedID = duplicateID
            merge.moved = String(decoding: try JSONEncoder().encode(moved), as: UTF8.self)
            merge.mergedBy = principal.userID
            try await merge.create(on: db)
            try await context.audit("factory.merge", "factory", survivorID.uuidString, on: db)
            return merge
        }
    }

    /// Undoes a merge: what moved goes back (unless it has since been moved elsewhere), the aliases the merge made
    /// are removed, and the duplicate is a factory of its own again. Only while the survivor is itself not merged.
    func undo(_ merge: FactoryMerge, principal: Principal) async throws {
        try authorize(principal, .merge)
        guard merge.undoneAt == nil else { throw MergeRefusal.alreadyMerged }
        let context = self.context
        try await context.write { db in
            guard let survivor = try await FactoryRecord.find(merge.survivorID, on: db), survivor.mergedInto == nil,
                  let duplicate = try await FactoryRecord.find(merge.mergedID, on: db), duplicate.mergedInto == merge.survivorID else { throw MergeRefusal.notLatest }
            let moved = try JSONDecoder().decode(FactoryMerge.Moved.self, from: Data(merge.moved.utf8))
            let back = merge.mergedID
            let here = merge.survivorID
            if !moved.cases.isEmpty { try await CaseFile.query(on: db).filter(\.$id ~~ moved.cases).filter(\.$factoryID == here).set(\.$factoryID, to: back).update() }
            if !moved.links.isEmpty { try await SourcingLink.query(on: db).filter(\.$id ~~ moved.links).filter(\.$factoryID == here).set(\.$factoryID, to: back).update() }
            if !moved.names.isEmpty { try await FactoryName.query(on: db).filter(\.$id ~~ moved.names).filter(\.$factoryID == here).set(\.$factoryID, to: back).update() }
            if !moved.identifiers.isEmpty {
                try await FactoryIdentifier.query(on: db).filter(\.$id ~~ moved.identifiers).filter(\.$factoryID == here).set(\.$factoryID, to: back).update()
            }
            if !moved.created.isEmpty {
                try await FactoryName.query(on: db).filter(\.$id ~~ moved.created).delete()
                try await FactoryIdentifier.query(on: db).filter(\.$id ~~ moved.created).delete()
            }
            duplicate.mergedInto = nil
            try await duplicate.update(on: db)
            merge.undoneAt = Date()
            merge.undoneBy = principal.userID
            try await merge.update(on: db)
            try await context.audit("factory.unmerge", "factory", back.uuidString, on: db)
        }
    }
}
