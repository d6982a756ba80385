import Foundation
import Model
import Server
import Testing

@Suite("Open Inference Protocol V2")
struct InferenceProtocolTests {
  @Test("server and model metadata, liveness and readiness")
  func metadata() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      #expect(try await s.get("/v2").object["name"] as? String == "fathom")
      #expect(try await s.get("/v2/health/live").status == 200)
      #expect(try await s.get("/v2/health/ready").object["ready"] as? Bool == true)
      let model = try await s.get("/v2/models/iris")
      #expect(model.status == 200)
      #expect(model.object["platform"] as? String == "onnx_onnxv1")
      let inputs = try #require(model.object["inputs"] as? [[String: Any]])
      #expect(inputs.first?["datatype"] as? String == "FP32")
      let versions = try #require(model.object["versions"] as? [String])
      let ready = try await s.get("/v2/models/iris/versions/\(versions[0])/ready")
      #expect(ready.object["ready"] as? Bool == true)
      let other = try await s.get("/v2/models/resnet")
      #expect(other.status == 404)
      #expect(other.object["error"] is String)
      #expect(try await s.get("/v2/models/iris/versions/nope").status == 404)
    }
  }

  @Test("infer round trip equals the model's own prediction")
  func roundTrip() async throws {
    let rows = [Fixtures.setosa, Fixtures.virginica]
    let expected = try Fixtures.iris.predict(rows: rows)
    let input = try #require(Fixtures.iris.signature.inputs.first)
    try await TestServer.with(Fixtures.iris) { s in
      let body = """
        {"id": "req-1", "inputs": [{"name": "\(input.name)", "shape": [2, 4], "datatype": "FP32",
          "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}]}
        """
      let answer = try await s.post("/v2/models/iris/infer", body)
      #expect(answer.status == 200)
      #expect(answer.object["model_name"] as? String == "iris")
      #expect(answer.object["id"] as? String == "req-1")
      let outputs = try #require(answer.object["outputs"] as? [[String: Any]])
      #expect(outputs.map { $0["name"] as? String } == Fixtures.iris.signature.outputs.map(\.name))
      var sawLabels = false
      var sawProbabilities = false
      for output in outputs {
        let data = try #require(output["data"] as? [Any])
        if let labels = data as? [String] {
          #expect(labels == expected.map { $0.label?.description ?? "" })
          sawLabels = true
        } else if let numbers = data as? [Double], numbers.count == 6 {
          let want = expected.flatMap { $0.probabilities.map(\.probability) }
          for (a, b) in zip(numbers, want) { #expect(abs(a - b) < 1e-6) }
          #expect(output["shape"] as? [Int] == [2, 3])
          sawProbabilities = true
        }
      }
      #expect(sawLabels && sawProbabilities)
      // Flat data with the same shape gives the same answer.
      let flat = body.replacingOccurrences(
        of: "[[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]", with: "[5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3]")
      let again = try await s.post("/v2/models/iris/infer", flat)
      #expect(
        again.object["outputs"] as? [[String: AnyHashable]] == answer.object["outputs"] as? [[String: AnyHashable]])
    }
  }

  @Test(
    "malformed inference requests are 400 with an error message",
    arguments: [
      ("not json", "malformed JSON"),
      (#"{"inputs": 3}"#, "needs \"inputs\""),
      (#"{"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3]}]}"#, "needs 4 elements"),
      (
        #"{"inputs": [{"name": "X", "shape": [1, 4], "datatype": "COMPLEX", "data": [1, 2, 3, 4]}]}"#,
        "datatype COMPLEX"
      ),
      (#"{"inputs": [{"name": "nope", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}"#, "nope"),
      (#"{"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": ["a", 2, 3, 4]}]}"#, "not a number"),
      // Ragged, and nested deeper than the shape: refused, not flattened into something else.
      (
        #"{"inputs": [{"name": "X", "shape": [2, 4], "datatype": "FP32", "data": [[1, 2, 3, 4], [1, 2, 3]]}]}"#,
        "data[1] has 3 items where the shape says 4"
      ),
      (
        #"{"inputs": [{"name": "X", "shape": [2, 4], "datatype": "FP32", "data": [[1, 2, 3, 4, 1, 2], [3, 4]]}]}"#,
        "data[0] has 6 items"
      ),
      (
        #"{"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [[[1, 2, 3, 4]]]}]}"#,
        "data[0] has 1 item where the shape says 4"
      ),
      (
        #"{"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [[1, 2, [3], 4]]}]}"#,
        "nested deeper than its shape [1, 4] at data[0][2]"
      ),
      (
        #"{"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}, {"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}"#,
        "input X is given twice"
      ),
      (
        #"{"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [1e300, 2, 3, 4]}]}"#,
        "value (1e+300 at element 0) beyond FP32's range"
      ),
      (
        #"{"inputs": [{"name": "X", "shape": [10001, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}"#,
        "input X has 10001 rows; this server takes at most 10000"
      ),
    ] as [(String, String)])
  func badRequests(body: String, message: String) async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let answer = try await s.post("/v2/models/iris/infer", body)
      #expect(answer.status == 400)
      let error = answer.object["error"] as? String ?? ""
      #expect(error.contains(message), "\(error)")
    }
  }

  @Test("data may be flat or nested exactly as the shape; both give the same answer")
  func flatOrNested() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let flat = try await s.post(
        "/v2/models/iris/infer",
        #"{"inputs": [{"name": "X", "shape": [2, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2, 6.7, 3, 5.2, 2.3]}]}"#
      )
      let nested = try await s.post(
        "/v2/models/iris/infer",
        #"{"inputs": [{"name": "X", "shape": [2, 4], "datatype": "FP32", "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3, 5.2, 2.3]]}]}"#
      )
      #expect(flat.status == 200 && nested.status == 200)
      #expect(flat.body == nested.body)
    }
  }
}
