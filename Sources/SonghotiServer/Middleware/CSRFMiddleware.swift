import Vapor

/// Refuses state-changing browser requests that are cross-site or lack the session's synchronizer token.
///
/// Runs before any handler, so a refused request changes nothing.
struct CSRFMiddleware: AsyncMiddleware {
    static let fieldName = "csrf_token"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD, .OPTIONS].contains(req.method) else {
            return try await next.respond(to: req)
        }
        if let site = req.headers.first(name: "Sec-Fetch-Site")?.lowercased(), !["same-origin", "none"].contains(site) {
            throw CSRFRefusal.crossSite
        }
        if let origin = req.headers.first(name: .origin), origin != "null" {
            guard let host = req.headers.first(name: .host), URL(string: origin).map(Self.authority) == host.lowercased() else {
                throw CSRFRefusal.crossSite
            }
        } else if req.headers.first(name: .origin) == "null" {
            throw CSRFRefusal.crossSite
        }
        guard let session = req.sessionState.session else { throw CSRFRefusal.noSession }
        // A large body (an upload) can still be arriving: gather it first, within the limit `BodyLimit` allows
        // for this path, so the token can be read from it and the handler finds it collected.
        _ = try await req.body.collect(max: BodyLimit.limit(for: req)).get()
        let submitted = try? req.content.get(String.self, at: Self.fieldName)
        guard let submitted, Secrets.constantTimeEquals(submitted, session.csrfToken) else {
            throw CSRFRefusal.badToken
        }
        return try await next.respond(to: req)
    }

    static func authority(_ url: URL) -> String {
        let host = (url.host ?? "").lowercased()
        guard let port = url.port else { return host }
        return "\(host):\(port)"
    }
}

enum CSRFRefusal: Error, AbortError {
    case crossSite, noSession, badToken

    var status: HTTPResponseStatus { .forbidden }
    var reason: String {
        switch self {
        case .crossSite: "This request came from another site and was refused."
        case .noSession, .badToken: "This form has expired or was not sent by Songhoti. Go back, reload the page and try again."
        }
    }
}
