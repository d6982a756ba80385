import Hummingbird

/// Counts every request for `serve status` (requests in flight, errors, latency) and for
/// `/metrics` (by route template, method and status).
struct RequestMetricsResponder<Next: HTTPResponder>: HTTPResponder where Next.Context == ServerRequestContext {
  typealias Context = ServerRequestContext

  let statistics: RequestStatistics
  let metrics: ServerMetrics
  let next: Next

  func respond(to request: Request, context: Context) async throws -> Response {
    let start = ContinuousClock.now
    statistics.begin()
    // The responders inside render every error, so this always has a status to count.
    let response: Response
    do {
      response = try await next.respond(to: request, context: context)
    } catch {
      statistics.record(status: 500, duration: ContinuousClock.now - start)
      throw error
    }
    let duration = ContinuousClock.now - start
    let status = response.status.code
    statistics.record(status: status, duration: duration)
    metrics.recordRequest(
      route: context.route.label, method: request.method.rawValue, status: status, duration: duration)
    return response
  }
}
