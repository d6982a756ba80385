import HTTPTypes

/// Which endpoint a path names; the parameters of Open Inference Protocol paths are kept.
enum Route: Equatable, Sendable {
  case predict
  case health
  case ready
  case model
  case metrics
  case openAPI
  case docs
  case inferenceServer
  case inferenceLive
  case inferenceReady
  case inferenceModel(name: String, version: String?)
  case inferenceModelReady(name: String, version: String?)
  case inferenceInfer(name: String, version: String?)
  /// A path under `/v2` that names no endpoint: a JSON 404 in the protocol's format.
  case inferenceUnmatched
  /// A file of the web app: `/`, `/app.js`, `/app.css`.
  case webApp(WebAppAsset)
  case unmatched

  init(path: String) {
    switch path {
    case "/predict": self = .predict
    case "/health": self = .health
    case "/ready": self = .ready
    case "/model": self = .model
    case "/metrics": self = .metrics
    case "/openapi.json": self = .openAPI
    case "/docs": self = .docs
    case "/v2": self = .inferenceServer
    case "/v2/health/live": self = .inferenceLive
    case "/v2/health/ready": self = .inferenceReady
    default:
      if let asset = WebAppAsset(path: path) {
        self = .webApp(asset)
        return
      }
      self = Route.inferenceModelRoute(path) ?? .unmatched
    }
  }

  /// Parses `/v2/models/{name}[/versions/{v}][/ready|/infer]`.
  private static func inferenceModelRoute(_ path: String) -> Route? {
    guard path.hasPrefix("/v2/models/") else { return nil }
    let parts = path.dropFirst("/v2/models/".count).split(separator: "/", omittingEmptySubsequences: false).map {
      String($0).removingPercentEncoding
    }
    guard let name = parts.first, !name.isEmpty else { return .inferenceUnmatched }
    var rest = parts.dropFirst()
    var version: String?
    if rest.first == "versions" {
      rest = rest.dropFirst()
      guard let v = rest.first, !v.isEmpty else { return .inferenceUnmatched }
      version = v
      rest = rest.dropFirst()
    }
    switch Array(rest) {
    case []: return .inferenceModel(name: name, version: version)
    case ["ready"]: return .inferenceModelReady(name: name, version: version)
    case ["infer"]: return .inferenceInfer(name: name, version: version)
    default: return .inferenceUnmatched
    }
  }

  /// The methods the route answers; empty for unknown paths.
  var methods: [HTTPRequest.Method] {
    switch self {
    case .predict, .inferenceInfer: [.post]
    case .unmatched, .inferenceUnmatched: []
    default: [.get, .head]
    }
  }

  /// Whether the API key, when configured, guards the route: prediction routes only.
  var needsKey: Bool {
    switch self {
    case .predict, .inferenceInfer: true
    default: false
    }
  }

  /// Whether errors take the Open Inference Protocol's `{"error": ...}` form.
  var isInferenceProtocol: Bool {
    switch self {
    case .inferenceServer, .inferenceLive, .inferenceReady, .inferenceModel, .inferenceModelReady, .inferenceInfer,
      .inferenceUnmatched:
      true
    default: false
    }
  }

  /// The route's template, the `route` label of metrics.
  var label: String {
    switch self {
    case .predict: "/predict"
    case .health: "/health"
    case .ready: "/ready"
    case .model: "/model"
    case .metrics: "/metrics"
    case .openAPI: "/openapi.json"
    case .docs: "/docs"
    case .inferenceServer: "/v2"
    case .inferenceLive: "/v2/health/live"
    case .inferenceReady: "/v2/health/ready"
    case .inferenceModel: "/v2/models/{name}"
    case .inferenceModelReady: "/v2/models/{name}/ready"
    case .inferenceInfer: "/v2/models/{name}/infer"
    case .webApp(let asset): asset.path
    case .inferenceUnmatched, .unmatched: "unmatched"
    }
  }
}
