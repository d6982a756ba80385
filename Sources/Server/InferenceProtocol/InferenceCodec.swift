import Model

/// The Open Inference Protocol V2's tensor codec: a JSON inference request into named
/// tensors, and the model's outputs back into `{"model_name", "model_version", "id", "outputs"}`.
enum InferenceCodec {
  /// A parsed inference request.
  struct Request {
    /// The client's `id`, echoed in the answer.
    var id: JSONValue?
    /// The named input tensors.
    var inputs: [String: Tensor]
    /// The outputs asked for, or nil for all of them.
    var requestedOutputs: [String]?
  }

  /// Parses `{"id", "inputs": [{"name","shape","datatype","data"}], "outputs": [{"name"}]}`.
  /// - Parameter maxBatchSize: the most rows (first dimension) one input may have, as the
  ///   server's `/predict` batches.
  static func decode(_ document: JSONValue, maxBatchSize: Int = .max) throws(InferenceError) -> Request {
    guard case .object = document else { throw .badRequest("the request body should be a JSON object") }
    var request = Request(inputs: [:])
    if let id = document["id"] {
      guard case .string = id else { throw .badRequest("id should be a string") }
      request.id = id
    }
    guard case .array(let inputs)? = document["inputs"] else {
      throw .badRequest("the request needs \"inputs\": a list of named tensors")
    }
    for (index, input) in inputs.enumerated() {
      guard case .string(let name)? = input["name"] else {
        throw .badRequest("inputs[\(index)] needs a \"name\"")
      }
      guard case .array(let dims)? = input["shape"] else {
        throw .badRequest("input \(name) needs a \"shape\": a list of sizes")
      }
      var shape: [Int] = []
      for d in dims {
        guard case .number(let n) = d, n >= 0, n == n.rounded(), n < 1e9 else {
          throw .badRequest("input \(name) has a shape with a size that is not a whole number ≥ 0")
        }
        shape.append(Int(n))
      }
      if let rows = shape.first, shape.count > 1, rows > maxBatchSize {
        throw .badRequest("input \(name) has \(rows) rows; this server takes at most \(maxBatchSize) per request")
      }
      guard request.inputs[name] == nil else {
        throw .badRequest("input \(name) is given twice; each input is listed once")
      }
      guard case .string(let datatype)? = input["datatype"] else {
        throw .badRequest("input \(name) needs a \"datatype\" such as FP32")
      }
      guard let data = input["data"] else { throw .badRequest("input \(name) needs \"data\"") }
      let expected = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
      let flat = try elements(of: data, shape: shape, name: name)
      guard expected == flat.count else {
        throw .badRequest(
          "input \(name) has shape \(shape), which needs \(expected) elements, but data has \(flat.count)")
      }
      let values = try storage(flat, datatype: datatype, name: name)
      do {
        request.inputs[name] = try Tensor(shape: shape, storage: values)
      } catch {
        throw .badRequest(error.message)
      }
    }
    if case .array(let outputs)? = document["outputs"] {
      var names: [String] = []
      for o in outputs {
        guard case .string(let n)? = o["name"] else {
          throw .badRequest("each requested output needs a \"name\"")
        }
        names.append(n)
      }
      request.requestedOutputs = names
    }
    return request
  }

  /// The elements of `data` in row-major order. The protocol allows two forms: a flat list,
  /// or lists nested exactly as `shape` (each level as long as its dimension, scalars at the
  /// last). Anything between, ragged or nested deeper, is refused rather than guessed at.
  private static func elements(of data: JSONValue, shape: [Int], name: String) throws(InferenceError)
    -> [JSONValue]
  {
    guard case .array(let top) = data else {
      throw .badRequest("input \(name) has data that is not a list")
    }
    if !top.contains(where: { if case .array = $0 { true } else { false } }) { return top }
    var out: [JSONValue] = []
    func walk(_ items: [JSONValue], level: Int, path: String) throws(InferenceError) {
      guard level < shape.count, items.count == shape[level] else {
        let expected = level < shape.count ? "\(shape[level])" : "a number, not a list,"
        throw .badRequest(
          "input \(name) has nested data that does not match its shape \(shape): data\(path) has "
            + "\(counted(items.count, "item")) where the shape says \(expected)")
      }
      let last = level == shape.count - 1
      for (i, item) in items.enumerated() {
        switch item {
        case .array(let inner) where !last: try walk(inner, level: level + 1, path: path + "[\(i)]")
        case .array:
          throw .badRequest(
            "input \(name) has data nested deeper than its shape \(shape) at data\(path)[\(i)]")
        case _ where !last:
          throw .badRequest(
            "input \(name) has nested data that does not match its shape \(shape): data\(path)[\(i)] "
              + "should be a list of \(shape[level + 1])")
        default: out.append(item)
        }
      }
    }
    try walk(top, level: 0, path: "")
    return out
  }

  private static func storage(_ flat: [JSONValue], datatype: String, name: String) throws(InferenceError)
    -> Tensor.Storage
  {
    func numbers() throws(InferenceError) -> [Double] {
      var out: [Double] = []
      out.reserveCapacity(flat.count)
      for v in flat {
        switch v {
        case .number(let d): out.append(d)
        case .bool(let b): out.append(b ? 1 : 0)
        default: throw .badRequest("input \(name) has \(datatype) data with a value that is not a number")
        }
      }
      return out
    }
    func integers() throws(InferenceError) -> [Int64] {
      var out: [Int64] = []
      for d in try numbers() {
        guard d == d.rounded(), abs(d) < 9.2e18 else {
          throw .badRequest("input \(name) has \(datatype) data with a value that is not an integer")
        }
        out.append(Int64(d))
      }
      return out
    }
    switch datatype {
    case "FP32":
      let values = try numbers()
      if let i = values.firstIndex(where: { $0.isFinite && !Float($0).isFinite }) {
        throw .badRequest(
          "input \(name) has FP32 data with a value (\(formatNumber(values[i])) at element \(i)) beyond FP32's range "
            + "of ±\(formatNumber(Double(Float.greatestFiniteMagnitude)))")
      }
      return .float(values.map { Float($0) })
    case "FP64": return .double(try numbers())
    case "INT64": return .int64(try integers())
    case "INT32":
      let values = try integers()
      guard values.allSatisfy({ Int64(Int32.min)...Int64(Int32.max) ~= $0 }) else {
        throw .badRequest("input \(name) has INT32 data out of range")
      }
      return .int32(values.map { Int32($0) })
    case "BOOL":
      var out: [Bool] = []
      for v in flat {
        switch v {
        case .bool(let b): out.append(b)
        case .number(let d) where d == 0 || d == 1: out.append(d == 1)
        default: throw .badRequest("input \(name) has BOOL data with a value that is not a boolean")
        }
      }
      return .bool(out)
    case "BYTES":
      var out: [String] = []
      for v in flat {
        guard case .string(let s) = v else {
          throw .badRequest("input \(name) has BYTES data with a value that is not a string")
        }
        out.append(s)
      }
      return .string(out)
    default:
      throw .badRequest(
        "input \(name) has datatype \(datatype); use one of FP32, FP64, INT64, INT32, BOOL, BYTES")
    }
  }

  /// Writes `{"model_name","model_version","id","outputs":[...]}`.
  static func encode(
    _ outputs: ModelOutputs, request: Request, served: ServedModel
  ) throws(InferenceError) -> [UInt8] {
    let names = request.requestedOutputs ?? served.model.signature.outputs.map(\.name)
    var w = JSONWriter(capacity: 256)
    w.raw("{")
    w.key("model_name")
    w.string(served.model.name)
    w.raw(",")
    w.key("model_version")
    w.string(served.version)
    if let id = request.id {
      w.raw(",")
      w.key("id")
      w.value(id)
    }
    w.raw(",")
    w.key("outputs")
    w.raw("[")
    var first = true
    for name in names {
      guard let value = outputs[name] else {
        throw .badRequest(
          "\(name) is not an output of this model; the outputs are "
            + served.model.signature.outputs.map(\.name).joined(separator: ", "))
      }
      w.separator(&first)
      writeOutput(name: name, value: value, to: &w)
    }
    w.raw("]}")
    return w.bytes
  }

  private static func writeOutput(name: String, value: Value, to w: inout JSONWriter) {
    w.raw("{")
    w.key("name")
    w.string(name)
    w.raw(",")
    switch value {
    case .tensor(let t):
      w.key("datatype")
      w.string(t.elementType.inferenceProtocolName)
      w.raw(",")
      w.key("shape")
      writeShape(t.shape, to: &w)
      w.raw(",")
      w.key("data")
      w.raw("[")
      var first = true
      switch t.storage {
      case .float(let v):
        for x in v {
          w.separator(&first)
          w.float(x)
        }
      case .double(let v):
        for x in v {
          w.separator(&first)
          w.number(x)
        }
      case .int64(let v):
        for x in v {
          w.separator(&first)
          w.integer(x)
        }
      case .int32(let v):
        for x in v {
          w.separator(&first)
          w.integer(Int64(x))
        }
      case .bool(let v):
        for x in v {
          w.separator(&first)
          w.bool(x)
        }
      case .string(let v):
        for x in v {
          w.separator(&first)
          w.string(x)
        }
      }
      w.raw("]")
    case .sequenceOfMaps(let maps):
      w.key("datatype")
      w.string("FP32")
      w.raw(",")
      w.key("shape")
      writeShape([maps.rows.count, maps.keys.count], to: &w)
      w.raw(",")
      w.key("parameters")
      w.raw("{")
      w.key("labels")
      w.string(maps.keys.labels.map(\.description).joined(separator: ","))
      w.raw("},")
      w.key("data")
      w.raw("[")
      var first = true
      for row in maps.rows {
        for x in row {
          w.separator(&first)
          w.float(x)
        }
      }
      w.raw("]")
    }
    w.raw("}")
  }

  private static func writeShape(_ shape: [Int], to w: inout JSONWriter) {
    w.raw("[")
    var first = true
    for d in shape {
      w.separator(&first)
      w.integer(d)
    }
    w.raw("]")
  }
}
