import HTTPTypes
import Hummingbird

/// Turns away requests to prediction routes that lack the configured API key (401), in the
/// error form of the route's protocol; other routes and methods pass, so an unknown path is
/// still a 404 and a wrong method a 405.
struct APIKeyResponder<Next: HTTPResponder>: HTTPResponder where Next.Context == ServerRequestContext {
  typealias Context = ServerRequestContext

  /// The key; nil turns the check off.
  let key: String?
  let next: Next

  func respond(to request: Request, context: Context) async throws -> Response {
    let route = context.route
    if let key, route.needsKey, route.methods.contains(request.method), !request.hasAPIKey(key) {
      if route.isInferenceProtocol { throw InferenceError.unauthorized }
      throw FastAPIError.unauthorized
    }
    return try await next.respond(to: request, context: context)
  }
}
