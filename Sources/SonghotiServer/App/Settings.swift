import Foundation

/// Where the data lives.
public enum DatabaseTarget: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// `SONGHOTI_DATABASE_URL`: a `postgres://` (or `postgresql://`) URL, a `sqlite://` URL, or a plain file path.
    public static func parse(_ value: String?) -> DatabaseTarget {
        guard let value, !value.isEmpty else { return .sqlite(path: "data/songhoti.sqlite") }
        let lower = value.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            return .postgres(url: value)
        }
        if lower.hasPrefix("sqlite://") {
            return .sqlite(path: String(value.dropFirst("sqlite://".count)))
        }
        return .sqlite(path: value)
    }

    public var isSQLite: Bool { if case .sqlite = self { true } else { false } }
}

/// Configuration read from the environment. Nothing here is a secret except the optional inline key ring.
public struct Settings: Sendable {
    public var database: DatabaseTarget
    /// Path of the key file (created on first run when absent and no encrypted data exists).
    public var keyFile: String
    /// Inline key ring (the key file's JSON, or its base64) from `SONGHOTI_KEYS`; takes precedence over the file.
    public var inlineKeys: String?
    /// Always set the cookie `Secure` flag (for deployments behind a TLS-terminating proxy).
    public var forceSecureCookies: Bool
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy.
    public var trustProxy: Bool
    /// Time zone used to show dates.
    public var timeZone: TimeZone
    /// bcrypt cost; never below 12.
    public var bcryptCost: Int
    /// PostgreSQL schema to use (tests isolate themselves in their own schema).
    public var postgresSchema: String?
    /// Where encrypted evidence files are kept.
    public var evidenceDirectory: String
    /// Directory of the entitlement rules files (default `Resources/Entitlements`).
    public var rulesDirectory: String?

    public init(
        database: DatabaseTarget,
        keyFile: String = "data/songhoti.keys",
        inlineKeys: String? = nil,
        forceSecureCookies: Bool = false,
        trustProxy: Bool = false,
        timeZone: TimeZone = TimeZone(identifier: "Asia/Dhaka") ?? .gmt,
        bcryptCost: Int = 12,
        postgresSchema: String? = nil,
        evidenceDirectory: String = "data/evidence",
        rulesDirectory: String? = nil
    ) {
        self.database = database
        self.keyFile = keyFile
        self.inlineKeys = inlineKeys
        self.forceSecureCookies = forceSecureCookies
        self.trustProxy = trustProxy
        self.timeZone = timeZone
        self.bcryptCost = max(12, bcryptCost)
        self.postgresSchema = postgresSchema
        self.evidenceDirectory = evidenceDirectory
        self.rulesDirectory = rulesDirectory
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Settings {
        func flag(_ name: String) -> Bool { ["1", "true", "yes"].contains(env[name]?.lowercased() ?? "") }
        return Settings(
            database: .parse(env["SONGHOTI_DATABASE_URL"]),
            keyFile: env["SONGHOTI_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "data/songhoti.keys",
            inlineKeys: env["SONGHOTI_KEYS"].flatMap { $0.isEmpty ? nil : $0 },
            forceSecureCookies: flag("SONGHOTI_SECURE_COOKIES"),
            trustProxy: flag("SONGHOTI_TRUST_PROXY"),
            timeZone: env["SONGHOTI_TIME_ZONE"].flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "Asia/Dhaka") ?? .gmt,
            evidenceDirectory: env["SONGHOTI_EVIDENCE_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "data/evidence",
            rulesDirectory: env["SONGHOTI_RULES_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        )
    }
}
