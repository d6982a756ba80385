import Foundation
import SwiftProtobuf
import Testing

@testable import Model

/// Builds small ONNX files in memory so each kind of damage can be tested on its own.
private func modelBytes(
  nodes: [Onnx_NodeProto], inputs: [String] = ["X"], outputs: [String] = ["Y"],
  initializers: [Onnx_TensorProto] = [], opset: Int64 = 17, ir: Int64 = 8, dims: [Int64] = [-1, 4]
) throws -> Data {
  var graph = Onnx_GraphProto()
  graph.name = "test"
  graph.node = nodes
  graph.initializer = initializers
  graph.input = inputs.map { name in
    var v = Onnx_ValueInfoProto()
    v.name = name
    var t = Onnx_TypeProto.Tensor()
    t.elemType = 1
    t.shape.dim = dims.map { d in
      var dim = Onnx_TensorShapeProto.Dimension()
      if d >= 0 { dim.dimValue = d } else { dim.dimParam = "N" }
      return dim
    }
    v.type.tensorType = t
    return v
  }
  graph.output = outputs.map { name in
    var v = Onnx_ValueInfoProto()
    v.name = name
    var t = Onnx_TypeProto.Tensor()
    t.elemType = 1
    v.type.tensorType = t
    return v
  }
  var model = Onnx_ModelProto()
  model.irVersion = ir
  var opsetEntry = Onnx_OperatorSetIdProto()
  opsetEntry.version = opset
  model.opsetImport = [opsetEntry]
  model.graph = graph
  return try model.serializedData()
}

private func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "n", domain: String = "")
  -> Onnx_NodeProto
{
  var n = Onnx_NodeProto()
  n.opType = op
  n.input = inputs
  n.output = outputs
  n.name = name
  n.domain = domain
  return n
}

private func loadError(_ data: Data) -> ModelError? {
  do {
    _ = try Model(data: data, name: "bad")
    return nil
  } catch {
    return error
  }
}

@Suite("Bad model files fail at load time with an error a person can act on")
struct BadModelTests {
  static let iris = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/zoo/iris_logreg.onnx")

  @Test("an empty file") func empty() {
    let e = loadError(Data())
    #expect(e?.code == .notAModel)
    #expect(e?.message.contains("empty") == true)
  }

  @Test("a truncated file") func truncated() throws {
    let data = try Data(contentsOf: Self.iris)
    let e = loadError(data.prefix(data.count / 2))
    #expect(e?.code == .notAModel || e?.code == .invalidGraph)
  }

  @Test("random bytes") func randomBytes() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20 {
      let bytes = Data((0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) })
      let e = loadError(bytes)
      #expect(e != nil)
    }
  }

  @Test("valid protobuf that is not a model") func notAModel() throws {
    var t = Onnx_TensorProto()
    t.name = "just a tensor"
    t.floatData = [1, 2, 3]
    let e = loadError(try t.serializedData())
    #expect(e?.code == .notAModel)
  }

  @Test("an unknown operator is named with its domain and node") func unknownOperator() throws {
    let e = loadError(try modelBytes(nodes: [node("FancyOp", ["X"], ["Y"], name: "fancy1")]))
    #expect(e?.code == .unsupported)
    #expect(e?.message.contains("FancyOp") == true)
    #expect(e?.message.contains("fancy1") == true)
    #expect(e?.message.contains("ai.onnx") == true)
  }

  @Test("an unsupported opset") func unsupportedOpset() throws {
    let e = loadError(try modelBytes(nodes: [node("Relu", ["X"], ["Y"])], opset: 99))
    #expect(e?.code == .unsupported)
    #expect(e?.message.contains("99") == true)
  }

  @Test("an unsupported IR version") func unsupportedIR() throws {
    let e = loadError(try modelBytes(nodes: [node("Relu", ["X"], ["Y"])], ir: 42))
    #expect(e?.code == .unsupported)
  }

  @Test("a cycle in the graph") func cycle() throws {
    let e = loadError(
      try modelBytes(nodes: [
        node("Add", ["X", "B"], ["A"], name: "a"), node("Relu", ["A"], ["B"], name: "b"),
        node("Relu", ["A"], ["Y"], name: "c"),
      ]))
    #expect(e?.code == .invalidGraph)
    #expect(e?.message.contains("cycle") == true)
  }

  @Test("a node reading an undefined value") func undefinedValue() throws {
    let e = loadError(try modelBytes(nodes: [node("Add", ["X", "nowhere"], ["Y"], name: "adder")]))
    #expect(e?.code == .invalidGraph)
    #expect(e?.message.contains("nowhere") == true)
    #expect(e?.message.contains("adder") == true)
  }

  @Test("a missing initializer is an undefined value too") func missingInitializer() throws {
    let e = loadError(try modelBytes(nodes: [node("MatMul", ["X", "W"], ["Y"], name: "mm")]))
    #expect(e?.message.contains("W") == true)
  }

  @Test("huge declared dimensions") func hugeDimensions() throws {
    var t = Onnx_TensorProto()
    t.name = "W"
    t.dataType = 1
    t.dims = [1 << 40, 1 << 40]
    let e = loadError(try modelBytes(nodes: [node("MatMul", ["X", "W"], ["Y"])], initializers: [t]))
    #expect(e?.code == .invalidGraph)
    #expect(e?.message.contains("W") == true)
  }

  @Test("an initializer whose data does not match its shape") func mismatchedInitializer() throws {
    var t = Onnx_TensorProto()
    t.name = "W"
    t.dataType = 1
    t.dims = [4, 3]
    t.floatData = [1, 2, 3]
    let e = loadError(try modelBytes(nodes: [node("MatMul", ["X", "W"], ["Y"])], initializers: [t]))
    #expect(e?.code == .invalidGraph)
  }

  @Test("an unsupported element type") func unsupportedType() throws {
    var t = Onnx_TensorProto()
    t.name = "W"
    t.dataType = 10  // float16
    t.dims = [1]
    let e = loadError(try modelBytes(nodes: [node("Add", ["X", "W"], ["Y"])], initializers: [t]))
    #expect(e?.code == .unsupported)
    #expect(e?.message.contains("float16") == true)
  }

  @Test("wrong shape and dtype at run time are errors, not crashes") func runtimeShape() throws {
    var w = Onnx_TensorProto()
    w.name = "W"
    w.dataType = 1
    w.dims = [4, 2]
    w.floatData = [Float](repeating: 1, count: 8)
    let model = try Model(
      data: try modelBytes(nodes: [node("MatMul", ["X", "W"], ["Y"])], initializers: [w]), name: "mm")
    #expect(throws: ModelError.self) {
      _ = try model.run(["X": try Tensor(shape: [2, 3], floats: [Float](repeating: 1, count: 6))])
    }
    #expect(throws: ModelError.self) {
      _ = try model.run(["X": try Tensor(shape: [1, 4], storage: .string(["a", "b", "c", "d"]))])
    }
    #expect(throws: ModelError.self) { _ = try model.run([:]) }
    let ok = try model.run(["X": try Tensor(shape: [1, 4], floats: [1, 2, 3, 4])])
    #expect(ok["Y"]?.tensor?.storage == .float([10, 10]))
  }

  @Test("a duplicated opset import is accepted, as onnxruntime does") func duplicateOpset() throws {
    var model = try Onnx_ModelProto(serializedBytes: try modelBytes(nodes: [node("Relu", ["X"], ["Y"])]))
    var again = Onnx_OperatorSetIdProto()
    again.version = 17
    model.opsetImport.append(again)
    let loaded = try Model(data: try model.serializedData(), name: "dup")
    #expect(loaded.info.opsets["ai.onnx"] == 17)
  }

  @Test("a tree whose nodes point back up is a cycle, found at load time") func treeCycle() throws {
    var tree = node("TreeEnsembleRegressor", ["X"], ["Y"], name: "trees", domain: "ai.onnx.ml")
    func ints(_ name: String, _ v: [Int64]) -> Onnx_AttributeProto {
      var a = Onnx_AttributeProto()
      a.name = name
      a.type = .ints
      a.ints = v
      return a
    }
    func strings(_ name: String, _ v: [String]) -> Onnx_AttributeProto {
      var a = Onnx_AttributeProto()
      a.name = name
      a.type = .strings
      a.strings = v.map { Data($0.utf8) }
      return a
    }
    var values = Onnx_AttributeProto()
    values.name = "nodes_values"
    values.type = .floats
    values.floats = [1, 2, 0]
    var weights = Onnx_AttributeProto()
    weights.name = "target_weights"
    weights.type = .floats
    weights.floats = [1]
    // Node 0 → 1 → 0: neither ever reaches the leaf 2 on its true branch.
    tree.attribute = [
      ints("nodes_treeids", [0, 0, 0]), ints("nodes_nodeids", [0, 1, 2]), ints("nodes_featureids", [0, 1, 0]),
      strings("nodes_modes", ["BRANCH_LEQ", "BRANCH_LEQ", "LEAF"]), values,
      ints("nodes_truenodeids", [1, 0, 0]), ints("nodes_falsenodeids", [2, 2, 0]),
      ints("target_treeids", [0]), ints("target_nodeids", [2]), ints("target_ids", [0]), weights,
    ]
    var model = try Onnx_ModelProto(serializedBytes: try modelBytes(nodes: [tree]))
    var ml = Onnx_OperatorSetIdProto()
    ml.domain = "ai.onnx.ml"
    ml.version = 1
    model.opsetImport.append(ml)
    let e = loadError(try model.serializedData())
    #expect(e?.code == .invalidGraph)
    #expect(e?.message.contains("cycle") == true)
  }

  @Test(
    "a declared input width beyond the feature limit fails at load, before anything is allocated for it",
    arguments: [Int64(1_000_000_000_000), 10_000_000, Int64(SignatureBuilder.maxFeatures + 1)])
  func hugeDeclaredWidth(width: Int64) throws {
    let e = loadError(try modelBytes(nodes: [node("Relu", ["X"], ["Y"])], dims: [-1, width]))
    #expect(e?.code == .unsupported)
    #expect(e?.message.contains("\(width) columns") == true)
    #expect(e?.message.contains("\(SignatureBuilder.maxFeatures)") == true)
  }

  @Test("scalar inputs whose widths add up past the feature limit fail at load")
  func manyWideInputs() throws {
    let width = Int64(SignatureBuilder.maxFeatures / 2 + 1)
    let nodes = [node("Add", ["A", "B"], ["Y"])]
    let e = loadError(try modelBytes(nodes: nodes, inputs: ["A", "B"], dims: [-1, width]))
    #expect(e?.code == .unsupported)
    #expect(e?.message.contains("features") == true)
  }

  @Test("a negative declared width is an invalid graph, not a trap")
  func negativeDeclaredWidth() throws {
    var model = try Onnx_ModelProto(serializedBytes: try modelBytes(nodes: [node("Relu", ["X"], ["Y"])]))
    model.graph.input[0].type.tensorType.shape.dim[1].dimValue = -3
    let e = loadError(try model.serializedData())
    #expect(e?.code == .invalidGraph)
    #expect(e?.message.contains("negative") == true)
  }
}
