import Foundation
import Model

/// Times a model the way a service uses it: one row per call, and a large batch per call.
struct InferenceBenchmark {
  /// One measurement.
  struct Result: Sendable {
    /// Rows per call.
    var rows: Int
    /// Calls timed.
    var calls: Int
    /// Median wall time per call, in seconds.
    var median: Double
    /// Mean wall time per call, in seconds.
    var mean: Double
  }

  let model: Model
  /// Named input tensors holding the sample rows (their first dimension is the row count).
  let samples: [String: Tensor]

  init(model: Model, samples: [String: Tensor]) {
    self.model = model
    self.samples = samples
  }

  /// Reads sample inputs from a JSON document of the zoo's expected.json form:
  /// `{"inputs": {NAME: {"dtype", "shape", "data"}}}`.
  static func samples(fromJSON data: Data) throws -> [String: Tensor] {
    guard case .object(let root) = try JSONParser.parse(Array(data)),
      case .object(let inputs)? = root.first(where: { $0.0 == "inputs" })?.1
    else { throw ModelError(.invalidInput, "the sample file has no \"inputs\" object") }
    var tensors: [String: Tensor] = [:]
    for (name, entry) in inputs {
      guard case .array(let shapeValues)? = entry["shape"], case .array(let items)? = entry["data"],
        case .string(let dtype)? = entry["dtype"]
      else { throw ModelError(.invalidInput, "sample input \(name) needs dtype, shape and data") }
      let shape = shapeValues.compactMap { v -> Int? in if case .number(let d) = v { return Int(d) } else { return nil }
      }
      func number(_ v: JSONValue) -> Double {
        switch v {
        case .number(let d): d
        case .string("NaN"): .nan
        case .string("Infinity"): .infinity
        case .string("-Infinity"): -.infinity
        default: .nan
        }
      }
      let storage: Tensor.Storage
      switch dtype {
      case "float32": storage = .float(items.map { Float(number($0)) })
      case "float64": storage = .double(items.map(number))
      case "int64": storage = .int64(items.map { Int64(number($0)) })
      case "int32": storage = .int32(items.map { Int32(number($0)) })
      case "string": storage = .string(items.map { if case .string(let s) = $0 { s } else { "" } })
      default: throw ModelError(.invalidInput, "sample input \(name) has dtype \(dtype)")
      }
      tensors[name] = try Tensor(shape: shape, storage: storage)
    }
    return tensors
  }

  /// Sample inputs made from the schema's defaults (or the middle of each range, or 0).
  static func samples(for model: Model) throws -> [String: Tensor] {
    var row: [String: FeatureValue] = [:]
    for f in model.signature.features {
      if let d = f.defaultValue {
        row[f.name] = d
      } else if let lo = f.minimum, let hi = f.maximum {
        row[f.name] = .number((lo + hi) / 2)
      } else if let c = f.categories?.first {
        row[f.name] = .string(c)
      } else {
        row[f.name] = f.type == .string ? .string("") : .number(0)
      }
    }
    var tensors: [String: Tensor] = [:]
    for (index, info) in model.signature.inputs.enumerated() {
      let features = model.signature.features.filter { $0.binding.input == index }
      let width = features.count
      let shape = (info.shape?.count ?? 2) == 1 ? [width] : [1, width]
      let values = features.map { row[$0.name] ?? .number(0) }
      let storage: Tensor.Storage
      switch info.elementType ?? .float {
      case .string: storage = .string(values.map { if case .string(let s) = $0 { s } else { "" } })
      case .double: storage = .double(values.map { if case .number(let d) = $0 { d } else { 0 } })
      case .int64: storage = .int64(values.map { if case .number(let d) = $0 { Int64(d) } else { 0 } })
      case .int32: storage = .int32(values.map { if case .number(let d) = $0 { Int32(d) } else { 0 } })
      case .bool: storage = .bool(values.map { if case .bool(let b) = $0 { b } else { false } })
      case .float: storage = .float(values.map { if case .number(let d) = $0 { Float(d) } else { 0 } })
      }
      tensors[info.name] = try Tensor(shape: shape, storage: storage)
    }
    return tensors
  }

  /// The sample rows repeated (or cut) to exactly `rows` rows.
  func batch(of rows: Int) throws(ModelError) -> [String: Tensor] {
    var batch: [String: Tensor] = [:]
    for (name, t) in samples {
      guard t.rank >= 1, t.shape[0] > 0 else {
        batch[name] = t
        continue
      }
      let available = t.shape[0]
      let width = t.count / available
      let order = (0..<(rows * width)).map { (($0 / width) % available) * width + $0 % width }
      var shape = t.shape
      shape[0] = rows
      batch[name] = try Tensor(shape: shape, storage: t.storage.picking(order))
    }
    return batch
  }

  /// Calls `Model.run` on `rows` rows repeatedly for about `seconds` (at most `maximumCalls` calls).
  func measure(rows: Int, seconds: Double, maximumCalls: Int = 1_000_000) throws -> Result {
    let inputs = try batch(of: rows)
    for _ in 0..<3 { _ = try model.run(inputs) }
    var times: [Double] = []
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
    while times.count < maximumCalls, clock.now < deadline {
      let start = clock.now
      _ = try model.run(inputs)
      let d = clock.now - start
      times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    let sorted = times.sorted()
    return Result(
      rows: rows, calls: times.count, median: sorted.isEmpty ? 0 : sorted[sorted.count / 2],
      mean: times.isEmpty ? 0 : times.reduce(0, +) / Double(times.count))
  }
}
