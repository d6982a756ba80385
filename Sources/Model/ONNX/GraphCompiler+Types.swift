extension GraphCompiler {
  /// A node's work before the plan's steps are made: its kernel and slots, and what fusing
  /// needs to know of the node.
  typealias PendingStep = (
    kernel: any Kernel, inputs: [Int], outputs: [Int], label: String, key: OperatorKey, constantInputs: [Tensor?],
    node: Onnx_NodeProto
  )

  /// The element type of each output of `node` that follows from the node alone and the
  /// known element types of its inputs (nil where unknown), for the operators whose outputs
  /// exporters commonly cast again: a Cast to the type its input already has is then a second
  /// name for the value, as an Identity is, rather than a step of every run. Only rules that
  /// hold for every input the kernels accept are written here.
  static func outputElementTypes(of node: Onnx_NodeProto, inputs: [ElementType?]) -> [ElementType?] {
    let first = inputs.first ?? nil
    // A classifier's label is int64 unless it has string labels; its scores are Float.
    func classifier() -> [ElementType?] {
      [(node.attribute(named: "classlabels_strings")?.strings.isEmpty ?? true) ? .int64 : .string, .float]
    }
    switch (node.domain == "ai.onnx" ? "" : node.domain, node.opType) {
    case ("", "Cast"): return [node.castTarget]
    case ("", "ArgMax"), ("", "ArgMin"): return [.int64]
    case ("", "Identity"), ("", "Reshape"), ("", "Flatten"), ("", "Squeeze"), ("", "Unsqueeze"):
      return [first]
    case (OperatorRegistry.mlDomain, "ArrayFeatureExtractor"): return [first]
    case (OperatorRegistry.mlDomain, "Scaler"), (OperatorRegistry.mlDomain, "Normalizer"): return [.float]
    case (OperatorRegistry.mlDomain, "TreeEnsembleClassifier"), (OperatorRegistry.mlDomain, "SVMClassifier"),
      (OperatorRegistry.mlDomain, "LinearClassifier"):
      return classifier()
    default: return []
    }
  }
}
