import Foundation

/// Which header vocabulary a supplier list uses.
public enum SupplierListFormat: String, Sendable, CaseIterable {
    /// Open Supply Hub's upload template: `country`, `name`, `address` required; optional `sector`,
    /// `product_type`, `parent_company`, `number_of_workers`, `lat`, `lng`, `os_id`, `facility_type` …
    case openSupplyHub = "open-supply-hub"
    /// Brands' lists published under the Transparency Pledge: "Factory name"/"Site name", "Address",
    /// "Country", "Parent company", "Product type", "Number of workers", optionally "OS ID".
    case transparencyPledge = "transparency-pledge"
    /// Whichever header set fits, Open Supply Hub's first.
    case auto
}

/// Why a row is incomplete. Rows with `missingName`, `missingCountry` or `unknownCountry` are rejected by
/// the importer; with the others the row is kept and the bad field dropped. The raw value is a stable
/// code shown through localisation.
public enum SupplierRowProblem: String, Sendable, CaseIterable {
    case missingName = "missing_name"
    case missingCountry = "missing_country"
    case unknownCountry = "unknown_country"
    case invalidOSID = "invalid_os_id"
    case invalidCoordinates = "invalid_coordinates"
    case unreadableWorkerCount = "unreadable_worker_count"

    /// Whether the importer must reject the row.
    public var rejectsRow: Bool { self == .missingName || self == .missingCountry || self == .unknownCountry }
}

public struct SupplierListRow: Sendable {
    /// 1-based data row number, header excluded: row N is line N + 1 of the spreadsheet. Blank lines are
    /// skipped but counted, so numbers always point at the right spreadsheet row.
    public let row: Int
    public let name: String
    public let address: String
    /// As written in the list.
    public let country: String
    /// ISO 3166-1 alpha-2, nil when the country is missing or unknown.
    public let countryCode: String?
    /// Normalised when valid; nil when absent or invalid (then `problems` has `invalidOSID`).
    public let osID: String?
    public let sector: String?
    public let productTypes: [String]
    public let parentCompany: String?
    public let workerBand: WorkerCountBand?
    public let latitude: Double?
    public let longitude: Double?
    public let problems: [SupplierRowProblem]

    /// Whether the importer must reject this row.
    public var isRejected: Bool { problems.contains(where: \.rejectsRow) }
}

public enum SupplierListError: Error, Sendable, Equatable {
    /// No header, or a header and no data rows.
    case empty
    /// Required columns absent (names as the format's template spells them).
    case missingColumns([String])
    /// No known column at all.
    case unrecognisedFormat
    /// A quote opened in this data row (0 = header) is never closed.
    case malformed(row: Int)
}

public struct SupplierList: Sendable {
    /// The format detected (never `.auto`).
    public let format: SupplierListFormat
    public let rows: [SupplierListRow]

    public init(format: SupplierListFormat, rows: [SupplierListRow]) {
        self.format = format
        self.rows = rows
    }

    /// Parses an uploaded list (CSV text; see `SupplierCSV` for the dialect accepted).
    public static func parse(_ text: String, format: SupplierListFormat) throws(SupplierListError) -> SupplierList {
        let (header, records) = try SupplierCSV.read(text)
        let keys = header.map(headerKey)
        let (detected, columns) = try resolveColumns(keys, requested: format)
        guard !records.isEmpty else { throw .empty }
        let rows = records.map { makeRow($0, columns: columns) }
        return SupplierList(format: detected, rows: rows)
    }

    // MARK: - Columns

    enum Field: CaseIterable {
        case name, address, country, sector, productType, parentCompany, workers, latitude, longitude, osID
    }

    /// Header cell → key: trimmed, lower case, runs of anything but letters and digits → "_".
    static func headerKey(_ raw: String) -> String {
        var out = ""
        var pendingUnderscore = false
        for scalar in Transliteration.toASCII(raw).lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                if pendingUnderscore && !out.isEmpty { out += "_" }
                pendingUnderscore = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingUnderscore = true
            }
        }
        return out
    }

    static let openSupplyHubColumns: [Field: [String]] = [
        .name: ["name"], .address: ["address"], .country: ["country"], .sector: ["sector"],
        .productType: ["product_type", "sector_product_type"], .parentCompany: ["parent_company"],
        .workers: ["number_of_workers"], .latitude: ["lat", "latitude"], .longitude: ["lng", "lon", "longitude"],
        .osID: ["os_id"],
    ]

    static let transparencyPledgeColumns: [Field: [String]] = [
        .name: ["factory_name", "site_name", "name_of_factory", "name_of_site", "facility_name", "name_of_facility",
                "supplier_name", "name_of_supplier", "manufacturing_site_name", "production_site_name",
                "full_name_of_site", "full_name_of_factory", "full_factory_name", "manufacturer_name", "factory",
                "site", "facility", "name"],
        .address: ["address", "site_address", "factory_address", "facility_address", "full_address",
                   "address_of_factory", "address_of_site", "street_address", "full_site_address",
                   "site_full_address", "factory_full_address"],
        .country: ["country", "site_country", "factory_country", "facility_country", "country_name",
                   "country_region", "country_of_site", "country_of_factory", "location_country"],
        .sector: ["sector"],
        .productType: ["product_type", "product_types", "type_of_products", "type_of_product", "products",
                       "product_category", "product_categories", "main_products", "type_of_products_made"],
        .parentCompany: ["parent_company", "parent_company_name", "name_of_parent_company", "parent", "parent_group"],
        .workers: ["number_of_workers", "worker_numbers", "no_of_workers", "workers", "number_of_employees",
                   "worker_count", "total_workers", "total_number_of_workers", "workforce", "employees",
                   "headcount", "size_of_workforce", "number_of_workers_range"],
        .latitude: ["lat", "latitude"], .longitude: ["lng", "lon", "long", "longitude"],
        .osID: ["os_id", "oar_id", "open_supply_hub_id", "os_hub_id", "osh_id", "open_apparel_registry_id"],
    ]

    /// Loose header cues for brands' own spellings ("Name of Factory / Site", "No. of Workers (approx.)").
    static func transparencyPledgeCue(_ key: String) -> Field? {
        let words = Set(key.split(separator: "_").map(String.init))
        if words.contains("parent") { return .parentCompany }
        if words.contains("address") { return .address }
        if words.contains("country") { return .country }
        if words.contains("worker") || words.contains("workers") || words.contains("employees") { return .workers }
        if words.contains("product") || words.contains("products") { return .productType }
        if words.contains("name"), !words.isDisjoint(with: ["factory", "site", "facility", "supplier", "manufacturer"]) {
            return .name
        }
        if (words.contains("os") || words.contains("oar")) && words.contains("id") { return .osID }
        return nil
    }

    static let requiredFields: [Field] = [.country, .name, .address]

    static func displayName(_ field: Field, _ format: SupplierListFormat) -> String {
        switch (format, field) {
        case (.openSupplyHub, .country): "country"
        case (.openSupplyHub, .name): "name"
        case (.openSupplyHub, .address): "address"
        case (_, .country): "Country"
        case (_, .name): "Factory name"
        case (_, .address): "Address"
        default: "\(field)"
        }
    }

    static func columns(_ keys: [String], format: SupplierListFormat) -> [Field: Int] {
        let table = format == .openSupplyHub ? openSupplyHubColumns : transparencyPledgeColumns
        var result: [Field: Int] = [:]
        // Exact synonyms first, in the table's order of preference …
        for field in Field.allCases {
            for synonym in table[field] ?? [] {
                if let index = keys.firstIndex(of: synonym), !result.values.contains(index) {
                    result[field] = index
                    break
                }
            }
        }
        // … then loose cues for Transparency Pledge lists.
        if format == .transparencyPledge {
            for (index, key) in keys.enumerated() where !result.values.contains(index) {
                if let field = transparencyPledgeCue(key), result[field] == nil { result[field] = index }
            }
        }
        return result
    }

    static func resolveColumns(_ keys: [String], requested: SupplierListFormat) throws(SupplierListError)
        -> (SupplierListFormat, [Field: Int])
    {
        let formats: [SupplierListFormat] = requested == .auto ? [.openSupplyHub, .transparencyPledge] : [requested]
        var closest: (format: SupplierListFormat, missing: [Field])?
        for format in formats {
            let found = columns(keys, format: format)
            let missing = requiredFields.filter { found[$0] == nil }
            if missing.isEmpty { return (format, found) }
            if missing.count < requiredFields.count, closest == nil || missing.count < closest!.missing.count {
                closest = (format, missing)
            }
        }
        if let closest {
            throw .missingColumns(closest.missing.map { displayName($0, closest.format) })
        }
        if requested != .auto {
            throw .missingColumns(requiredFields.map { displayName($0, requested) })
        }
        throw .unrecognisedFormat
    }

    // MARK: - Rows

    static func makeRow(_ record: SupplierCSV.Record, columns: [Field: Int]) -> SupplierListRow {
        func value(_ field: Field) -> String {
            guard let index = columns[field], index < record.fields.count else { return "" }
            return record.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var problems: [SupplierRowProblem] = []
        let name = value(.name)
        if name.isEmpty { problems.append(.missingName) }
        let country = value(.country)
        let countryCode = country.isEmpty ? nil : Countries.isoCode(for: country)
        if country.isEmpty {
            problems.append(.missingCountry)
        } else if countryCode == nil {
            problems.append(.unknownCountry)
        }
        var osID: String?
        let rawOSID = value(.osID)
        if !rawOSID.isEmpty {
            osID = OpenSupplyHubID.normalise(rawOSID)
            if osID == nil { problems.append(.invalidOSID) }
        }
        var band: WorkerCountBand?
        let rawWorkers = value(.workers)
        if !rawWorkers.isEmpty {
            band = WorkerCountBand(parsing: rawWorkers)
            if band == nil { problems.append(.unreadableWorkerCount) }
        }
        var latitude: Double?, longitude: Double?
        let rawLatitude = value(.latitude), rawLongitude = value(.longitude)
        if !rawLatitude.isEmpty || !rawLongitude.isEmpty {
            if let lat = coordinate(rawLatitude), let lng = coordinate(rawLongitude),
               (-90...90).contains(lat), (-180...180).contains(lng), !(lat == 0 && lng == 0) {
                latitude = lat
                longitude = lng
            } else {
                problems.append(.invalidCoordinates)
            }
        }
        let sector = value(.sector)
        let parent = value(.parentCompany)
        return SupplierListRow(
            row: record.number, name: name, address: value(.address), country: country, countryCode: countryCode,
            osID: osID, sector: sector.isEmpty ? nil : sector, productTypes: splitMultiValue(value(.productType)),
            parentCompany: parent.isEmpty ? nil : parent, workerBand: band, latitude: latitude, longitude: longitude,
            problems: problems)
    }

    /// "23.79" or "23,79" (decimal comma); nil when not a finite number.
    static func coordinate(_ raw: String) -> Double? {
        var text = raw
        if !text.contains("."), text.filter({ $0 == "," }).count == 1 { text = text.replacingOccurrences(of: ",", with: ".") }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Values separated by `|` or `,` within one cell, trimmed, empty and repeated ones dropped.
    static func splitMultiValue(_ raw: String) -> [String] {
        var seen = Set<String>()
        return raw.split(whereSeparator: { $0 == "|" || $0 == "," })
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }
}
