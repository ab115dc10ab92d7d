import Leaf
import LeafKit
import Vapor

/// A field-level validation failure: the API lists them in the problem document; forms show them beside the field.
struct FieldError: Content, Equatable {
    let field: String
    let message: String
}

/// An RFC 9457 problem document.
struct Problem: Content {
    let type: String
    let title: String
    let status: Int
    let detail: String?
    let errors: [FieldError]?

    static let mediaType = HTTPMediaType(type: "application", subType: "problem+json")

    static func type(for status: HTTPStatus) -> String {
        let slug: String
        switch status.code {
        case 400: slug = "bad-request"
        case 401: slug = "unauthenticated"
        case 403: slug = "forbidden"
        case 404: slug = "not-found"
        case 409: slug = "conflict"
        case 413: slug = "payload-too-large"
        case 415: slug = "unsupported-media-type"
        case 422: slug = "validation"
        case 429: slug = "too-many-requests"
        default: slug = status.code >= 500 ? "server-error" : "client-error"
        }
        return "/api/v1/problems/\(slug)"
    }
}

/// An API failure with field errors.
struct ValidationFailure: Error, AbortError {
    let errors: [FieldError]
    var status: HTTPResponseStatus { .unprocessableEntity }
    var reason: String { "The request has invalid fields: " + errors.map(\.field).joined(separator: ", ") }
}

/// Turns errors into problem+json for the API and into a localised page for the browser.
/// Internal details never reach the client; only the error type is logged (messages could hold input).
struct ErrorPages: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            return await response(for: error, req)
        }
    }

    private func response(for error: any Error, _ req: Request) async -> Response {
        let status: HTTPStatus
        let detail: String?
        var headers = HTTPHeaders()
        switch error {
        case let abort as any AbortError:
            status = abort.status
            detail = status.code < 500 ? abort.reason : nil
            headers = abort.headers
        default:
            status = .internalServerError
            detail = nil
        }
        if status.code >= 500 {
            req.logger.error("request failed", metadata: ["route": .string(req.route?.description ?? "unmatched"), "error_type": .string(String(describing: type(of: error)))])
            if let leaf = error as? LeafError { req.logger.error("template error", metadata: ["leaf": .string(String(String(describing: leaf).prefix(400)))]) }
        }
        if req.url.path.hasPrefix("/api/") {
            let problem = Problem(
                type: Problem.type(for: status),
                title: status.reasonPhrase,
                status: Int(status.code),
                detail: detail,
                errors: (error as? ValidationFailure)?.errors
            )
            let body = (try? JSONEncoder().encode(problem)) ?? Data()
            headers.contentType = Problem.mediaType
            return Response(status: status, headers: headers, body: .init(data: body))
        }
        let messageKey: String
        switch error {
        case CSRFRefusal.crossSite: messageKey = "error.cross_site"
        case is CSRFRefusal: messageKey = "error.csrf"
        default:
            messageKey = [400, 403, 404, 413, 429].contains(status.code) ? "error.\(status.code)" : "error.500"
        }
        struct ErrorView: Encodable { let status: Int; let message: String }
        do {
            let view = ErrorView(status: Int(status.code), message: req.t(messageKey))
            let response = try await req.page("error", titleKey: "error.title", view, status: status, createSession: false)
            for (name, value) in headers where name.lowercased() != "content-type" { response.headers.add(name: name, value: value) }
            return response
        } catch {
            return Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: .init(string: req.t(messageKey)))
        }
    }
}
