import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Model
import NIOCore
import Testing

@testable import Server

/// The server's responder chain run in process (`app.test(.router)`): no socket, no port.
enum InProcess {
  /// Runs `body` with a client of the responder chain `ModelServer` would serve over `model`.
  static func test(
    _ model: Model = Fixtures.iris, configuration: ServerConfiguration = ServerConfiguration(accessLog: false),
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
  ) async throws {
    let responder = ServerResponder.chain(
      store: ModelStore(model), configuration: configuration, statistics: RequestStatistics(),
      metrics: ServerMetrics(), readiness: Readiness())
    try await Application(responder: responder).test(.router, body)
  }
}

extension TestResponse {
  /// The body as UTF-8 text.
  var text: String { String(buffer: body) }
}

@Suite("the responder chain, in process")
struct RouterTests {
  @Test("an unknown path is FastAPI's JSON 404, under /v2 too")
  func notFound() async throws {
    try await InProcess.test { client in
      for path in ["/nowhere", "/v2/models/iris/nothing"] {
        try await client.execute(uri: path, method: .get) { response in
          #expect(response.status == .notFound)
          #expect(response.headers[.contentType] == "application/json")
          #expect(response.text == #"{"detail":"Not Found"}"#)
        }
      }
    }
  }

  @Test("a wrong method is FastAPI's JSON 405 with Allow")
  func methodNotAllowed() async throws {
    try await InProcess.test { client in
      try await client.execute(uri: "/predict", method: .get) { response in
        #expect(response.status == .methodNotAllowed)
        #expect(response.text == #"{"detail":"Method Not Allowed"}"#)
        #expect(response.headers[.allow] == "POST")
      }
      try await client.execute(uri: "/health", method: .delete) { response in
        #expect(response.headers[.allow] == "GET, HEAD")
      }
    }
  }

  @Test("an invalid row is a 422 listing each problem with Pydantic's type, loc, msg and input")
  func validationDetail() async throws {
    try await InProcess.test(Fixtures.irisWithoutDefaults) { client in
      let body = ByteBuffer(string: #"{"sepal_length": 99, "sepal_width": "wide", "petal_length": 1.4}"#)
      try await client.execute(
        uri: "/predict", method: .post, headers: [.contentType: "application/json"], body: body
      ) { response in
        #expect(response.status == .unprocessableContent)
        #expect(response.text.hasPrefix(#"{"detail":[{"type":"#))
        #expect(
          response.text.contains(
            #"{"type":"less_than_equal","loc":["body","sepal_length"],"msg":"Input should be less than or equal to 7.9","input":99,"ctx":{"le":7.9}}"#
          ))
        #expect(response.text.contains(#""type":"float_parsing","loc":["body","sepal_width"]"#))
        #expect(response.text.contains(#""type":"missing","loc":["body","petal_width"]"#))
      }
    }
  }

  @Test("with an API key, /predict without it is 401 in FastAPI's form, /v2 infer in the protocol's")
  func apiKey() async throws {
    let configuration = ServerConfiguration(apiKey: "s3cret", accessLog: false)
    try await InProcess.test(configuration: configuration) { client in
      try await client.execute(uri: "/predict", method: .post, body: ByteBuffer(string: "{}")) { response in
        #expect(response.status == .unauthorized)
        #expect(response.text == #"{"detail":"Not authenticated"}"#)
        #expect(response.headers[.wwwAuthenticate] == "Bearer")
      }
      try await client.execute(uri: "/v2/models/iris/infer", method: .post, body: ByteBuffer(string: "{}")) {
        response in
        #expect(response.status == .unauthorized)
        #expect(response.text.hasPrefix(#"{"error":"#))
      }
      // The method is checked before the key: a GET of /predict is still a 405.
      try await client.execute(uri: "/predict", method: .get) { response in
        #expect(response.status == .methodNotAllowed)
      }
      try await client.execute(uri: "/health", method: .get) { response in
        #expect(response.status == .ok)
      }
    }
  }

  @Test("CORS: a preflight from an allowed origin is a 204 with the route's methods; others are a 400")
  func corsPreflight() async throws {
    let configuration = ServerConfiguration(corsOrigins: ["http://localhost:8501"], accessLog: false)
    try await InProcess.test(configuration: configuration) { client in
      try await client.execute(uri: "/predict", method: .options, headers: [.origin: "http://localhost:8501"]) {
        response in
        #expect(response.status == .noContent)
        #expect(response.headers[.accessControlAllowOrigin] == "http://localhost:8501")
        #expect(response.headers[.accessControlAllowMethods] == "POST, OPTIONS")
        #expect(response.headers[.accessControlMaxAge] == "600")
        #expect(response.headers[.vary] == "Origin")
      }
      try await client.execute(uri: "/predict", method: .options, headers: [.origin: "http://evil.example"]) {
        response in
        #expect(response.status == .badRequest)
        #expect(response.text == #"{"detail":"Disallowed CORS origin"}"#)
        #expect(response.headers[.accessControlAllowOrigin] == nil)
      }
      // Errors are marked too, so a browser can read them.
      try await client.execute(uri: "/nowhere", method: .get, headers: [.origin: "http://localhost:8501"]) {
        response in
        #expect(response.status == .notFound)
        #expect(response.headers[.accessControlAllowOrigin] == "http://localhost:8501")
      }
    }
  }
}
