import Vapor
import SonghotiCore

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = Settings }
    private struct CatalogKey: StorageKey { typealias Value = Catalog }
    private struct PasswordPolicyKey: StorageKey { typealias Value = PasswordPolicy }

    public var songhotiSettings: Settings {
        get { storage[SettingsKey.self] ?? Settings(database: .sqlite(path: "data/songhoti.sqlite")) }
        set { storage[SettingsKey.self] = newValue }
    }

    public var catalog: Catalog {
        get { storage[CatalogKey.self] ?? Catalog(tables: [:]) }
        set { storage[CatalogKey.self] = newValue }
    }

    var passwordPolicy: PasswordPolicy {
        get { storage[PasswordPolicyKey.self] ?? PasswordPolicy(commonPasswords: []) }
        set { storage[PasswordPolicyKey.self] = newValue }
    }
}

extension Request {
    /// The client's address: the socket peer, or the first `X-Forwarded-For` hop when a proxy is trusted.
    var clientIP: String? {
        if application.songhotiSettings.trustProxy,
           let forwarded = headers.first(name: "X-Forwarded-For")?.split(separator: ",").first {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return remoteAddress?.ipAddress
    }

    /// Whether the client reached us over HTTPS (directly or through a trusted proxy).
    var isSecure: Bool {
        if application.songhotiSettings.forceSecureCookies { return true }
        if url.scheme == "https" { return true }
        if application.songhotiSettings.trustProxy, headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https" { return true }
        return false
    }
}
