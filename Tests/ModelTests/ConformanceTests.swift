import Foundation
import SwiftProtobuf
import Testing

@testable import Model

/// The ONNX project's backend node tests (Debian's `libonnx-testdata`): every
/// operator fathom claims to run must give ONNX's reference outputs.
@Suite("ONNX backend node tests")
struct ConformanceTests {
  @Test(
    "every node test whose operators fathom accepts matches ONNX's reference outputs (rtol 1e-3, atol 1e-7)",
    .enabled(
      if: ConformanceData.directory != nil || ConformanceData.isCI,
      "the ONNX node tests are not installed (apt install libonnx-testdata, or set ONNX_TESTDATA)"))
  func nodeTestsPass() throws {
    guard let directory = ConformanceData.directory else {
      Issue.record(
        "CI is set but the ONNX node tests are missing: install libonnx-testdata or set ONNX_TESTDATA to its data/node directory"
      )
      return
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasPrefix("test_") }.sorted()
    #expect(names.count > 100, "\(directory.path) holds only \(names.count) node tests")

    var passed = 0
    var skipped: [(name: String, reason: String)] = []
    var failures: [(name: String, reason: String)] = []
    for name in names {
      switch NodeTestCase(directory: directory.appendingPathComponent(name)).run() {
      case .passed: passed += 1
      case .skipped(let reason): skipped.append((name, reason))
      case .failed(let reason): failures.append((name, reason))
      }
    }
    print(
      "conformance: \(passed) passed, \(failures.count) failed, \(skipped.count) skipped (unsupported op)"
    )
    for failure in failures { print("  \(failure.name): \(failure.reason)") }
    // CONFORMANCE_VERBOSE=1 also lists why each skipped test was rejected.
    if ProcessInfo.processInfo.environment["CONFORMANCE_VERBOSE"] != nil {
      for skip in skipped { print("  skipped \(skip.name): \(skip.reason)") }
    }
    #expect(
      failures.isEmpty,
      "\(failures.count) node tests fail: \(failures.map(\.name).joined(separator: ", "))")
  }

  @Test(
    "outputs are compared as ONNX's runner does: |a - b| <= 1e-7 + 1e-3·|b|, NaN equals NaN, the rest exactly",
    arguments: [
      ([Float(1.0005)], [Float(1)], true),
      ([Float(1.002)], [Float(1)], false),
      ([Float(0)], [Float(1e-8)], true),
      ([Float.nan], [Float.nan], true),
      ([Float.nan], [Float(0)], false),
      ([Float.infinity], [Float.infinity], true),
      ([Float.infinity], [-Float.infinity], false),
    ])
  func tolerance(got: [Float], want: [Float], matches: Bool) throws {
    let a = try Tensor(shape: [got.count], floats: got)
    let b = try Tensor(shape: [want.count], floats: want)
    #expect((mismatch(a, b) == nil) == matches)
  }

  @Test("integers, shapes and element types must match exactly")
  func exactness() throws {
    let ints = try Tensor(shape: [2], storage: .int64([1, 2]))
    #expect(mismatch(ints, try Tensor(shape: [2], storage: .int64([1, 3]))) != nil)
    #expect(mismatch(ints, try Tensor(shape: [1, 2], storage: .int64([1, 2]))) != nil)
    #expect(mismatch(ints, try Tensor(shape: [2], storage: .int32([1, 2]))) != nil)
    #expect(mismatch(ints, ints) == nil)
  }
}

/// Where the node tests are: `ONNX_TESTDATA`, else the Debian package's paths.
enum ConformanceData {
  static let isCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false

  static let directory: URL? = {
    var candidates: [String] = []
    // An explicit override is the only place looked at, so a wrong one is noticed.
    if let override = ProcessInfo.processInfo.environment["ONNX_TESTDATA"], !override.isEmpty {
      candidates = [override + "/node", override + "/data/node", override]
      return existing(candidates)
    }
    // libonnx-testdata installs /usr/share/libonnx-testdata/data/node; other packagings differ in the prefix.
    let share = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/share")) ?? []
    for entry in share.sorted() where entry.lowercased().contains("onnx") {
      candidates += ["/usr/share/\(entry)/data/node", "/usr/share/\(entry)/node"]
    }
    candidates.append("/usr/lib/python3/dist-packages/onnx/backend/test/data/node")
    return existing(candidates)
  }()

  /// The first candidate that holds node tests.
  private static func existing(_ candidates: [String]) -> URL? {
    let found = candidates.first { path in
      FileManager.default.fileExists(atPath: path + "/test_abs/model.onnx")
    }
    return found.map { URL(fileURLWithPath: $0, isDirectory: true) }
  }
}

/// One `test_*` directory: a one-node model and its `test_data_set_*` directories.
struct NodeTestCase {
  let directory: URL

  enum Outcome {
    case passed
    /// The model uses an operator, type or attribute fathom rejects at load time.
    case skipped(String)
    case failed(String)
  }

  func run() -> Outcome {
    let modelData: Data
    let proto: Onnx_ModelProto
    do {
      modelData = try Data(contentsOf: directory.appendingPathComponent("model.onnx"))
      proto = try Onnx_ModelProto(serializedBytes: modelData)
    } catch {
      return .failed("cannot read model.onnx: \(error)")
    }
    // Sequence and optional values are not tensors; fathom does not run them.
    let declared = proto.graph.input + proto.graph.output
    if declared.contains(where: { if case .tensorType? = $0.type.value { false } else { true } }) {
      return .skipped("a graph input or output is not a tensor")
    }

    let model: Model
    do {
      model = try Model(data: modelData, name: directory.lastPathComponent)
    } catch {
      return error.code == .unsupported
        ? .skipped(error.message) : .failed("load: \(error.message)")
    }

    let sets: [URL]
    do {
      sets = try FileManager.default.contentsOfDirectory(
        at: directory, includingPropertiesForKeys: nil
      ).filter { $0.lastPathComponent.hasPrefix("test_data_set_") }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
    } catch {
      return .failed("cannot list the data sets: \(error)")
    }
    guard !sets.isEmpty else { return .failed("no test_data_set directory") }
    for set in sets {
      if let reason = check(model, on: set) {
        return .failed("\(set.lastPathComponent): \(reason)")
      }
    }
    return .passed
  }

  /// Runs one data set; nil when every output matches, else why not.
  private func check(_ model: Model, on set: URL) -> String? {
    let inputs: [Tensor]
    let expected: [Tensor]
    do {
      inputs = try tensors(in: set, prefix: "input_")
      expected = try tensors(in: set, prefix: "output_")
    } catch {
      return "cannot decode the data: \(error)"
    }
    guard inputs.count == model.signature.inputs.count else {
      return "\(inputs.count) input files for \(model.signature.inputs.count) graph inputs"
    }
    guard expected.count == model.signature.outputs.count else {
      return "\(expected.count) output files for \(model.signature.outputs.count) graph outputs"
    }
    var named: [String: Tensor] = [:]
    for (info, tensor) in zip(model.signature.inputs, inputs) { named[info.name] = tensor }
    let outputs: ModelOutputs
    do {
      outputs = try model.run(named)
    } catch {
      return "run: \(error.message)"
    }
    for (info, want) in zip(model.signature.outputs, expected) {
      guard let got = outputs[info.name]?.tensor else {
        return "output \(info.name) is not a tensor"
      }
      if let reason = mismatch(got, want) { return "output \(info.name): \(reason)" }
    }
    return nil
  }

  /// The `prefix<i>.pb` tensors of a data set, in index order.
  private func tensors(in set: URL, prefix: String) throws -> [Tensor] {
    var result: [Tensor] = []
    while true {
      let url = set.appendingPathComponent("\(prefix)\(result.count).pb")
      guard FileManager.default.fileExists(atPath: url.path) else { return result }
      let proto = try Onnx_TensorProto(serializedBytes: try Data(contentsOf: url))
      result.append(try Tensor(proto: proto, context: url.lastPathComponent))
    }
  }
}

/// Why `got` differs from `want` under ONNX's runner tolerance, or nil when it does not.
///
/// Floats match when `|got - want| <= 1e-7 + 1e-3·|want|` (NumPy's `assert_allclose`
/// with ONNX's rtol and atol), NaN matching NaN and an infinity only itself; other
/// types match exactly.
func mismatch(_ got: Tensor, _ want: Tensor) -> String? {
  guard got.elementType == want.elementType else {
    return "element type \(got.elementType), expected \(want.elementType)"
  }
  guard got.shape == want.shape else { return "shape \(got.shape), expected \(want.shape)" }
  switch (got.storage, want.storage) {
  case (.float, _), (.double, _):
    let a = got.storage.doubles ?? []
    let b = want.storage.doubles ?? []
    for (i, (x, y)) in zip(a, b).enumerated() {
      if x.isNaN && y.isNaN { continue }
      if x == y { continue }
      // As in NumPy, an infinity matches only the same infinity.
      if x.isInfinite || y.isInfinite || !(abs(x - y) <= 1e-7 + 1e-3 * abs(y)) {
        return "element \(i) is \(x), expected \(y)"
      }
    }
    return nil
  default:
    guard got.storage == want.storage else {
      let a = got.storage.strings
      let b = want.storage.strings
      guard let i = a.indices.first(where: { $0 < b.count && a[$0] != b[$0] }) else {
        return "values differ"
      }
      return "element \(i) is \(a[i]), expected \(b[i])"
    }
    return nil
  }
}
