import HTTPTypes
import Hummingbird
import Model

/// Answers each route: checks the method, then switches on the route `RoutingResponder`
/// resolved. Failures are thrown as `FastAPIError` or `InferenceError` for `ErrorResponder`
/// to render, so no client input can turn into a 500.
///
/// Routing is a `switch` over the path rather than Hummingbird's trie router because the
/// API is small and fixed, and it gives FastAPI's exact 404/405 bodies without middleware.
struct ServerResponder: HTTPResponder {
  typealias Context = ServerRequestContext

  let store: ModelStore
  let configuration: ServerConfiguration
  let metrics: ServerMetrics
  let readiness: Readiness

  func respond(to request: Request, context: Context) async throws -> Response {
    let route = context.route
    let allowed = route.methods
    guard !allowed.isEmpty else { throw FastAPIError.notFound }
    guard allowed.contains(request.method) else { throw FastAPIError.methodNotAllowed(allowed: allowed) }
    var request = request
    let served = store.served
    switch route {
    case .predict: return try await predict(&request, served: served)
    case .health: return .json(#"{"status":"ok"}"#)
    case .ready: return ready(served)
    case .model: return .json(bytes: served.modelDocument)
    case .metrics: return .metricsText(metrics.exposition())
    case .openAPI: return .json(bytes: served.openAPIDocument)
    case .docs: return .html(served.docsPage)
    case .inferenceServer: return .json(bytes: InferenceDocuments.serverMetadata)
    case .inferenceLive: return .json(#"{"live":true}"#)
    case .inferenceReady:
      return readiness.isReady ? .json(#"{"ready":true}"#) : .json(#"{"ready":false}"#, status: .serviceUnavailable)
    case .inferenceModel(let name, let version):
      try InferenceDocuments.check(name: name, version: version, served: served)
      return .json(bytes: served.inferenceMetadata)
    case .inferenceModelReady(let name, let version):
      try InferenceDocuments.check(name: name, version: version, served: served)
      return .json(bytes: InferenceDocuments.modelReady(served, ready: readiness.isReady))
    case .inferenceInfer(let name, let version):
      try InferenceDocuments.check(name: name, version: version, served: served)
      return try await infer(&request, served: served)
    case .webApp(let asset):
      return asset.response(
        asset == .page ? served.webAppPage : asset.content, ifNoneMatch: request.headers[.ifNoneMatch])
    case .unmatched, .inferenceUnmatched:
      throw FastAPIError.notFound
    }
  }

  private func ready(_ served: ServedModel) -> Response {
    var w = JSONWriter()
    w.raw(#"{"status":"#)
    w.string(readiness.isReady ? "ready" : "stopping")
    w.raw(",")
    w.raw(bytes: served.responseTail)
    return .json(bytes: w.bytes, status: readiness.isReady ? .ok : .serviceUnavailable)
  }
}
