import Model

/// The Open Inference Protocol V2's documents (KServe, Triton): server metadata, model
/// metadata (built once per model, in `ServedModel`) and model readiness.
enum InferenceDocuments {
  /// The platform name KServe and Triton clients expect of an ONNX model.
  static let platform = "onnx_onnxv1"

  /// `GET /v2`.
  static let serverMetadata = Array(#"{"name":"fathom","version":"1","extensions":[]}"#.utf8)

  /// A 404 when the path names another model or version than the one served.
  static func check(name: String, version: String?, served: ServedModel) throws(InferenceError) {
    guard name == served.model.name else {
      throw .notServed("Model \(name) is not served here; this server serves \(served.model.name)")
    }
    if let version, version != served.version {
      throw .notServed("Model \(name) has no version \(version); the served version is \(served.version)")
    }
  }

  /// `GET /v2/models/{name}/ready`.
  static func modelReady(_ served: ServedModel, ready: Bool) -> [UInt8] {
    var w = JSONWriter()
    w.raw("{")
    w.key("name")
    w.string(served.model.name)
    w.raw(",")
    w.key("ready")
    w.bool(ready)
    w.raw("}")
    return w.bytes
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
}
