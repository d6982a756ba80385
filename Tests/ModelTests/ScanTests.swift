import Foundation
import SwiftProtobuf
import Testing

@testable import Model

/// Scan runs its body once per slice; the body may read values of the graph around it.
@Suite("Scan and subgraphs")
struct ScanTests {
  /// state ← state + x + bias, scan output state · scale; `bias` is computed by an outer node
  /// listed after the Scan, `scale` is an outer initializer.
  static func scanModel(attributes: [Onnx_AttributeProto] = [], bodyReads extra: String? = nil) throws -> Model {
    var body = Onnx_GraphProto()
    body.name = "body"
    body.input = [valueInfo("s_in", [2]), valueInfo("x", [2])]
    body.output = [valueInfo("s_out", [2]), valueInfo("y", [2])]
    body.node = [
      node("Add", ["s_in", "x"], ["t"]),
      node("Add", ["t", extra ?? "bias"], ["s_out"]),
      node("Mul", ["s_out", "scale"], ["y"]),
    ]
    var scan = node("Scan", ["init", "xs"], ["final", "ys"])
    scan.attribute = [graphAttribute("body", body), intAttribute("num_scan_inputs", 1)] + attributes

    var scale = Onnx_TensorProto()
    scale.name = "scale"
    scale.dims = [2]
    scale.dataType = 1
    scale.floatData = [2, 2]
    var model = Onnx_ModelProto()
    model.irVersion = 8
    var opset = Onnx_OperatorSetIdProto()
    opset.version = 17
    model.opsetImport = [opset]
    model.graph.name = "scan"
    model.graph.initializer = [scale]
    model.graph.node = [scan, node("Identity", ["b"], ["bias"])]
    model.graph.input = [valueInfo("init", [2]), valueInfo("xs", [3, 2]), valueInfo("b", [2])]
    model.graph.output = [valueInfo("final", [2]), valueInfo("ys", [3, 2])]
    return try Model(data: try model.serializedData(), name: "scan")
  }

  static let inputs: [String: Tensor] = {
    guard let i = try? Tensor(shape: [2], floats: [0, 0]),
      let xs = try? Tensor(shape: [3, 2], floats: [1, 2, 3, 4, 5, 6]),
      let b = try? Tensor(shape: [2], floats: [10, 20])
    else { return [:] }
    return ["init": i, "xs": xs, "b": b]
  }()

  @Test("the state is carried, the scan outputs are stacked, and the body reads outer values and initializers")
  func carriesStateAndReadsOuterScope() throws {
    let r = try Self.scanModel().run(Self.inputs)
    #expect(r["final"]?.tensor == (try Tensor(shape: [2], floats: [39, 72])))
    #expect(r["ys"]?.tensor == (try Tensor(shape: [3, 2], floats: [22, 44, 48, 92, 78, 144])))
  }

  @Test("scan_output_directions = 1 stacks the outputs last iteration first")
  func reversedOutput() throws {
    let model = try Self.scanModel(attributes: [intsAttribute("scan_output_directions", [1])])
    let r = try model.run(Self.inputs)
    #expect(r["ys"]?.tensor == (try Tensor(shape: [3, 2], floats: [78, 144, 48, 92, 22, 44])))
  }

  @Test("a body that reads a name defined nowhere fails at load time, naming it")
  func undefinedOuterName() {
    #expect {
      _ = try Self.scanModel(bodyReads: "nowhere")
    } throws: { error in
      (error as? ModelError)?.code == .invalidGraph && "\(error)".contains("nowhere")
    }
  }

  /// skl2onnx's k-NN distance Scan: D[j, i] = Σₖ (X[i, k] − S[j, k])². With `extraNode` the
  /// body also computes an unused Neg, which keeps it off the direct distance path.
  static func distanceModel(extraNode: Bool) throws -> Model {
    var body = Onnx_GraphProto()
    body.name = "cdist"
    body.input = [valueInfo("next_in", [-1, 3]), valueInfo("next", [3])]
    body.output = [valueInfo("next_out", [-1, 3]), valueInfo("scan_out", [-1])]
    var sum = node("ReduceSumSquare", ["diff"], ["reduced"])
    sum.attribute = [intsAttribute("axes", [1]), intAttribute("keepdims", 0)]
    body.node =
      [
        node("Identity", ["next_in"], ["next_out"]), node("Sub", ["next_in", "next"], ["diff"]), sum,
        node("Identity", ["reduced"], ["scan_out"]),
      ] + (extraNode ? [node("Neg", ["diff"], ["unused"])] : [])
    let scan = Graph.node(
      "Scan", ["X", "S"], ["final", "D"],
      attributes: [graphAttribute("body", body), intAttribute("num_scan_inputs", 1)])
    return try Graph.model(
      [scan], constants: [], inputs: [valueInfo("X", [-1, 3]), valueInfo("S", [-1, 3])],
      outputs: [valueInfo("final", [-1, 3]), valueInfo("D", [-1, -1])], opset: 15)
  }

  @Test(
    "a k-NN distance Scan computed directly gives what running its body gives",
    arguments: [2, 8, 11, 20])
  func distanceScan(rows n: Int) throws {
    // n state rows (eight at a time in SIMD lanes from eight on), four scanned rows.
    let x = (0..<(n * 3)).map { Float(($0 * 37) % 23) * 0.375 - 4 }
    let s: [Float] = [1, 2, 3, -0.5, 0.25, 4, 7, -3, 0.125, 0, .nan, -0.0]
    let inputs = try ["X": Tensor(shape: [n, 3], floats: x), "S": Tensor(shape: [4, 3], floats: s)]
    let direct = try Self.distanceModel(extraNode: false).run(inputs)
    let general = try Self.distanceModel(extraNode: true).run(inputs)
    #expect(direct["D"]?.tensor?.shape == [4, n])
    #expect(direct["final"]?.tensor == inputs["X"])
    var expected: [Float] = []
    for j in 0..<4 {
      for i in 0..<n {
        var acc: Float = 0
        for k in 0..<3 {
          let d = x[i * 3 + k] - s[j * 3 + k]
          acc = acc + d * d
        }
        expected.append(acc)
      }
    }
    func bits(_ v: Value?) -> [UInt32]? {
      guard case .float(let f)? = v?.tensor?.storage else { return nil }
      return f.map(\.bitPattern)
    }
    #expect(bits(direct["D"]) == expected.map(\.bitPattern))
    #expect(bits(direct["D"]) == bits(general["D"]))
    // Scanned rows of another width are an error either way.
    let wrong = try ["X": Tensor(shape: [1, 3], floats: [1, 2, 3]), "S": Tensor(shape: [1, 2], floats: [1, 2])]
    #expect(throws: ModelError.self) { try Self.distanceModel(extraNode: false).run(wrong) }
  }

  @Test("If and Loop stay unsupported")
  func otherControlFlowIsUnsupported() throws {
    let model = try? oneNodeModel("If", inputs: [("c", .bool)], output: .float)
    #expect(model == nil)
    #expect(!OperatorRegistry.supportedOperators.contains(OperatorKey(domain: "", opType: "Loop")))
  }
}

private func node(_ opType: String, _ inputs: [String], _ outputs: [String]) -> Onnx_NodeProto {
  var n = Onnx_NodeProto()
  n.opType = opType
  n.input = inputs
  n.output = outputs
  return n
}

private func valueInfo(_ name: String, _ shape: [Int64]) -> Onnx_ValueInfoProto {
  var info = Onnx_ValueInfoProto()
  info.name = name
  info.type.tensorType.elemType = 1
  info.type.tensorType.shape.dim = shape.map { d in
    var dim = Onnx_TensorShapeProto.Dimension()
    if d >= 0 { dim.dimValue = d } else { dim.dimParam = "n" }
    return dim
  }
  return info
}

/// A graph attribute.
private func graphAttribute(_ name: String, _ graph: Onnx_GraphProto) -> Onnx_AttributeProto {
  var a = Onnx_AttributeProto()
  a.name = name
  a.type = .graph
  a.g = graph
  return a
}

/// An integer-list attribute.
func intsAttribute(_ name: String, _ values: [Int64]) -> Onnx_AttributeProto {
  var a = Onnx_AttributeProto()
  a.name = name
  a.type = .ints
  a.ints = values
  return a
}
