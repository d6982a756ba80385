import HTTPTypes
import Hummingbird
import Logging
import Model
import NIOCore

/// Answers every request: routes by path, checks method, key and CORS, and never throws,
/// so no client input can turn into a 500.
///
/// Routing is a `switch` over the path rather than Hummingbird's trie router because the
/// API is small and fixed, and it gives FastAPI's exact 404/405 bodies without middleware.
struct ServerResponder: HTTPResponder {
  typealias Context = ServerRequestContext

  let store: ModelStore
  let configuration: ServerConfiguration
  let statistics: RequestStatistics
  let metrics: ServerMetrics
  let readiness: Readiness

  func respond(to request: Request, context: Context) async throws -> Response {
    let start = ContinuousClock.now
    statistics.begin()
    var request = request
    let route = Route(path: request.uri.path)
    var response: Response
    if request.method == .options, !configuration.corsOrigins.isEmpty, route != .unmatched {
      response = preflight(request, route: route)
    } else {
      response = await answer(&request, route: route)
    }
    addCORSHeaders(to: &response, request: request)
    if response.headers[.connection] == "close" {
      // The body is not read to its end: stop reading, so the connection closes once the
      // answer is written instead of after the client has sent everything.
      context.channel.close(mode: .input, promise: nil)
    }
    let duration = ContinuousClock.now - start
    let status = response.status.code
    statistics.record(status: status, duration: duration)
    metrics.recordRequest(route: route.label, method: request.method.rawValue, status: status, duration: duration)
    if configuration.accessLog {
      configuration.logger.info(
        "\(request.method.rawValue) \(request.uri.path) \(status) \(formatMilliseconds(duration))")
    }
    return response
  }

  /// Dispatches a request to its route after checking the method and the API key.
  private func answer(_ request: inout Request, route: Route) async -> Response {
    let allowed = route.methods
    guard !allowed.isEmpty else { return .detail(.notFound, "Not Found") }
    guard allowed.contains(request.method) else {
      var response = Response.detail(.methodNotAllowed, "Method Not Allowed")
      response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
      return response
    }
    if route.needsKey, let key = configuration.apiKey, !request.hasAPIKey(key) {
      var response: Response =
        route.isInferenceProtocol
        ? .inferenceError(.unauthorized, "a valid API key is required in X-API-Key or Authorization: Bearer")
        : .detail(.unauthorized, "Not authenticated")
      response.headers[.wwwAuthenticate] = "Bearer"
      return response
    }
    let served = store.served
    switch route {
    case .predict: return await predict(&request, served: served)
    case .health: return .json(#"{"status":"ok"}"#)
    case .ready: return ready(served)
    case .model: return .json(bytes: served.modelDocument)
    case .metrics: return .metricsText(metrics.exposition())
    case .openAPI: return .json(bytes: served.openAPIDocument)
    case .docs: return .html(served.docsPage)
    case .inferenceServer: return InferenceProtocol.serverMetadata()
    case .inferenceLive: return .json(#"{"live":true}"#)
    case .inferenceReady:
      return readiness.isReady ? .json(#"{"ready":true}"#) : .json(#"{"ready":false}"#, status: .serviceUnavailable)
    case .inferenceModel(let name, let version):
      if let problem = InferenceProtocol.check(name: name, version: version, served: served) { return problem }
      return .json(bytes: served.inferenceMetadata)
    case .inferenceModelReady(let name, let version):
      if let problem = InferenceProtocol.check(name: name, version: version, served: served) { return problem }
      return InferenceProtocol.modelReady(served, ready: readiness.isReady)
    case .inferenceInfer(let name, let version):
      if let problem = InferenceProtocol.check(name: name, version: version, served: served) { return problem }
      return await infer(&request, served: served)
    case .webApp(let asset):
      return asset.response(ifNoneMatch: request.headers[.ifNoneMatch])
    case .unmatched, .inferenceUnmatched:
      return .detail(.notFound, "Not Found")
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

  // MARK: Bodies

  /// Why a body could not be read, as the response to send.
  struct BodyProblem: Error {
    var response: Response
  }

  /// Reads the whole body, enforcing the size limit and the time allowed to send it.
  func readBody(_ request: inout Request) async -> Result<[UInt8], BodyProblem> {
    let limit = configuration.maxBodyBytes
    if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
      return .failure(BodyProblem(response: tooLarge()))
    }
    let deadline = ContinuousClock.now.advanced(by: configuration.bodyTimeout)
    var bytes: [UInt8] = []
    do {
      for try await buffer in request.body {
        guard bytes.count + buffer.readableBytes <= limit else {
          return .failure(BodyProblem(response: tooLarge()))
        }
        bytes.append(contentsOf: buffer.readableBytesView)
        if ContinuousClock.now > deadline {
          var response = Response.detail(.requestTimeout, "The request body took too long to arrive")
          response.headers[.connection] = "close"
          return .failure(BodyProblem(response: response))
        }
      }
    } catch {
      var response = Response.detail(.badRequest, "The request body could not be read")
      response.headers[.connection] = "close"
      return .failure(BodyProblem(response: response))
    }
    return .success(bytes)
  }

  private func tooLarge() -> Response {
    var response = Response.detail(
      .contentTooLarge, "Request body is larger than the limit of \(configuration.maxBodyBytes) bytes")
    // The rest of the body is not read, so the connection cannot be reused.
    response.headers[.connection] = "close"
    return response
  }

  // MARK: CORS

  private func allowedOrigin(for request: Request) -> String? {
    guard !configuration.corsOrigins.isEmpty, let origin = request.headers[.origin] else { return nil }
    if configuration.corsOrigins.contains("*") { return "*" }
    return configuration.corsOrigins.contains(origin) ? origin : nil
  }

  private func preflight(_ request: Request, route: Route) -> Response {
    guard allowedOrigin(for: request) != nil else {
      return .detail(.badRequest, "Disallowed CORS origin")
    }
    var response = Response(status: .noContent)
    let methods = route.methods.map(\.rawValue) + ["OPTIONS"]
    response.headers[.accessControlAllowMethods] = methods.joined(separator: ", ")
    response.headers[.accessControlAllowHeaders] =
      request.headers[.accessControlRequestHeaders] ?? "Content-Type, Authorization, X-API-Key"
    response.headers[.accessControlMaxAge] = "600"
    return response
  }

  private func addCORSHeaders(to response: inout Response, request: Request) {
    guard let origin = allowedOrigin(for: request) else { return }
    response.headers[.accessControlAllowOrigin] = origin
    if origin != "*" { response.headers[.vary] = "Origin" }
  }
}

extension Request {
  /// Whether the request carries `key` in `X-API-Key` or `Authorization: Bearer`.
  func hasAPIKey(_ key: String) -> Bool {
    if let given = headers[.xAPIKey], constantTimeEqual(given, key) { return true }
    if let auth = headers[.authorization], auth.count > 7, auth.prefix(7).lowercased() == "bearer " {
      return constantTimeEqual(String(auth.dropFirst(7)).trimmingSpaces, key)
    }
    return false
  }
}

/// Compares without returning early, so timing does not reveal how much of a key matched.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
  let x = Array(a.utf8)
  let y = Array(b.utf8)
  var difference = UInt8(x.count == y.count ? 0 : 1)
  for i in 0..<max(x.count, y.count) {
    difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
  }
  return difference == 0
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}

extension HTTPField.Name {
  static let xAPIKey = HTTPField.Name("X-API-Key")!
}

func formatMilliseconds(_ d: Duration) -> String {
  let ms = Double(d.nanoseconds) / 1e6
  let hundredths = (ms * 100).rounded() / 100
  return "\(hundredths)ms"
}
