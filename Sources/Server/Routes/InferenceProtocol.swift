import HTTPTypes
import Hummingbird
import Model

/// The Open Inference Protocol V2 (KServe, Triton): metadata documents and tensor codecs.
enum InferenceProtocol {
  static let platform = "onnx_onnxv1"

  /// `GET /v2`.
  static func serverMetadata() -> Response {
    .json(#"{"name":"fathom","version":"1","extensions":[]}"#)
  }

  /// A 404 when the path names another model or version than the one served.
  static func check(name: String, version: String?, served: ServedModel) -> Response? {
    guard name == served.model.name else {
      return .inferenceError(.notFound, "Model \(name) is not served here; this server serves \(served.model.name)")
    }
    if let version, version != served.version {
      return .inferenceError(
        .notFound, "Model \(name) has no version \(version); the served version is \(served.version)")
    }
    return nil
  }

  /// `GET /v2/models/{name}/ready`.
  static func modelReady(_ served: ServedModel, ready: Bool) -> Response {
    var w = JSONWriter()
    w.raw("{")
    w.key("name")
    w.string(served.model.name)
    w.raw(",")
    w.key("ready")
    w.bool(ready)
    w.raw("}")
    return .json(bytes: w.bytes)
  }

  /// `GET /v2/models/{name}`: name, versions, platform, inputs and outputs.
  static func metadata(for model: Model, version: String) -> [UInt8] {
    var w = JSONWriter(capacity: 512)
    w.raw("{")
    w.key("name")
    w.string(model.name)
    w.raw(",")
    w.key("versions")
    w.strings([version])
    w.raw(",")
    w.key("platform")
    w.string(platform)
    w.raw(",")
    w.key("inputs")
    writeTensorMetadata(model.signature.inputs, classCount: model.signature.classLabels.count, to: &w)
    w.raw(",")
    w.key("outputs")
    writeTensorMetadata(model.signature.outputs, classCount: model.signature.classLabels.count, to: &w)
    w.raw("}")
    return w.bytes
  }

  private static func writeTensorMetadata(_ tensors: [TensorInfo], classCount: Int, to w: inout JSONWriter) {
    w.raw("[")
    var first = true
    for t in tensors {
      w.separator(&first)
      w.raw("{")
      w.key("name")
      w.string(t.name)
      w.raw(",")
      w.key("datatype")
      switch t.kind {
      case .tensor(let type, let shape):
        w.string(type.inferenceProtocolName)
        w.raw(",")
        w.key("shape")
        w.raw("[")
        var firstDim = true
        for d in shape {
          w.separator(&firstDim)
          if case .fixed(let n) = d { w.integer(n) } else { w.integer(-1) }
        }
        w.raw("]")
      case .sequenceOfMaps:
        // A sequence of class→probability maps travels as a [batch, classes] FP32 tensor.
        w.string("FP32")
        w.raw(",")
        w.key("shape")
        w.raw("[-1,")
        w.integer(classCount > 0 ? classCount : -1)
        w.raw("]")
      }
      w.raw("}")
    }
    w.raw("]")
  }

  /// Why an inference request is malformed.
  struct RequestError: Error {
    var message: String
  }

  /// A parsed inference request.
  struct InferRequest {
    var id: JSONValue?
    var inputs: [String: Tensor]
    var requestedOutputs: [String]?
  }

  /// Parses `{"id", "inputs": [{"name","shape","datatype","data"}], "outputs": [{"name"}]}`.
  static func parseRequest(_ document: JSONValue) throws(RequestError) -> InferRequest {
    guard case .object = document else { throw RequestError(message: "the request body should be a JSON object") }
    var request = InferRequest(inputs: [:])
    if let id = document["id"] {
      guard case .string = id else { throw RequestError(message: "id should be a string") }
      request.id = id
    }
    guard case .array(let inputs)? = document["inputs"] else {
      throw RequestError(message: "the request needs \"inputs\": a list of named tensors")
    }
    for (index, input) in inputs.enumerated() {
      guard case .string(let name)? = input["name"] else {
        throw RequestError(message: "inputs[\(index)] needs a \"name\"")
      }
      guard case .array(let dims)? = input["shape"] else {
        throw RequestError(message: "input \(name) needs a \"shape\": a list of sizes")
      }
      var shape: [Int] = []
      for d in dims {
        guard case .number(let n) = d, n >= 0, n == n.rounded(), n < 1e9 else {
          throw RequestError(message: "input \(name) has a shape with a size that is not a whole number ≥ 0")
        }
        shape.append(Int(n))
      }
      guard case .string(let datatype)? = input["datatype"] else {
        throw RequestError(message: "input \(name) needs a \"datatype\" such as FP32")
      }
      guard let data = input["data"] else { throw RequestError(message: "input \(name) needs \"data\"") }
      var flat: [JSONValue] = []
      flatten(data, into: &flat)
      let expected = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
      guard expected == flat.count else {
        throw RequestError(
          message: "input \(name) has shape \(shape), which needs \(expected) elements, but data has \(flat.count)")
      }
      let storage = try decode(flat, datatype: datatype, name: name)
      do {
        request.inputs[name] = try Tensor(shape: shape, storage: storage)
      } catch {
        throw RequestError(message: error.message)
      }
    }
    if case .array(let outputs)? = document["outputs"] {
      var names: [String] = []
      for o in outputs {
        guard case .string(let n)? = o["name"] else {
          throw RequestError(message: "each requested output needs a \"name\"")
        }
        names.append(n)
      }
      request.requestedOutputs = names
    }
    return request
  }

  private static func flatten(_ value: JSONValue, into out: inout [JSONValue]) {
    if case .array(let items) = value {
      for item in items { flatten(item, into: &out) }
    } else {
      out.append(value)
    }
  }

  private static func decode(_ flat: [JSONValue], datatype: String, name: String) throws(RequestError) -> Tensor.Storage
  {
    func numbers() throws(RequestError) -> [Double] {
      var out: [Double] = []
      out.reserveCapacity(flat.count)
      for v in flat {
        switch v {
        case .number(let d): out.append(d)
        case .bool(let b): out.append(b ? 1 : 0)
        default: throw RequestError(message: "input \(name) has \(datatype) data with a value that is not a number")
        }
      }
      return out
    }
    func integers() throws(RequestError) -> [Int64] {
      var out: [Int64] = []
      for d in try numbers() {
        guard d == d.rounded(), abs(d) < 9.2e18 else {
          throw RequestError(message: "input \(name) has \(datatype) data with a value that is not an integer")
        }
        out.append(Int64(d))
      }
      return out
    }
    switch datatype {
    case "FP32": return .float(try numbers().map { Float($0) })
    case "FP64": return .double(try numbers())
    case "INT64": return .int64(try integers())
    case "INT32":
      let values = try integers()
      guard values.allSatisfy({ Int64(Int32.min)...Int64(Int32.max) ~= $0 }) else {
        throw RequestError(message: "input \(name) has INT32 data out of range")
      }
      return .int32(values.map { Int32($0) })
    case "BOOL":
      var out: [Bool] = []
      for v in flat {
        switch v {
        case .bool(let b): out.append(b)
        case .number(let d) where d == 0 || d == 1: out.append(d == 1)
        default: throw RequestError(message: "input \(name) has BOOL data with a value that is not a boolean")
        }
      }
      return .bool(out)
    case "BYTES":
      var out: [String] = []
      for v in flat {
        guard case .string(let s) = v else {
          throw RequestError(message: "input \(name) has BYTES data with a value that is not a string")
        }
        out.append(s)
      }
      return .string(out)
    default:
      throw RequestError(
        message: "input \(name) has datatype \(datatype); use one of FP32, FP64, INT64, INT32, BOOL, BYTES")
    }
  }

  /// Writes `{"model_name","model_version","id","outputs":[...]}`.
  static func response(
    outputs: ModelOutputs, request: InferRequest, served: ServedModel
  ) throws(RequestError) -> [UInt8] {
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
        throw RequestError(
          message: "\(name) is not an output of this model; the outputs are "
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

extension ServerResponder {
  /// `POST /v2/models/{name}/infer`: named tensors in, named tensors out, through `Model.run`.
  func infer(_ request: inout Request, served: ServedModel) async -> Response {
    switch mediaType(request.headers[.contentType]) {
    case nil, "application/json": break
    case let type?:
      return .inferenceError(.unsupportedMediaType, "unsupported media type \(type); send application/json")
    }
    let body: [UInt8]
    switch await readBody(&request) {
    case .success(let bytes): body = bytes
    case .failure(let problem):
      // Keep the status, in the protocol's error form.
      var response = Response.inferenceError(problem.response.status, problem.response.status.reasonPhrase)
      response.headers[.connection] = problem.response.headers[.connection]
      return response
    }
    do throws(InferenceProtocol.RequestError) {
      let document: JSONValue
      do {
        document = try JSONParser.parse(body)
      } catch {
        throw InferenceProtocol.RequestError(message: "malformed JSON: \(error.reason) at byte \(error.offset)")
      }
      let parsed = try InferenceProtocol.parseRequest(document)
      let outputs: ModelOutputs
      do {
        outputs = try served.model.run(parsed.inputs)
      } catch {
        throw InferenceProtocol.RequestError(message: error.message)
      }
      return .json(bytes: try InferenceProtocol.response(outputs: outputs, request: parsed, served: served))
    } catch {
      return .inferenceError(.badRequest, error.message)
    }
  }
}

extension JSONWriter {
  /// Appends a 32-bit float in its own shortest form (so 0.9 stays 0.9, not 0.8999999761581421).
  mutating func float(_ value: Float) {
    guard value.isFinite else {
      raw("null")
      return
    }
    if value == value.rounded(), abs(value) < 1e7 {
      integer(Int64(value))
    } else {
      bytes.append(contentsOf: value.description.utf8)
    }
  }
}
