import Foundation
import Model
import Testing

@Suite("Every zoo model predicts what onnxruntime predicts")
struct ZooTests {
  @Test("the zoo is present") func zooIsPresent() {
    #expect(ZooCase.all.count >= 25, "Tests/Fixtures/zoo/index.json lists \(ZooCase.all.count) models")
  }

  @Test(
    "outputs match onnxruntime: labels exactly, probabilities within 1e-5, values within 1e-5·max(1,|b|)",
    arguments: ZooCase.all)
  func matchesOnnxRuntime(_ zoo: ZooCase) throws {
    try compareWithOnnxRuntime(zoo)
  }

  @Test(
    "models marked pending in index.json do not run yet (drop the mark once they match)",
    arguments: ZooCase.pending)
  func pendingModels(_ zoo: ZooCase) {
    withKnownIssue("\(zoo.name) is pending: \(zoo.pending ?? "")") {
      try compareWithOnnxRuntime(zoo)
    }
  }

  @Test("run returns every graph output once, in graph order, and finds each by name")
  func outputsInGraphOrder() throws {
    // wine_lgbm's graph ends in Identity nodes, which the compiler turns into aliases.
    let zoo = try #require(ZooCase.all.first { $0.name == "wine_lgbm" })
    let model = try Model(contentsOf: zoo.modelURL)
    let inputs = try (zoo.expected()["inputs"] as? [String: [String: Any]] ?? [:]).mapValues(jsonTensor)
    let outputs = try model.run(inputs)
    #expect(outputs.names == model.signature.outputs.map(\.name))
    #expect(outputs.count == model.signature.outputs.count)
    for (name, value) in outputs { #expect(outputs[name] == value) }
    #expect(outputs["no such output"] == nil)
  }

  @Test(
    "one row at a time gives exactly what the batch gives, row for row (the one-row paths of every kernel)",
    arguments: ZooCase.all)
  func oneRowAtATime(_ zoo: ZooCase) throws {
    let model = try Model(contentsOf: zoo.modelURL)
    let inputs = try (zoo.expected()["inputs"] as? [String: [String: Any]] ?? [:]).mapValues(jsonTensor)
    let batch = try model.run(inputs)
    let n = min(inputs.values.first?.shape.first ?? 0, 8)
    for r in 0..<n {
      let one = try model.run(try inputs.mapValues { try row(r, of: $0) })
      for (name, value) in one {
        let whole = try #require(batch[name])
        switch (value, whole) {
        case (.tensor(let a), .tensor(let b)):
          let want = try row(r, of: b)
          #expect(a.shape == want.shape, "\(zoo.name) \(name) row \(r) shape")
          #expect(
            sameElements(a.storage, want.storage), "\(zoo.name) \(name) row \(r): \(a.storage) vs \(want.storage)")
        case (.sequenceOfMaps(let a), .sequenceOfMaps(let b)):
          #expect(
            a.keys == b.keys && a.count == 1 && sameFloats(Array(a.row(0)), Array(b.row(r))),
            "\(zoo.name) \(name) row \(r)")
        default:
          Issue.record("\(zoo.name) \(name): one row gave \(value), the batch \(whole)")
        }
      }
    }
  }

  private func compareWithOnnxRuntime(_ zoo: ZooCase) throws {
    let model = try Model(contentsOf: zoo.modelURL)
    let expected = try zoo.expected()
    let inputs = try (expected["inputs"] as? [String: [String: Any]] ?? [:]).mapValues(jsonTensor)
    let outputs = try model.run(inputs)
    let want = expected["outputs"] as? [String: [String: Any]] ?? [:]
    #expect(!want.isEmpty)
    for (name, entry) in want {
      let got = try #require(outputs[name], "output \(name) is missing")
      if entry["dtype"] as? String == "seq_map" {
        guard case .sequenceOfMaps(let maps) = got else {
          Issue.record("\(name) should be a sequence of maps")
          continue
        }
        let rows = entry["data"] as? [[String: Any]] ?? []
        #expect(maps.rows.count == rows.count)
        let keys = maps.keys.labels.map(\.description)
        for (r, row) in rows.enumerated() where r < maps.rows.count {
          for (k, key) in keys.enumerated() {
            let b = jsonNumber(row[key] ?? "missing") ?? .nan
            let a = Double(maps.rows[r][k])
            #expect(abs(a - b) <= 1e-5, "\(zoo.name) \(name) row \(r) class \(key): \(a) vs \(b)")
          }
        }
        continue
      }
      let want = try jsonTensor(entry)
      let tensor = try #require(got.tensor, "\(name) should be a tensor")
      #expect(tensor.shape == want.shape, "\(zoo.name) \(name) shape")
      switch (tensor.storage, want.storage) {
      case (.string(let a), .string(let b)):
        #expect(a == b, "\(zoo.name) \(name) labels")
      case (.int64(let a), .int64(let b)):
        #expect(a == b, "\(zoo.name) \(name) labels")
      default:
        let a = tensor.storage.doubles ?? []
        let b = want.storage.doubles ?? []
        #expect(a.count == b.count)
        // Labels and probabilities are classification outputs; distances and scores are values.
        let regression = (expected["task"] as? String) != "classification"
        var worst = 0.0
        for (x, y) in zip(a, b) where !(x.isNaN && y.isNaN) {
          let tolerance = regression ? 1e-5 * max(1, abs(y)) : 1e-5
          let d = abs(x - y)
          if !(d <= tolerance) { worst = max(worst, d.isNaN ? .infinity : d) }
        }
        #expect(worst == 0, "\(zoo.name) \(name): largest error beyond tolerance \(worst)")
      }
    }
  }

  @Test("the high-level predict agrees with the raw outputs", arguments: ZooCase.all)
  func predictAgrees(_ zoo: ZooCase) throws {
    let model = try Model(contentsOf: zoo.modelURL)
    let expected = try zoo.expected()
    let inputs = try (expected["inputs"] as? [String: [String: Any]] ?? [:]).mapValues(jsonTensor)
    // Rebuild the first rows as named features and compare with a batch run.
    let n = min(inputs.values.first?.shape.first ?? 0, 5)
    var rows: [[String: FeatureValue]] = Array(repeating: [:], count: n)
    for feature in model.signature.features {
      let input = try #require(inputs[model.signature.inputs[feature.binding.input].name])
      let width = input.rank >= 2 ? input.shape[1] : 1
      for r in 0..<n {
        let index = r * width + feature.binding.column
        switch input.storage {
        case .string(let s): rows[r][feature.name] = .string(s[index])
        default: rows[r][feature.name] = .number(input.storage.doubles?[index] ?? .nan)
        }
      }
    }
    let policy = Model.ValidationPolicy(enforceRanges: false, useDefaults: false)
    let predictions = try model.predict(rows: rows, policy: policy)
    #expect(predictions.count == n)
    let want = expected["outputs"] as? [String: [String: Any]] ?? [:]
    if model.signature.task == .classification {
      let labelEntry = try #require(
        want.first { ($0.value["dtype"] as? String) == "int64" || ($0.value["dtype"] as? String) == "string" }?.value)
      let labels = try jsonTensor(labelEntry).storage.strings
      for r in 0..<n { #expect(predictions[r].label?.description == labels[r], "\(zoo.name) row \(r)") }
      for p in predictions where zoo.hasProbabilities {
        let total = p.probabilities.map(\.probability).reduce(0, +)
        #expect(p.probabilities.count == model.signature.classLabels.count)
        #expect(abs(total - 1) < 1e-3, "\(zoo.name) probabilities sum to \(total)")
      }
    } else {
      let valueEntry = try #require(want.values.first { ["float32", "float64"].contains($0["dtype"] as? String) })
      let values = try jsonTensor(valueEntry)
      let flat = values.storage.doubles ?? []
      let width = values.shape.first.map { flat.count / max($0, 1) } ?? 1
      for r in 0..<n {
        let want = flat[(r * width)..<((r + 1) * width)]
        #expect(predictions[r].values.count == width, "\(zoo.name) row \(r)")
        for (got, b) in zip(predictions[r].values, want) where !(got.isNaN && b.isNaN) {
          #expect(abs(got - b) <= 1e-5 * max(1, abs(b)), "\(zoo.name) row \(r)")
        }
      }
    }
  }
}

/// Row `r` of a tensor whose first dimension counts rows, keeping that dimension (as 1).
private func row(_ r: Int, of t: Tensor) throws -> Tensor {
  guard t.rank >= 1, r < t.shape[0] else { return t }
  let width = t.shape[0] == 0 ? 0 : t.count / t.shape[0]
  let range = (r * width)..<((r + 1) * width)
  let storage: Tensor.Storage
  switch t.storage {
  case .float(let v): storage = .float(Array(v[range]))
  case .double(let v): storage = .double(Array(v[range]))
  case .int64(let v): storage = .int64(Array(v[range]))
  case .int32(let v): storage = .int32(Array(v[range]))
  case .bool(let v): storage = .bool(Array(v[range]))
  case .string(let v): storage = .string(Array(v[range]))
  }
  return try Tensor(shape: [1] + t.shape.dropFirst(), storage: storage)
}

/// Equal element for element, NaN equal to NaN.
private func sameElements(_ a: Tensor.Storage, _ b: Tensor.Storage) -> Bool {
  switch (a, b) {
  case (.float(let x), .float(let y)): sameFloats(x, y)
  case (.double(let x), .double(let y)):
    x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
  default: a == b
  }
}

private func sameFloats(_ x: [Float], _ y: [Float]) -> Bool {
  x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
}
