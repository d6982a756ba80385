import Foundation
import SwiftProtobuf
import Testing

@testable import Model

/// MatMul → Add(constant bias) → Relu chains run as one plan step (`EpilogueKernel`); the
/// fused step must give exactly what the three nodes give one after the other, and the
/// cases its in-place paths leave must go through the nodes' own kernels.
@Suite("Fused dense layers")
struct FusionTests {
  @Test(
    "a fused MatMul, bias and Relu give the unfused graph's values bit for bit",
    arguments: [
      (ElementType.float, [4], false), (.float, [4], true), (.float, [1, 4], false), (.double, [4], false),
      // A bias that widens the product, or whose rank exceeds it, takes the Add kernel's path.
      (.float, [2, 4], false), (.float, [1, 1, 4], true),
    ])
  func fusedEqualsUnfused(type: ElementType, biasShape: [Int], biasFirst: Bool) throws {
    let fused = try denseModel(type: type, biasShape: biasShape, biasFirst: biasFirst, keepProduct: false)
    let unfused = try denseModel(type: type, biasShape: biasShape, biasFirst: biasFirst, keepProduct: true)
    #expect(fused.plan.steps.count == 1)
    #expect(unfused.plan.steps.count == 3)
    for rows in [1, 2] {
      let values = (0..<(rows * 3)).map { Double($0) * 0.37 - 1.1 }
      let x = try Tensor(shape: [rows, 3], storage: storage(type, values))
      let a = try fused.run(["x": x])["y"]?.tensor
      let b = try unfused.run(["x": x])["y"]?.tensor
      #expect(a != nil)
      #expect(a == b, "\(rows) rows")
    }
  }

  @Test("a fused chain on integers fails as the Relu node does, naming the fused nodes")
  func integersFailLikeTheNodes() throws {
    let fused = try denseModel(type: .int64, biasShape: [4], biasFirst: false, keepProduct: false)
    #expect(fused.plan.steps.count == 1)
    let x = try Tensor(shape: [1, 3], storage: .int64([1, 2, 3]))
    #expect {
      try fused.run(["x": x])
    } throws: { error in
      let message = (error as? ModelError)?.message ?? ""
      return message.contains("Relu does not take int64") && message.contains("fused with")
    }
  }
}

private func storage(_ type: ElementType, _ values: [Double]) -> Tensor.Storage {
  switch type {
  case .double: .double(values)
  case .int64: .int64(values.map { Int64($0.rounded()) })
  default: .float(values.map { Float($0) })
  }
}

/// x [?, 3] → MatMul(x, W [3, 4]) → Add with a constant bias → Relu → y; with `keepProduct`
/// the product is a graph output too, which keeps the nodes apart.
private func denseModel(type: ElementType, biasShape: [Int], biasFirst: Bool, keepProduct: Bool) throws -> Model {
  func initializer(_ name: String, _ dims: [Int], _ values: [Double]) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    t.name = name
    t.dims = dims.map(Int64.init)
    t.dataType = ONNXDataType.code(type)
    switch type {
    case .double: t.doubleData = values
    case .int64: t.int64Data = values.map { Int64($0.rounded()) }
    default: t.floatData = values.map { Float($0) }
    }
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
    v.type.tensorType.elemType = ONNXDataType.code(type)
    return v
  }
  let biasCount = biasShape.reduce(1, *)
  var model = Onnx_ModelProto()
  model.irVersion = 8
  var opset = Onnx_OperatorSetIdProto()
  opset.version = 17
  model.opsetImport = [opset]
  model.graph.name = "dense"
  model.graph.initializer = [
    initializer("W", [3, 4], (0..<12).map { Double($0) * 0.21 - 1.3 }),
    initializer("b", biasShape, (0..<biasCount).map { Double($0) * 0.45 - 0.7 }),
  ]
  model.graph.node = [
    node("MatMul", ["x", "W"], "p"),
    node("Add", biasFirst ? ["b", "p"] : ["p", "b"], "s"),
    node("Relu", ["s"], "y"),
  ]
  model.graph.input = [info("x")]
  model.graph.output = [info("y")] + (keepProduct ? [info("p")] : [])
  return try Model(data: try model.serializedData(), name: "dense")
}
