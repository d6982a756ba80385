public import Foundation

/// A loaded ONNX model: immutable, `Sendable`, safe to predict with from many tasks at once.
public struct Model: Sendable {
  /// A short name: the file name without extension, or the built-in model's name.
  public let name: String
  /// What the model needs and gives.
  public let signature: Signature
  /// Facts about the file: producer, opsets, operators, size.
  public let info: ModelInfo

  let plan: ExecutionPlan
  let roles: OutputRoles
  let layout: FeatureLayout

  /// Loads a model file, and its sidecar `NAME.schema.json` when one lies beside it.
  /// - Parameters:
  ///   - url: the `.onnx` file.
  ///   - schema: a schema to use instead of the sidecar.
  /// - Throws: `ModelError` saying what is wrong with the file.
  public init(contentsOf url: URL, schema: FeatureSchema? = nil) throws(ModelError) {
    let data: Data
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw ModelError(.unreadableFile, "cannot read \(url.relativePath): it is a directory, not a model file")
    }
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ModelError(.unreadableFile, "cannot read \(url.relativePath): \(readableReason(error))")
    }
    var sidecar = schema
    if sidecar == nil {
      let schemaURL = url.deletingPathExtension().appendingPathExtension("schema.json")
      if let json = try? Data(contentsOf: schemaURL) {
        sidecar = try FeatureSchema(json: json, source: schemaURL.lastPathComponent)
      }
    }
    try self.init(
      data: data, name: url.deletingPathExtension().lastPathComponent, schema: sidecar,
      source: url.path)
  }

  /// Loads a model from bytes.
  /// - Parameters:
  ///   - data: the serialized ONNX `ModelProto`.
  ///   - name: the name to give the model.
  ///   - schema: what the file cannot say about its features.
  /// - Throws: `ModelError` saying what is wrong with the bytes.
  public init(data: Data, name: String, schema: FeatureSchema? = nil) throws(ModelError) {
    try self.init(data: data, name: name, schema: schema, source: name)
  }

  private init(data: Data, name: String, schema: FeatureSchema?, source: String) throws(ModelError) {
    let loaded = try ModelLoader.load(data: data, source: source, schema: schema)
    self.name = name
    self.signature = loaded.signature
    self.info = loaded.info
    self.plan = loaded.plan
    self.roles = loaded.roles
    self.layout = FeatureLayout(signature: loaded.signature, info: loaded.info)
  }
}

/// Facts about a model file.
public struct ModelInfo: Sendable {
  /// The ONNX IR version.
  public var irVersion: Int
  /// The opset version imported for each domain ("ai.onnx" for the default).
  public var opsets: [String: Int]
  /// The tool that wrote the file, such as "skl2onnx 1.20.0".
  public var producer: String
  /// The graph's name.
  public var graphName: String
  /// The model's metadata entries.
  public var metadata: [String: String]
  /// How many nodes use each operator.
  public var operatorCounts: [OperatorKey: Int]
  /// The file's size.
  public var byteCount: Int
  /// The SHA-256 of the file's bytes, in lowercase hex.
  public var sha256: String
}

/// Where each feature goes, worked out once so that a prediction does no searching.
struct FeatureLayout: Sendable {
  /// The position of each feature in `signature.features`, by name.
  let index: [String: Int]
  /// For each graph input: its width and the (feature, column) pairs that fill it.
  let columns: [(width: Int, features: [(feature: Int, column: Int)])]
  /// The model imputes missing numbers, so null and NaN are accepted.
  let acceptsMissingNumbers: Bool
  /// The graph outputs' names in order, shared by every `ModelOutputs` the model returns.
  let outputNames: [String]

  init(signature: Signature, info: ModelInfo) {
    var index: [String: Int] = [:]
    for (i, f) in signature.features.enumerated() { index[f.name] = i }
    self.index = index
    columns = signature.inputs.indices.map { input in
      let pairs = signature.features.enumerated().filter { $0.element.binding.input == input }
        .map { (feature: $0.offset, column: $0.element.binding.column) }
      return (width: (pairs.map(\.column).max() ?? -1) + 1, features: pairs)
    }
    acceptsMissingNumbers =
      info.operatorCounts[OperatorKey(domain: OperatorRegistry.mlDomain, opType: "Imputer")] != nil
    outputNames = signature.outputs.map(\.name)
  }
}

/// Which graph outputs carry the label, the probabilities and regressed values.
struct OutputRoles: Sendable {
  var label: Int?
  var probabilities: Int?
  var value: Int?
}

private func readableReason(_ error: any Error) -> String {
  let ns = error as NSError
  if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
    underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code))
  {
    return String(cString: strerror(code.rawValue))
  }
  if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError { return "no such file" }
  return ns.localizedDescription
}
