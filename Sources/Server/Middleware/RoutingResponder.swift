import Hummingbird

/// Resolves the request's route once and keeps it in the context, for the responders it
/// wraps: metrics label by it, CORS and the API key check by it, the router switches on it.
struct RoutingResponder<Next: HTTPResponder>: HTTPResponder where Next.Context == ServerRequestContext {
  typealias Context = ServerRequestContext

  let next: Next

  func respond(to request: Request, context: Context) async throws -> Response {
    var context = context
    context.route = Route(path: request.uri.path)
    return try await next.respond(to: request, context: context)
  }
}
