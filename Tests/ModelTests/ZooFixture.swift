import Foundation
import Model

/// One zoo model and the outputs onnxruntime computed for it (Tests/Fixtures/zoo).
struct ZooCase: CustomStringConvertible, Sendable {
  let name: String
  /// `classification`, `regression`, `clustering` or `anomaly`.
  var task = "classification"
  /// Why fathom cannot run the model yet (index.json `pending`), or nil.
  var pending: String?
  /// False when a classifier's second output holds decision scores rather than probabilities.
  var hasProbabilities = true
  var description: String { name }

  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/zoo")

  /// Every model listed in the zoo's index.
  static let index: [ZooCase] = {
    guard let data = try? Data(contentsOf: directory.appendingPathComponent("index.json")),
      let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
    else { return [] }
    return list.compactMap { entry in
      guard let name = entry["name"] as? String else { return nil }
      var zoo = ZooCase(name: name)
      zoo.task = entry["task"] as? String ?? zoo.task
      zoo.pending = entry["pending"] as? String
      zoo.hasProbabilities = zoo.task == "classification" && (entry["probabilities"] as? Bool ?? true)
      return zoo
    }
  }()

  /// The models fathom runs: every listed model not marked pending.
  static let all = index.filter { $0.pending == nil }

  /// The models waiting for an operator fathom lacks.
  static let pending = index.filter { $0.pending != nil }

  var modelURL: URL { Self.directory.appendingPathComponent("\(name).onnx") }

  /// The expected.json document.
  func expected() throws -> [String: Any] {
    let data = try Data(contentsOf: Self.directory.appendingPathComponent("\(name).expected.json"))
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }
}

/// A number from expected.json, where non-finite values are written as strings.
func jsonNumber(_ any: Any) -> Double? {
  if let n = any as? NSNumber { return n.doubleValue }
  switch any as? String {
  case "NaN": return .nan
  case "Infinity": return .infinity
  case "-Infinity": return -.infinity
  default: return nil
  }
}

/// Decodes an expected.json tensor entry.
func jsonTensor(_ entry: [String: Any]) throws -> Tensor {
  let shape = (entry["shape"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue }
  let data = entry["data"] as? [Any] ?? []
  let storage: Tensor.Storage
  switch entry["dtype"] as? String {
  case "float32": storage = .float(data.compactMap(jsonNumber).map { Float($0) })
  case "float64": storage = .double(data.compactMap(jsonNumber))
  case "int64": storage = .int64(data.compactMap(jsonNumber).map { Int64($0) })
  case "int32": storage = .int32(data.compactMap(jsonNumber).map { Int32($0) })
  case "bool": storage = .bool(data.compactMap { $0 as? Bool })
  case "string": storage = .string(data.compactMap { $0 as? String })
  default: throw FixtureError(message: "unknown dtype \(entry["dtype"] ?? "nil")")
  }
  return try Tensor(shape: shape, storage: storage)
}

struct FixtureError: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}
