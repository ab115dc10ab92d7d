import Fluent
import Vapor

/// Loads the browser session and its user; after the response, sets or clears the session cookie.
struct WebSessionMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The API authenticates with bearer tokens only; health checks need no session.
        let path = req.url.path
        if path.hasPrefix("/api/") || path == "/healthz" || path == "/readyz" {
            return try await next.respond(to: req)
        }
        if let session = try await req.sessions.current(req) {
            req.sessionState.session = session
            if let userID = session.userID {
                let user = try await User.find(userID, on: req.db)
                if let user, !user.isDisabled {
                    req.sessionState.user = user
                } else {
                    // The account was disabled or removed: the session dies with it.
                    try await req.write { db in try await req.sessions.end(req, session, on: db) }
                }
            }
        }
        let response = try await next.respond(to: req)
        let state = req.sessionState
        if let token = state.issuedToken {
            response.cookies[SessionStore.cookieName] = HTTPCookies.Value(
                string: token,
                maxAge: Int(req.application.sessionLifetime.absolute),
                path: "/",
                isSecure: req.isSecure,
                isHTTPOnly: true,
                sameSite: .strict
            )
        } else if state.cleared {
            response.cookies[SessionStore.cookieName] = HTTPCookies.Value(
                string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/",
                isSecure: req.isSecure, isHTTPOnly: true, sameSite: .strict
            )
        }
        // Pages may hold personal data: never let a shared or back-button cache keep them.
        if response.headers.first(name: .cacheControl) == nil {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
