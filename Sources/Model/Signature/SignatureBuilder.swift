import Foundation

/// Discovers a model's signature: its named features, its task, its classes and
/// which outputs carry the label, the probabilities or the regressed value.
struct SignatureBuilder {
  let graph: Onnx_GraphProto
  let compiled: GraphCompiler.Result
  let metadata: [String: String]
  let schema: FeatureSchema?
  let source: String

  func build() throws(ModelError) -> (signature: Signature, roles: OutputRoles) {
    let inputs = try compiled.inputs.map { (v) throws(ModelError) in try tensorInfo(v, role: "input") }
    let outputs = try graph.output.map { (v) throws(ModelError) in try tensorInfo(v, role: "output") }
    for info in inputs where info.elementType == nil {
      throw ModelError(.unsupported, "\(source): input \(info.name) is not a tensor; fathom feeds tensors only")
    }
    var features = try discoverFeatures(inputs)
    try applySchema(&features)

    var roles = OutputRoles()
    for (index, output) in outputs.enumerated() {
      switch output.kind {
      case .sequenceOfMaps:
        if roles.probabilities == nil { roles.probabilities = index }
      case .tensor(let type, let shape):
        if type == .string || type == .int64 || type == .int32, roles.label == nil, shape.count <= 1 {
          roles.label = index
        } else if type == .float || type == .double {
          if roles.label != nil, roles.probabilities == nil {
            roles.probabilities = index
          } else if roles.value == nil {
            roles.value = index
          }
        }
      }
    }
    let labels = classLabels(roles: roles, outputs: outputs)
    let isClassifier = roles.label != nil && (roles.probabilities != nil || !labels.isEmpty)
    if isClassifier {
      roles.value = nil
    } else {
      roles.label = nil
      roles.probabilities = nil
    }
    let description =
      schema?.description ?? metadata["description"]
      ?? (graph.docString.isEmpty ? nil : graph.docString)
    let signature = Signature(
      inputs: inputs, outputs: outputs, features: features,
      task: isClassifier ? .classification : .regression,
      classLabels: isClassifier ? labels : [], description: description)
    return (signature, roles)
  }

  // MARK: Types

  private func tensorInfo(_ value: Onnx_ValueInfoProto, role: String) throws(ModelError) -> TensorInfo {
    switch value.type.value {
    case .tensorType(let t):
      guard let type = ONNXDataType.elementType(t.elemType) else {
        throw ModelError(
          .unsupported,
          "\(source): \(role) \(value.name) has element type \(ONNXDataType.name(t.elemType)); fathom supports "
            + ElementType.allCases.map(\.rawValue).joined(separator: ", "))
      }
      let dims: [Dimension] = t.shape.dim.map { d in
        switch d.value {
        case .dimValue(let n): .fixed(Int(clamping: n))
        case .dimParam(let p): .dynamic(p.isEmpty ? nil : p)
        case nil: .dynamic(nil)
        }
      }
      return TensorInfo(name: value.name, kind: .tensor(type, dims))
    case .sequenceType(let s):
      if case .mapType(let m)? = s.elemType.value,
        let key = ONNXDataType.elementType(m.keyType),
        case .tensorType(let v)? = m.valueType.value, let valueType = ONNXDataType.elementType(v.elemType)
      {
        return TensorInfo(name: value.name, kind: .sequenceOfMaps(key: key, value: valueType))
      }
      throw ModelError(.unsupported, "\(source): \(role) \(value.name) is a sequence fathom does not support")
    case nil:
      // Some exporters leave intermediate output types empty; treat as a float tensor of unknown shape.
      return TensorInfo(name: value.name, kind: .tensor(.float, []))
    default:
      throw ModelError(.unsupported, "\(source): \(role) \(value.name) has a type fathom does not support")
    }
  }

  // MARK: Features

  /// The most features a model may declare. Every feature gets a name, a validator and a
  /// slot in each request, so a declared width of 10^12 would be allocated before anything
  /// runs; wide text models are fed as one tensor, not as named features.
  static let maxFeatures = 100_000
  /// The most classes read from a probabilities output's declared width.
  static let maxClasses = 100_000

  /// A declared column count, checked before anything is allocated for it.
  private func checkedWidth(_ n: Int, of input: String) throws(ModelError) -> Int {
    guard n >= 0 else {
      throw ModelError(.invalidGraph, "\(source): the input \(input) declares a negative number of columns (\(n))")
    }
    guard n <= Self.maxFeatures else { throw tooManyFeatures(n, input: input) }
    return n
  }

  private func tooManyFeatures(_ n: Int, input: String? = nil) -> ModelError {
    let what = input.map { "the input \($0) declares \(n) columns" } ?? "the inputs declare \(n) features"
    return ModelError(
      .unsupported,
      "\(source): \(what), more than the \(Self.maxFeatures) named features fathom supports; "
        + "check the model's input shape")
  }

  private func discoverFeatures(_ inputs: [TensorInfo]) throws(ModelError) -> [Feature] {
    var features: [Feature] = []
    if inputs.count == 1, let shape = inputs[0].shape, shape.count == 2 {
      let input = inputs[0]
      let names = metadataFeatureNames()
      let width: Int
      if case .fixed(let n) = shape[1] {
        width = try checkedWidth(n, of: input.name)
      } else if let names {
        width = names.count
      } else if let schema {
        width = schema.features.count
      } else {
        throw ModelError(
          .unsupported,
          "\(source): the input \(input.name) has an unknown number of columns and nothing names them; "
            + "add a sidecar schema (see docs) listing the features")
      }
      var chosen = (0..<width).map { "x\($0)" }
      if let names, names.count == width {
        chosen = names
      } else if let schema, schema.features.count == width {
        chosen = schema.features.map(\.name)
      }
      for (column, name) in chosen.enumerated() {
        features.append(
          Feature(
            name: name, type: featureType(input.elementType ?? .float),
            binding: .init(input: 0, column: column)))
      }
    } else {
      for (index, input) in inputs.enumerated() {
        let shape = input.shape ?? []
        var width = 1
        if shape.count >= 2, case .fixed(let n) = shape[shape.count - 1] {
          width = try checkedWidth(n, of: input.name)
        }
        guard features.count + width <= Self.maxFeatures else { throw tooManyFeatures(features.count + width) }
        for column in 0..<width {
          let name = width == 1 ? input.name : "\(input.name)_\(column)"
          var type = featureType(input.elementType ?? .float)
          if case .string = type, let categories = oneHotCategories(for: input.name) {
            type = .category(categories)
          }
          features.append(Feature(name: name, type: type, binding: .init(input: index, column: column)))
        }
      }
    }
    var seen = Set<String>()
    for f in features where !seen.insert(f.name).inserted {
      throw ModelError(.invalidGraph, "\(source): two features are named \(f.name)")
    }
    return features
  }

  private func featureType(_ type: ElementType) -> FeatureType {
    switch type {
    case .float, .double: .number
    case .int64, .int32: .integer
    case .bool: .boolean
    case .string: .string
    }
  }

  /// The `feature_names` metadata entry: a JSON array or a comma-separated list.
  private func metadataFeatureNames() -> [String]? {
    guard let raw = metadata["feature_names"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
      return nil
    }
    if raw.hasPrefix("["), let data = raw.data(using: .utf8),
      let names = try? JSONDecoder().decode([String].self, from: data)
    {
      return names
    }
    return raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
  }

  /// The categories of a OneHotEncoder that reads the input directly.
  private func oneHotCategories(for input: String) -> [String]? {
    for node in compiled.nodes where node.opType == "OneHotEncoder" && node.input.first == input {
      let cats = node.attribute.first { $0.name == "cats_strings" }?.strings ?? []
      if !cats.isEmpty { return cats.map { String(decoding: $0, as: UTF8.self) } }
    }
    return nil
  }

  private func applySchema(_ features: inout [Feature]) throws(ModelError) {
    guard let schema else { return }
    let known = features.map(\.name)
    for entry in schema.features {
      guard let index = features.firstIndex(where: { $0.name == entry.name }) else {
        var message = "\(source): the schema describes \(entry.name), which is not a feature of the model"
        if let near = nearestName(to: entry.name, in: known) { message += " (did you mean \(near)?)" }
        throw ModelError(.invalidSchema, message + "; the features are " + known.joined(separator: ", "))
      }
      var f = features[index]
      switch entry.type {
      case "category": f.type = .category(entry.categories ?? f.categories ?? [])
      case "integer": f.type = .integer
      case "boolean": f.type = .boolean
      case "string": f.type = .string
      case "number": f.type = .number
      default: if let cats = entry.categories { f.type = .category(cats) }
      }
      f.minimum = entry.min
      f.maximum = entry.max
      f.defaultValue = entry.default?.featureValue
      f.description = entry.description
      f.unit = entry.unit
      features[index] = f
    }
  }

  // MARK: Classes

  /// The classes, found by walking back from the label output to the node that
  /// chose it; failing that, any classifier or ZipMap in the graph.
  private func classLabels(roles: OutputRoles, outputs: [TensorInfo]) -> [ClassLabel] {
    var producer: [String: Onnx_NodeProto] = [:]
    for node in compiled.nodes { for o in node.output { producer[o] = node } }
    if let index = roles.label {
      var name = outputs[index].name
      var hops = 0
      while let node = producer[name], hops < 16 {
        if let labels = labelsFromAttributes(node) { return labels }
        if node.opType == "ArrayFeatureExtractor" || node.opType == "Gather",
          let classes = compiled.constants[node.input[0]]
        {
          return labelsFromTensor(classes)
        }
        guard let next = node.input.first, !next.isEmpty else { break }
        name = next
        hops += 1
      }
    }
    for node in compiled.nodes {
      if let labels = labelsFromAttributes(node) { return labels }
    }
    if let p = roles.probabilities, let shape = outputs[p].shape, shape.count == 2,
      case .fixed(let n) = shape[1], n >= 0, n <= Self.maxClasses
    {
      return (0..<n).map { .int(Int64($0)) }
    }
    return []
  }

  private func labelsFromAttributes(_ node: Onnx_NodeProto) -> [ClassLabel]? {
    guard node.domain == OperatorRegistry.mlDomain else { return nil }
    for a in node.attribute {
      if a.name == "classlabels_strings" || a.name == "classlabels_stringss", !a.strings.isEmpty {
        return a.strings.map { .string(String(decoding: $0, as: UTF8.self)) }
      }
      if a.name == "classlabels_int64s" || a.name == "classlabels_ints", !a.ints.isEmpty {
        return a.ints.map(ClassLabel.int)
      }
    }
    return nil
  }

  private func labelsFromTensor(_ t: Tensor) -> [ClassLabel] {
    switch t.storage {
    case .string(let s): s.map(ClassLabel.string)
    case .int64(let v): v.map(ClassLabel.int)
    case .int32(let v): v.map { .int(Int64($0)) }
    default: t.storage.strings.map(ClassLabel.string)
    }
  }
}
