import Foundation
import SwiftProtobuf
import Testing

@testable import Model

/// Nodes that read only constants are computed once at load time (`GraphCompiler.fold`).
@Suite("Constant folding")
struct ConstantFoldingTests {
  @Test("nodes on constants are computed once, giving what they give at run time")
  func foldedEqualsRunTime() throws {
    // y = x + (c − exp(W)): with W an initializer the Exp and Sub fold away; with W a graph
    // input they run.
    let w: [Float] = [0.25, -1.5, 2, 0.125]
    let folded = try model(weightsAreConstant: true, weights: w, reshapeTo: [4])
    let unfolded = try model(weightsAreConstant: false, weights: w, reshapeTo: [4])
    #expect(folded.plan.steps.count == 1)
    #expect(unfolded.plan.steps.count == 4)
    let x = try Tensor(shape: [4], floats: [1, 2, 3, 4])
    let a = try folded.run(["x": x])["y"]?.tensor
    let b = try unfolded.run(["x": x, "W": Tensor(shape: [4], floats: w)])["y"]?.tensor
    #expect(a != nil)
    #expect(a == b)
  }

  @Test("a node on constants that fails is left to fail when the graph runs, naming it")
  func failingNodeFailsAtRunTime() throws {
    let m = try model(weightsAreConstant: true, weights: [1, 2, 3, 4], reshapeTo: [3])
    #expect(m.plan.steps.count == 2)
    #expect {
      try m.run(["x": Tensor(shape: [4], floats: [1, 2, 3, 4])])
    } throws: { error in
      ((error as? ModelError)?.message ?? "").contains("Reshape")
    }
  }
}

/// x [4] → Add(x, Reshape(Sub(c, Exp(W)), shape)) → y, W and c = 0.5 initializers (W a graph
/// input unless `weightsAreConstant`), shape = `reshapeTo`.
private func model(weightsAreConstant: Bool, weights: [Float], reshapeTo: [Int64]) throws -> Model {
  func floats(_ name: String, _ dims: [Int64], _ values: [Float]) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    t.name = name
    t.dims = dims
    t.dataType = ONNXDataType.code(.float)
    t.floatData = values
    return t
  }
  func node(_ op: String, _ inputs: [String], _ output: String) -> Onnx_NodeProto {
    var n = Onnx_NodeProto()
    n.opType = op
    n.name = op.lowercased()
    n.input = inputs
    n.output = [output]
    return n
  }
  func info(_ name: String) -> Onnx_ValueInfoProto {
    var v = Onnx_ValueInfoProto()
    v.name = name
    v.type.tensorType.elemType = ONNXDataType.code(.float)
    return v
  }
  var shape = Onnx_TensorProto()
  shape.name = "shape"
  shape.dims = [Int64(reshapeTo.count)]
  shape.dataType = ONNXDataType.code(.int64)
  shape.int64Data = reshapeTo
  var model = Onnx_ModelProto()
  model.irVersion = 8
  var opset = Onnx_OperatorSetIdProto()
  opset.version = 17
  model.opsetImport = [opset]
  model.graph.name = "fold"
  model.graph.initializer = [floats("c", [], [0.5]), shape] + (weightsAreConstant ? [floats("W", [4], weights)] : [])
  model.graph.node = [
    node("Exp", ["W"], "e"), node("Sub", ["c", "e"], "d"), node("Reshape", ["d", "shape"], "r"),
    node("Add", ["x", "r"], "y"),
  ]
  model.graph.input = [info("x")] + (weightsAreConstant ? [] : [info("W")])
  model.graph.output = [info("y")]
  return try Model(data: try model.serializedData(), name: "fold")
}
