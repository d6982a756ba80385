import Foundation

/// What an operator's factory sees of its node at load time.
struct NodeContext {
  let node: Onnx_NodeProto
  /// The opset version in force for the node's domain.
  let opset: Int
  /// The value of each input when it is known at load time (an initializer or a Constant).
  let constantInputs: [Tensor?]
  /// Compiles the node's graph attributes in the scope of the graph around the node.
  let subgraphCompiler: GraphCompiler

  /// The run-time values of the enclosing graph that the node's subgraphs read: the kernel
  /// receives them after the node's own inputs, in this order.
  var capturedNames: [String] { subgraphCompiler.capturedNames }

  /// The node as messages name it.
  var label: String { describeNode(node) }

  /// A load-time error about this node.
  func error(_ message: String) -> ModelError {
    ModelError(.invalidGraph, "\(label): \(message)")
  }

  /// A load-time error about an unsupported use of this node.
  func unsupported(_ message: String) -> ModelError {
    ModelError(.unsupported, "\(label): \(message)")
  }

  private func attribute(_ name: String) -> Onnx_AttributeProto? { node.attribute(named: name) }

  /// Whether the node sets the attribute.
  func has(_ name: String) -> Bool { attribute(name) != nil }

  func int(_ name: String) throws(ModelError) -> Int? {
    guard let a = attribute(name) else { return nil }
    guard a.hasI || a.type == .int else { throw error("attribute \(name) should be an integer") }
    guard let v = Int(exactly: a.i) else { throw error("attribute \(name) is out of range") }
    return v
  }

  func int(_ name: String, default value: Int) throws(ModelError) -> Int {
    try int(name) ?? value
  }

  func float(_ name: String) throws(ModelError) -> Float? {
    guard let a = attribute(name) else { return nil }
    guard a.hasF || a.type == .float else { throw error("attribute \(name) should be a float") }
    return a.f
  }

  func float(_ name: String, default value: Float) throws(ModelError) -> Float {
    try float(name) ?? value
  }

  func string(_ name: String) throws(ModelError) -> String? {
    guard let a = attribute(name) else { return nil }
    guard a.hasS || a.type == .string else { throw error("attribute \(name) should be a string") }
    return String(decoding: a.s, as: UTF8.self)
  }

  func string(_ name: String, default value: String) throws(ModelError) -> String {
    try string(name) ?? value
  }

  func ints(_ name: String) -> [Int64] { attribute(name)?.ints ?? [] }
  func floats(_ name: String) -> [Float] { attribute(name)?.floats ?? [] }
  func strings(_ name: String) -> [String] {
    (attribute(name)?.strings ?? []).map { String(decoding: $0, as: UTF8.self) }
  }

  func tensor(_ name: String) throws(ModelError) -> Tensor? {
    guard let a = attribute(name), a.hasT else { return nil }
    return try Tensor(proto: a.t, context: "\(label) attribute \(name)")
  }

  /// A tensor attribute of any integer element type, as Int64s, or nil when the node does not
  /// set it. Opset-5 TreeEnsemble keeps its node modes and missing-value flags as uint8, a
  /// type fathom has no tensors of; the 8- and 16-bit types are read here for such attributes.
  func integers(_ name: String) throws(ModelError) -> [Int64]? {
    guard let a = attribute(name), a.hasT else { return nil }
    let t = a.t
    // ONNX data types: 2 uint8, 3 int8, 4 uint16, 5 int16.
    let widths: [Int32: (bytes: Int, signed: Bool)] = [2: (1, false), 3: (1, true), 4: (2, false), 5: (2, true)]
    guard let (bytes, signed) = widths[t.dataType] else {
      switch try tensor(name)?.storage {
      case .int64(let v)?: return v
      case .int32(let v)?: return v.map(Int64.init)
      case .bool(let v)?: return v.map { $0 ? 1 : 0 }
      default: throw error("attribute \(name) should be a tensor of integers")
      }
    }
    let count = t.dims.reduce(1) { $0 * Int(clamping: max($1, 0)) }
    let values: [Int64]
    if t.hasRawData {
      let raw = Array(t.rawData)
      guard raw.count == count * bytes else {
        throw error("attribute \(name) holds \(raw.count) bytes for \(count) elements of \(bytes) bytes")
      }
      values = (0..<count).map { i in
        let u = bytes == 1 ? UInt16(raw[i]) : UInt16(raw[2 * i]) | UInt16(raw[2 * i + 1]) << 8
        guard signed else { return Int64(u) }
        return bytes == 1 ? Int64(Int8(truncatingIfNeeded: u)) : Int64(Int16(bitPattern: u))
      }
    } else {
      values = t.int32Data.map(Int64.init)
    }
    guard values.count == count else {
      throw error("attribute \(name) has \(values.count) values for dimensions \(t.dims)")
    }
    return values
  }

  /// The graph attribute `name` compiled for running, or nil when the node does not set it.
  func subgraph(_ name: String) throws(ModelError) -> Subgraph? {
    guard let a = attribute(name) else { return nil }
    guard a.hasG || a.type == .graph else { throw error("attribute \(name) should be a graph") }
    do {
      return try subgraphCompiler.compileSubgraph(a.g)
    } catch {
      throw ModelError(error.code, "\(label), attribute \(name): \(error.message)")
    }
  }

  /// A float list that may be given as `name` or as a double tensor `name_as_tensor`.
  func floatsOrTensor(_ name: String) throws(ModelError) -> [Double] {
    if let t = try tensor(name + "_as_tensor"), let d = t.storage.doubles { return d }
    return floats(name).map(Double.init)
  }
}

/// A node as error messages name it: its name, operator and domain.
func describeNode(_ node: Onnx_NodeProto) -> String {
  let domain = node.domain.isEmpty ? "ai.onnx" : node.domain
  let name = node.name.isEmpty ? "(unnamed, output \(node.output.first ?? "?"))" : "'\(node.name)'"
  return "node \(name) (\(node.opType), domain \(domain))"
}

extension Onnx_NodeProto {
  /// The attribute called `name`, if the node sets it.
  func attribute(named name: String) -> Onnx_AttributeProto? { attribute.first { $0.name == name } }

  /// The element type a Cast node converts to; nil for another node, or a type fathom lacks.
  var castTarget: ElementType? {
    guard opType == "Cast", domain.isEmpty || domain == "ai.onnx", let code = attribute(named: "to")?.i else {
      return nil
    }
    return ONNXDataType.elementType(Int32(clamping: code))
  }
}
