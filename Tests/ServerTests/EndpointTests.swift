import Foundation
import Model
import NIOHTTP1
import Server
import Testing

@Suite("health, readiness, model, metrics, routing errors, key and CORS")
struct EndpointTests {
  @Test("GET /health and GET /ready answer while serving")
  func healthAndReady() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let health = try await s.get("/health")
      #expect(health.status == 200)
      #expect(health.object["status"] as? String == "ok")
      let ready = try await s.get("/ready")
      #expect(ready.status == 200)
      #expect(ready.object["status"] as? String == "ready")
      #expect(ready.object["model"] as? String == "iris")
    }
  }

  @Test("GET /model describes the features, classes and task")
  func modelDocument() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let answer = try await s.get("/model")
      #expect(answer.status == 200)
      let o = answer.object
      #expect(o["task"] as? String == "classification")
      #expect(o["classes"] as? [String] == ["setosa", "versicolor", "virginica"])
      let features = try #require(o["features"] as? [[String: Any]])
      #expect(features.map { $0["name"] as? String } == ["sepal_length", "sepal_width", "petal_length", "petal_width"])
      #expect(features.first?["minimum"] as? Double == 4.3)
      #expect(features.first?["maximum"] as? Double == 7.9)
      #expect(features.first?["default"] as? Double == 5.8)
    }
  }

  @Test("GET /metrics exposes requests by route and status, latency and predictions by class")
  func metrics() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      _ = try await s.post("/predict", Fixtures.setosaJSON)
      _ = try await s.get("/nowhere")
      let answer = try await s.get("/metrics")
      #expect(answer.status == 200)
      #expect(answer.headers.first(name: "Content-Type")?.hasPrefix("text/plain") == true)
      #expect(answer.body.contains(#"fathom_http_requests_total{route="/predict",method="POST",status="200"} 1"#))
      #expect(answer.body.contains(#"route="unmatched""#))
      #expect(answer.body.contains("fathom_http_request_duration_seconds_bucket"))
      #expect(answer.body.contains(#"fathom_predictions_total{model="iris",class="setosa"} 1"#))
    }
  }

  @Test("an unknown route is a JSON 404 and a wrong method a JSON 405")
  func routingErrors() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let missing = try await s.get("/nowhere")
      #expect(missing.status == 404)
      #expect(missing.body == #"{"detail":"Not Found"}"#)
      let wrongMethod = try await s.get("/predict")
      #expect(wrongMethod.status == 405)
      #expect(wrongMethod.body == #"{"detail":"Method Not Allowed"}"#)
      #expect(wrongMethod.headers.first(name: "Allow") == "POST")
      let delete = try await s.send(.DELETE, "/health")
      #expect(delete.status == 405)
    }
  }

  @Test("with an API key, prediction routes need it and health stays open")
  func apiKey() async throws {
    try await TestServer.with(Fixtures.iris, configuration: ServerConfiguration(apiKey: "s3cret")) { s in
      let none = try await s.post("/predict", Fixtures.setosaJSON)
      #expect(none.status == 401)
      #expect(none.object["detail"] as? String == "Not authenticated")
      let wrong = try await s.post("/predict", Fixtures.setosaJSON, headers: [("X-API-Key", "guess")])
      #expect(wrong.status == 401)
      let header = try await s.post("/predict", Fixtures.setosaJSON, headers: [("X-API-Key", "s3cret")])
      #expect(header.status == 200)
      let bearer = try await s.post("/predict", Fixtures.setosaJSON, headers: [("Authorization", "Bearer s3cret")])
      #expect(bearer.status == 200)
      let infer = try await s.post("/v2/models/iris/infer", "{}")
      #expect(infer.status == 401)
      #expect(infer.object["error"] is String)
      #expect(try await s.get("/health").status == 200)
      #expect(try await s.get("/v2/health/ready").status == 200)
    }
  }

  @Test("CORS: allowed origins get the header and preflight requests are answered")
  func cors() async throws {
    let configuration = ServerConfiguration(corsOrigins: ["http://localhost:8501"])
    try await TestServer.with(Fixtures.iris, configuration: configuration) { s in
      let preflight = try await s.send(
        .OPTIONS, "/predict",
        headers: [("Origin", "http://localhost:8501"), ("Access-Control-Request-Method", "POST")])
      #expect(preflight.status == 204)
      #expect(preflight.headers.first(name: "Access-Control-Allow-Origin") == "http://localhost:8501")
      #expect(preflight.headers.first(name: "Access-Control-Allow-Methods")?.contains("POST") == true)
      let simple = try await s.post("/predict", Fixtures.setosaJSON, headers: [("Origin", "http://localhost:8501")])
      #expect(simple.headers.first(name: "Access-Control-Allow-Origin") == "http://localhost:8501")
      let other = try await s.post("/predict", Fixtures.setosaJSON, headers: [("Origin", "http://evil.example")])
      #expect(other.headers.first(name: "Access-Control-Allow-Origin") == nil)
    }
  }
}
