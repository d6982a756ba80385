import Foundation
import Model
import NIOHTTP1
import Server
import Testing

@Suite("GET /openapi.json and GET /docs")
struct DocumentationTests {
  @Test("the OpenAPI 3.1 document describes /predict from the model's schema", arguments: ["iris", "diabetes"])
  func openAPI(name: String) async throws {
    let model = try Model.builtIn(named: name)
    try await TestServer.with(model) { s in
      let answer = try await s.get("/openapi.json")
      #expect(answer.status == 200)
      if let path = ProcessInfo.processInfo.environment["FATHOM_OPENAPI_DUMP"] {
        try answer.body.write(toFile: "\(path)/\(name).openapi.json", atomically: true, encoding: .utf8)
      }
      let o = answer.object
      #expect(o["openapi"] as? String == "3.1.0")
      let paths = try #require(o["paths"] as? [String: Any])
      #expect(paths["/predict"] != nil)
      #expect(paths["/v2/models/\(name)/infer"] != nil)
      let schemas = try #require((o["components"] as? [String: Any])?["schemas"] as? [String: Any])
      #expect(schemas["HTTPValidationError"] != nil)
      let features = try #require(schemas["Features"] as? [String: Any])
      let properties = try #require(features["properties"] as? [String: [String: Any]])
      #expect(Set(properties.keys) == Set(model.signature.featureNames))
      let first = try #require(model.signature.features.first)
      #expect(properties[first.name]?["minimum"] as? Double == first.minimum)
      #expect(properties[first.name]?["maximum"] as? Double == first.maximum)
      #expect(properties[first.name]?["examples"] != nil)
    }
  }

  @Test("/docs is a self-contained page with the features and a form")
  func docs() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let answer = try await s.get("/docs")
      #expect(answer.status == 200)
      #expect(answer.headers.first(name: "Content-Type")?.hasPrefix("text/html") == true)
      for name in Fixtures.iris.signature.featureNames { #expect(answer.body.contains(name)) }
      #expect(answer.body.contains("fetch('/predict'"))
      #expect(!answer.body.contains("http://") && !answer.body.contains("https://"))
    }
  }
}
