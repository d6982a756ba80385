import Foundation
import SwiftProtobuf

@testable import Model

/// Small ONNX graphs written in tests: a node, a constant, a declared value, a model.
enum Graph {
  /// A default-domain node named after its operator.
  static func node(
    _ op: String, _ inputs: [String], _ outputs: [String], attributes: [Onnx_AttributeProto] = []
  ) -> Onnx_NodeProto {
    var n = Onnx_NodeProto()
    n.opType = op
    n.name = op.lowercased()
    n.input = inputs
    n.output = outputs
    n.attribute = attributes
    return n
  }

  /// An initializer of `type` holding `values` (rounded for integers).
  static func constant(_ name: String, _ dims: [Int], _ values: [Double], _ type: ElementType = .float)
    -> Onnx_TensorProto
  {
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

  /// A graph input or output of `type`, shape left open.
  static func value(_ name: String, _ type: ElementType = .float) -> Onnx_ValueInfoProto {
    var v = Onnx_ValueInfoProto()
    v.name = name
    v.type.tensorType.elemType = ONNXDataType.code(type)
    return v
  }

  /// A model of one graph at default-domain `opset` (and `ai.onnx.ml` at `mlOpset` when
  /// given), loaded.
  static func model(
    _ nodes: [Onnx_NodeProto], constants: [Onnx_TensorProto], inputs: [Onnx_ValueInfoProto],
    outputs: [Onnx_ValueInfoProto], opset: Int64 = 17, mlOpset: Int64? = nil
  ) throws -> Model {
    var model = Onnx_ModelProto()
    model.irVersion = 8
    var imported = Onnx_OperatorSetIdProto()
    imported.version = opset
    model.opsetImport = [imported]
    if let mlOpset {
      var ml = Onnx_OperatorSetIdProto()
      ml.domain = OperatorRegistry.mlDomain
      ml.version = mlOpset
      model.opsetImport.append(ml)
    }
    model.graph.name = "test"
    model.graph.node = nodes
    model.graph.initializer = constants
    model.graph.input = inputs
    model.graph.output = outputs
    return try Model(data: try model.serializedData(), name: "test")
  }
}
