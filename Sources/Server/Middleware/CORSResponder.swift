import HTTPTypes
import Hummingbird

/// Answers CORS preflights for known routes and marks every answer to an allowed origin;
/// does nothing when no origin is configured.
struct CORSResponder<Next: HTTPResponder>: HTTPResponder where Next.Context == ServerRequestContext {
  typealias Context = ServerRequestContext

  /// Origins allowed to call from a browser; `*` allows any.
  let origins: [String]
  let next: Next

  func respond(to request: Request, context: Context) async throws -> Response {
    guard !origins.isEmpty else { return try await next.respond(to: request, context: context) }
    let origin = allowedOrigin(for: request)
    var response: Response
    if request.method == .options, context.route != .unmatched {
      response =
        origin == nil
        ? try FastAPIError.disallowedOrigin.response(from: request, context: context)
        : preflight(request, route: context.route)
    } else {
      response = try await next.respond(to: request, context: context)
    }
    if let origin {
      response.headers[.accessControlAllowOrigin] = origin
      if origin != "*" { response.headers[.vary] = "Origin" }
    }
    return response
  }

  private func allowedOrigin(for request: Request) -> String? {
    guard let origin = request.headers[.origin] else { return nil }
    if origins.contains("*") { return "*" }
    return origins.contains(origin) ? origin : nil
  }

  private func preflight(_ request: Request, route: Route) -> Response {
    var response = Response(status: .noContent)
    let methods = route.methods.map(\.rawValue) + ["OPTIONS"]
    response.headers[.accessControlAllowMethods] = methods.joined(separator: ", ")
    response.headers[.accessControlAllowHeaders] =
      request.headers[.accessControlRequestHeaders] ?? "Content-Type, Authorization, X-API-Key"
    response.headers[.accessControlMaxAge] = "600"
    return response
  }
}
