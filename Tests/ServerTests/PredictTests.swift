import Foundation
import Model
import NIOHTTP1
import Server
import Testing

@Suite("POST /predict")
struct PredictTests {
  @Test("a JSON object of features gets the label, the class probabilities, the model and its version")
  func classifierPrediction() async throws {
    let expected = try Fixtures.iris.predict(Fixtures.setosa)
    try await TestServer.with(Fixtures.iris) { s in
      let answer = try await s.post("/predict", Fixtures.setosaJSON)
      #expect(answer.status == 200)
      #expect(answer.headers.first(name: "Content-Type") == "application/json")
      let o = answer.object
      #expect(o["label"] as? String == expected.label?.description)
      #expect(o["model"] as? String == "iris")
      #expect((o["version"] as? String)?.isEmpty == false)
      let probabilities = try #require(o["probabilities"] as? [String: Double])
      #expect(Set(probabilities.keys) == ["setosa", "versicolor", "virginica"])
      for c in expected.probabilities {
        #expect(abs((probabilities[c.label.description] ?? -1) - c.probability) < 1e-6)
      }
    }
  }

  @Test("a regressor answers its value")
  func regressorPrediction() async throws {
    let row: [String: FeatureValue] = ["age": .number(60), "bmi": .number(30.1), "bp": .number(100)]
    let expected = try #require(try Fixtures.diabetes.predict(row).value)
    try await TestServer.with(Fixtures.diabetes) { s in
      let answer = try await s.post("/predict", #"{"age": 60, "bmi": 30.1, "bp": 100}"#)
      #expect(answer.status == 200)
      let value = try #require(answer.object["value"] as? Double)
      #expect(abs(value - expected) < 1e-6 * max(1, abs(expected)))
      #expect(answer.object["model"] as? String == "diabetes")
      #expect(answer.object["label"] == nil)
    }
  }

  @Test("{\"instances\": [...]} predicts a batch, in order")
  func batch() async throws {
    let expected = try Fixtures.iris.predict(rows: [Fixtures.setosa, Fixtures.virginica, Fixtures.setosa])
    try await TestServer.with(Fixtures.iris) { s in
      let body =
        #"{"instances": ["# + [Fixtures.setosaJSON, Fixtures.virginicaJSON, Fixtures.setosaJSON].joined(separator: ",")
        + "]}"
      let answer = try await s.post("/predict", body)
      #expect(answer.status == 200)
      let predictions = try #require(answer.object["predictions"] as? [[String: Any]])
      #expect(predictions.map { $0["label"] as? String } == expected.map { $0.label?.description })
      #expect(answer.object["model"] as? String == "iris")
    }
  }

  @Test("a batch over the limit is a 422 too_long")
  func batchTooLong() async throws {
    try await TestServer.with(Fixtures.iris, configuration: ServerConfiguration(maxBatchSize: 2)) { s in
      let body = #"{"instances": [{}, {}, {}]}"#
      let answer = try await s.post("/predict", body)
      #expect(answer.status == 422)
      let detail = try #require(answer.details.first)
      #expect(detail["type"] as? String == "too_long")
      #expect(detail["loc"] as? [String] == ["body", "instances"])
      #expect((detail["ctx"] as? [String: Any])?["actual_length"] as? Int == 3)
    }
  }

  @Test("every problem of a row is listed in one 422, with Pydantic's types, locations and contexts")
  func everyProblemListed() async throws {
    try await TestServer.with(Fixtures.irisWithoutDefaults) { s in
      let body = #"{"sepal_length": "long", "sepal_width": 9.5, "petal_length": 0.2, "colour": "blue"}"#
      let answer = try await s.post("/predict", body)
      #expect(answer.status == 422)
      let byField = Dictionary(
        answer.details.map { (($0["loc"] as? [Any])?.last as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
      #expect(byField["sepal_length"]?["type"] as? String == "float_parsing")
      #expect(byField["sepal_length"]?["input"] as? String == "long")
      #expect(byField["sepal_width"]?["type"] as? String == "less_than_equal")
      #expect((byField["sepal_width"]?["ctx"] as? [String: Double])?["le"] == 4.4)
      #expect(byField["petal_length"]?["type"] as? String == "greater_than_equal")
      #expect((byField["petal_length"]?["ctx"] as? [String: Double])?["ge"] == 1.0)
      #expect(byField["petal_width"]?["type"] as? String == "missing")
      #expect(byField["petal_width"]?["msg"] as? String == "Field required")
      #expect(byField["colour"]?["type"] as? String == "extra_forbidden")
      #expect(byField["colour"]?["loc"] as? [String] == ["body", "colour"])
      #expect(answer.details.count == 5)
      for d in answer.details {
        #expect(d["msg"] is String)
        #expect(d["input"] != nil)
      }
    }
  }

  @Test(
    "non-finite numbers and values of the wrong type are rejected",
    arguments: [
      (#"NaN"#, "finite_number"), (#"Infinity"#, "finite_number"), (#"true"#, "float_type"),
      (#"[1]"#, "float_type"), (#"null"#, "float_type"), (#""x""#, "float_parsing"),
    ])
  func wrongValues(value: String, type: String) async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let answer = try await s.post("/predict", #"{"petal_length": \#(value)}"#)
      #expect(answer.status == 422)
      #expect(answer.details.count == 1)
      #expect(answer.details.first?["type"] as? String == type)
      #expect(answer.details.first?["loc"] as? [String] == ["body", "petal_length"])
    }
  }

  @Test("problems in a batch are located by row index")
  func batchProblemLocations() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let body = #"{"instances": [\#(Fixtures.setosaJSON), {"petal_length": 99}, 7]}"#
      let answer = try await s.post("/predict", body)
      #expect(answer.status == 422)
      let locations = answer.details.map { ($0["loc"] as? [Any] ?? []).map { "\($0)" } }
      #expect(locations.contains(["body", "instances", "1", "petal_length"]))
      #expect(locations.contains(["body", "instances", "2"]))
    }
  }

  @Test("malformed JSON is a 422 json_invalid at the byte offset")
  func malformedJSON() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let answer = try await s.post("/predict", #"{"petal_length": 1.4,}"#)
      #expect(answer.status == 422)
      let detail = try #require(answer.details.first)
      #expect(detail["type"] as? String == "json_invalid")
      let loc = try #require(detail["loc"] as? [Any])
      #expect(loc.first as? String == "body")
      #expect(loc.last as? Int == 21)
      #expect((detail["ctx"] as? [String: String])?["error"]?.isEmpty == false)
    }
  }

  @Test("a body that is not an object is a 422")
  func notAnObject() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let answer = try await s.post("/predict", "[1, 2]")
      #expect(answer.status == 422)
      #expect(answer.details.first?["type"] as? String == "model_attributes_type")
    }
  }

  @Test("a body of another media type is a 415")
  func wrongContentType() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let answer = try await s.post("/predict", "petal_length=1", contentType: "application/x-www-form-urlencoded")
      #expect(answer.status == 415)
      #expect(answer.object["detail"] is String)
    }
  }

  @Test("a body over the limit is a 413")
  func tooLarge() async throws {
    try await TestServer.with(Fixtures.iris, configuration: ServerConfiguration(maxBodyBytes: 64)) { s in
      let body = #"{"instances": ["# + Array(repeating: Fixtures.setosaJSON, count: 20).joined(separator: ",") + "]}"
      let answer = try await s.post("/predict", body)
      #expect(answer.status == 413)
      let small = try await s.post("/predict", #"{"petal_length": 1.4}"#)
      #expect(small.status == 200)
    }
  }

  @Test("a CSV body scores a batch and answers CSV when asked")
  func csvBatch() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let csv = "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n"
      let json = try await s.post("/predict", csv, contentType: "text/csv")
      #expect(json.status == 200)
      let labels = (json.object["predictions"] as? [[String: Any]])?.map { $0["label"] as? String }
      #expect(labels == ["setosa", "virginica"])
      let text = try await s.post("/predict", csv, contentType: "text/csv", headers: [("Accept", "text/csv")])
      #expect(text.status == 200)
      let lines = text.body.split(separator: "\n")
      #expect(lines.first == "label,p_setosa,p_versicolor,p_virginica")
      #expect(lines.count == 3)
      #expect(lines[1].hasPrefix("setosa,"))
      let bad = try await s.post("/predict", "petal_length\n99\n", contentType: "text/csv")
      #expect(bad.status == 422)
      #expect(bad.details.first?["type"] as? String == "less_than_equal")
    }
  }

  @Test("a CSV with ragged lines lists every line's problems in line order, those of the lines read too")
  func csvEveryLine() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let csv = "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5\n99,3,4,1\n1,2,3\n5,3,4,1\n"
      let answer = try await s.post("/predict", csv, contentType: "text/csv")
      #expect(answer.status == 422)
      // loc is ["body", LINE] or ["body", LINE, FEATURE].
      let lines = answer.details.compactMap { ($0["loc"] as? [Any]).flatMap { $0.count > 1 ? $0[1] as? Int : nil } }
      #expect(lines == [2, 3, 4])
      #expect(answer.details.map { $0["type"] as? String } == ["value_error", "less_than_equal", "value_error"])
    }
  }
}
