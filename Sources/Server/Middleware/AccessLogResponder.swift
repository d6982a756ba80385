import Hummingbird
import Logging

/// Writes one line per request, `METHOD PATH STATUS DURATION`, when the access log is on.
struct AccessLogResponder<Next: HTTPResponder>: HTTPResponder where Next.Context == ServerRequestContext {
  typealias Context = ServerRequestContext

  /// Where lines go; nil turns the access log off.
  let logger: Logger?
  let next: Next

  func respond(to request: Request, context: Context) async throws -> Response {
    guard let logger else { return try await next.respond(to: request, context: context) }
    let start = ContinuousClock.now
    let response = try await next.respond(to: request, context: context)
    let duration = ContinuousClock.now - start
    logger.info(
      "\(request.method.rawValue) \(request.uri.path) \(response.status.code) \(formatMilliseconds(duration))")
    return response
  }
}
