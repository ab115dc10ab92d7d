import Vapor
import SonghotiCore

/// Headers that keep pages from being framed, sniffed, leaking their address, or running injected script.
struct SecurityHeaders: AsyncMiddleware {
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        let headers: [(String, String)] = [
            ("Content-Security-Policy", Self.contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Frame-Options", "DENY"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ]
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        if req.isSecure {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
        }
        return response
    }
}

/// Logs each request by its route pattern, never its concrete path or query (paths can hold tokens).
struct RequestLog: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next.respond(to: req)
        } catch {
            log(req, status: (error as? any AbortError)?.status.code ?? 500, start: start)
            throw error
        }
        log(req, status: response.status.code, start: start)
        return response
    }

    private func log(_ req: Request, status: UInt, start: ContinuousClock.Instant) {
        let pattern = req.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let elapsed = ContinuousClock.now - start
        req.logger.info("\(req.method) \(pattern) \(status)", metadata: ["ms": .stringConvertible(elapsed.components.attoseconds / 1_000_000_000_000_000 + elapsed.components.seconds * 1000)])
    }
}

/// Refuses bodies over the limit before any handler runs: by declared length, and by size when already read.
/// (Vapor's own limit applies while streaming a body in; this also covers bodies that arrived whole.)
struct BodyLimit: AsyncMiddleware {
    static let maximumBytes = 256 * 1024
    /// The larger limit for evidence uploads (paths ending in /attachments), supplier lists (/imports,
    /// /api/v1/supplier-imports) and supply-chain documents (sourcing evidence, brands' answers).
    static let uploadBytes = EvidenceType.maximumBytes + 64 * 1024

    static func limit(for req: Request) -> Int {
        let path = req.url.path
        let upload = path.hasSuffix("/attachments") || path == "/imports" || path == "/api/v1/supplier-imports"
            || path.hasSuffix("/links") || path.hasSuffix("/responses") || path.hasSuffix("/document")
        return req.method == .POST && upload ? uploadBytes : maximumBytes
    }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let declared = req.headers.first(name: .contentLength).flatMap(Int.init) ?? 0
        let received = req.body.data?.readableBytes ?? 0
        let limit = Self.limit(for: req)
        if max(declared, received) > limit {
            throw Abort(.payloadTooLarge, reason: "The request body is larger than \(limit / 1024) KB.")
        }
        return try await next.respond(to: req)
    }
}
