import AsyncHTTPClient
import Foundation
import Model
import NIOCore
import NIOHTTP1
import Server
import Testing

/// A seeded, bounded fuzzer for the HTTP surface: random and mutated bodies for `/predict`
/// (JSON, CSV, batches) and `/v2/.../infer`, random methods, paths and headers, against a live
/// server on loopback. Never a 500, never a dropped connection, and afterwards the server still
/// answers a valid request. `FATHOM_FUZZ_REQUESTS` raises the count (`make fuzz`).
@Suite("the HTTP surface under random input")
struct HTTPFuzzTests {
  /// SplitMix64: the same sequence for the same seed, on every platform.
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static let requests = ProcessInfo.processInfo.environment["FATHOM_FUZZ_REQUESTS"].flatMap(Int.init) ?? 400

  static let validRow = #"{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}"#
  static let validV2 =
    #"{"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}"#
  static let validCSV = "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n"
  static let paths = [
    "/predict", "/predict", "/predict", "/v2/models/iris/infer", "/v2/models/iris/infer",
    "/v2/models/iris/versions/x/infer",
    "/", "/docs", "/openapi.json", "/model", "/ready", "/health", "/metrics", "/v2", "/v2/models/iris",
    "/v2/models/%ff/ready",
    "/predict?x=%zz", "/../../etc/passwd", "/v2/models//infer", "/app.js",
  ]
  static let tokens = [
    "{", "}", "[", "]", ",", ":", "\"", "null", "true", "NaN", "-Infinity", "1e309", "-0", "1e-400", "\"instances\"",
    "\"petal_length\"", "\\u0000", "\\ud800", "99999999999999999999", "[[[[[[[[", "]]]]", "\"data\"", "\"shape\"",
    "\"datatype\"", "\"BYTES\"", "\"BOOL\"", "\"INT64\"", "-1", "4294967296",
  ]

  /// A body for `path`: a valid one mutated, pieces of JSON strung together, or raw bytes.
  static func body(for path: String, using g: inout Generator) -> (bytes: [UInt8], type: String?) {
    let valid = path.hasPrefix("/v2") ? validV2 : Int.random(in: 0..<4, using: &g) == 0 ? validCSV : validRow
    var type: String? = valid == validCSV ? "text/csv" : "application/json"
    if Int.random(in: 0..<8, using: &g) == 0 {
      type = [
        "text/csv", "application/json; charset=latin1", "text/plain", "multipart/form-data", "", "application/x-ndjson",
      ]
      .randomElement(using: &g)
    }
    var bytes = Array(valid.utf8)
    switch Int.random(in: 0..<5, using: &g) {
    case 0:
      // Point mutations: flip, drop, insert.
      for _ in 0..<Int.random(in: 1...8, using: &g) where !bytes.isEmpty {
        let i = Int.random(in: 0..<bytes.count, using: &g)
        switch Int.random(in: 0..<3, using: &g) {
        case 0: bytes[i] ^= UInt8(1 << Int.random(in: 0..<8, using: &g))
        case 1: bytes.remove(at: i)
        default: bytes.insert(UInt8.random(in: 0...255, using: &g), at: i)
        }
      }
    case 1:
      // A token spliced in at a random place.
      let token = Array(tokens.randomElement(using: &g)!.utf8)
      bytes.insert(contentsOf: token, at: Int.random(in: 0...bytes.count, using: &g))
    case 2:
      bytes = Array((0..<Int.random(in: 1...40, using: &g)).map { _ in tokens.randomElement(using: &g)! }.joined().utf8)
    case 3:
      // A batch of valid and broken rows, sometimes large.
      let n = [0, 1, 2, 50, 2_000].randomElement(using: &g)!
      let rows = (0..<n).map { _ in Int.random(in: 0..<5, using: &g) == 0 ? #"{"petal_length": "x"}"# : validRow }
      bytes = Array((#"{"instances": ["# + rows.joined(separator: ",") + "]}").utf8)
    default:
      bytes = (0..<Int.random(in: 0...200, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
    }
    return (bytes, type)
  }

  @Test("random requests: never a 500, every request answered, and the server still predicts afterwards")
  func fuzz() async throws {
    var g = Generator(state: 0xF47_0A11)
    let methods: [HTTPMethod] = [.POST, .POST, .POST, .GET, .PUT, .DELETE, .PATCH, .OPTIONS, .HEAD]
    let configuration = ServerConfiguration(corsOrigins: ["https://example.com"], maxBodyBytes: 256 << 10)
    try await TestServer.with(Fixtures.iris, configuration: configuration) { s in
      var statuses: [Int: Int] = [:]
      for n in 0..<Self.requests {
        let path = Self.paths.randomElement(using: &g)!
        let method = methods.randomElement(using: &g)!
        var request = HTTPClientRequest(url: s.address.url + path)
        request.method = method
        if method == .POST || method == .PUT || method == .PATCH {
          let (bytes, type) = Self.body(for: path, using: &g)
          request.body = .bytes(ByteBuffer(bytes: bytes))
          if let type { request.headers.add(name: "Content-Type", value: type) }
        }
        if Int.random(in: 0..<6, using: &g) == 0 {
          let headers = [
            ("Accept", "text/csv"), ("Origin", "https://example.com"), ("X-API-Key", ""),
            ("Accept", "*/*;q=0.5, text/csv;q=2, ;;"), ("If-None-Match", "\"\", W/"), ("Authorization", "Bearer"),
          ]
          let (name, value) = headers.randomElement(using: &g)!
          request.headers.add(name: name, value: value)
        }
        let response: HTTPClientResponse
        do {
          response = try await s.client.execute(request, timeout: .seconds(30))
          _ = try await response.body.collect(upTo: 64 << 20)
        } catch let error as HTTPClientError where error == .invalidURL {
          continue  // refused by the client before sending: nothing reached the server
        } catch {
          Issue.record("request \(n): \(method) \(path) got no answer: \(error)")
          continue
        }
        let status = Int(response.status.code)
        statuses[status, default: 0] += 1
        #expect(status < 500, "request \(n): \(method) \(path) answered \(status)")
      }
      let after = try await s.post("/predict", Self.validRow)
      #expect(after.status == 200)
      #expect(after.object["label"] as? String == "setosa")
      let v2 = try await s.post("/v2/models/iris/infer", Self.validV2)
      #expect(v2.status == 200)
      // The fuzzer reached past the parsers: some answers were predictions, most were refusals.
      #expect(
        statuses[200, default: 0] > 0 && statuses[422, default: 0] > 0 && statuses[400, default: 0] > 0, "\(statuses)")
    }
  }
}
