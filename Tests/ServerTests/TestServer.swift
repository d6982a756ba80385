import AsyncHTTPClient
import Foundation
import Logging
import Model
import NIOCore
import NIOHTTP1
import Server

/// A live server on a free loopback port, and a client for it.
struct TestServer {
  let server: ModelServer
  let address: ServerAddress
  let client: HTTPClient

  /// An HTTP answer: status, headers and body, with the body parsed as JSON when it is JSON.
  struct Answer {
    var status: Int
    var headers: HTTPHeaders
    var body: String
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    /// The `detail` entries of a FastAPI 422 body.
    var details: [[String: Any]] { object["detail"] as? [[String: Any]] ?? [] }
  }

  /// Starts a server over `model`, runs `body`, and stops the server even when `body` throws.
  static func with<T>(
    _ model: Model, configuration: ServerConfiguration = ServerConfiguration(),
    connections: Int = 8,
    _ body: (TestServer) async throws -> T
  ) async throws -> T {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.accessLog = false
    let server = ModelServer(store: ModelStore(model), configuration: configuration)
    let address = try await server.start()
    var clientConfiguration = HTTPClient.Configuration()
    clientConfiguration.connectionPool = .init(
      idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
    clientConfiguration.timeout = .init(connect: .seconds(10), read: .seconds(30))
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
    let testServer = TestServer(server: server, address: address, client: client)
    do {
      let result = try await body(testServer)
      try await client.shutdown()
      await server.stop()
      return result
    } catch {
      try? await client.shutdown()
      await server.stop()
      throw error
    }
  }

  /// Sends a request and collects the whole answer.
  func send(
    _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String? = "application/json",
    headers: [(String, String)] = []
  ) async throws -> Answer {
    var request = HTTPClientRequest(url: address.url + path)
    request.method = method
    if let body {
      request.body = .bytes(ByteBuffer(string: body))
      if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
    }
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await client.execute(request, timeout: .seconds(30))
    let bytes = try await response.body.collect(upTo: 16 << 20)
    return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
  }

  func get(_ path: String, headers: [(String, String)] = []) async throws -> Answer {
    try await send(.GET, path, headers: headers)
  }

  func post(_ path: String, _ body: String, contentType: String? = "application/json", headers: [(String, String)] = [])
    async throws -> Answer
  {
    try await send(.POST, path, body: body, contentType: contentType, headers: headers)
  }
}

enum Fixtures {
  // The embedded models are part of the binary: if they did not load, every test would say so.
  // swift-format-ignore: NeverUseForceTry
  static let iris = try! Model.builtIn(named: "iris")
  // swift-format-ignore: NeverUseForceTry
  static let diabetes = try! Model.builtIn(named: "diabetes")

  /// The iris model with a schema that gives no defaults, so missing features are errors.
  // swift-format-ignore: NeverUseForceTry
  static let irisWithoutDefaults: Model = {
    let url = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Sources/Model/Resources/DefaultModels/iris.onnx")
    let schema = FeatureSchema(features: [
      .init(name: "sepal_length", type: "number", min: 4.3, max: 7.9),
      .init(name: "sepal_width", type: "number", min: 2.0, max: 4.4),
      .init(name: "petal_length", type: "number", min: 1.0, max: 6.9),
      .init(name: "petal_width", type: "number", min: 0.1, max: 2.5),
    ])
    return try! Model(contentsOf: url, schema: schema)
  }()

  static let setosa: [String: FeatureValue] = [
    "sepal_length": .number(5.1), "sepal_width": .number(3.5), "petal_length": .number(1.4),
    "petal_width": .number(0.2),
  ]
  static let setosaJSON = #"{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}"#
  static let virginica: [String: FeatureValue] = [
    "sepal_length": .number(6.7), "sepal_width": .number(3.0), "petal_length": .number(5.2),
    "petal_width": .number(2.3),
  ]
  static let virginicaJSON = #"{"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3}"#
}
