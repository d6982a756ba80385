extension GraphCompiler {
  /// Folds into each MatMul the Add of a constant bias that alone reads its product (and a
  /// second such Add after it), into a MatMul, Gemm or Conv the Relu that alone reads the
  /// result, and into a Conv the MaxPool without indices that alone reads what comes before
  /// (`EpilogueKernel`). `keep` holds the graph's output slots, which must stay written
  /// by their own nodes.
  static func fuseEpilogues(_ steps: [PendingStep], keep: Set<Int>) -> [PendingStep] {
    let readers = readersBySlot(steps)
    var fused = steps
    var removed = Set<Int>()
    for index in steps.indices where !removed.contains(index) {
      let producer = steps[index]
      guard producer.key.domain == "", ["MatMul", "Gemm", "Conv"].contains(producer.key.opType),
        producer.outputs.count == 1, let producerKernel = producer.kernel as? any TensorProducingKernel
      else { continue }
      var bias: EpilogueKernel.Bias?
      var relu: (any Kernel)?
      var labels = [producer.label]
      var result = producer.outputs[0]
      // The single reader of the value so far (its index and step), when that is all that
      // reads it.
      func soleReader() -> (index: Int, step: PendingStep)? {
        guard result >= 0, !keep.contains(result), let r = readers[result], r.count == 1, !removed.contains(r[0]),
          steps[r[0]].key.domain == "", steps[r[0]].outputs.count == 1
        else { return nil }
        return (r[0], steps[r[0]])
      }
      /// The Add of a constant that alone reads the value so far, taken into the chain.
      func constantAdd() -> EpilogueKernel.Bias? {
        guard let (at, add) = soleReader(), add.key.opType == "Add", add.inputs.count == 2 else { return nil }
        let biasFirst = add.inputs[1] == result
        guard let constant = add.constantInputs[biasFirst ? 0 : 1] else { return nil }
        labels.append(add.label)
        removed.insert(at)
        result = add.outputs[0]
        return EpilogueKernel.Bias(tensor: constant, first: biasFirst, kernel: add.kernel)
      }
      var secondBias: EpilogueKernel.Bias?
      if producer.key.opType == "MatMul" {
        bias = constantAdd()
        if bias != nil { secondBias = constantAdd() }
      }
      if let (at, next) = soleReader(), next.key.opType == "Relu", next.inputs.count == 1 {
        relu = next.kernel
        labels.append(next.label)
        removed.insert(at)
        result = next.outputs[0]
      }
      // `soleReader` takes a node of one output only: never a MaxPool that gives its indices.
      var pool: (any PoolingKernel)?
      if producer.key.opType == "Conv", let (at, next) = soleReader(), next.key.opType == "MaxPool",
        next.inputs.count == 1, let kernel = next.kernel as? any PoolingKernel
      {
        pool = kernel
        labels.append(next.label)
        removed.insert(at)
        result = next.outputs[0]
      }
      guard bias != nil || relu != nil || pool != nil else { continue }
      fused[index].kernel = EpilogueKernel(
        producer: producerKernel, bias: bias, secondBias: secondBias, relu: relu, pool: pool)
      fused[index].outputs = [result]
      fused[index].label = labels.joined(separator: " fused with ")
    }
    return fused.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }

  /// Fuses the label look-up skl2onnx writes after a classifier's scores — ArgMax along the
  /// classes, ArrayFeatureExtractor from the constant classes, Reshape to [-1], and the Casts
  /// before or after the Reshape that bring the classes to the label's type — into one step
  /// (`LabelLookupKernel`), when each value between them is read by the next node alone and
  /// is no graph output: on one row, the steps' tensors and bookkeeping cost more than the
  /// arithmetic of a small network.
  static func fuseLabelLookups(_ steps: [PendingStep], keep: Set<Int>) -> [PendingStep] {
    let readers = readersBySlot(steps)
    /// The step that alone reads `slot`, when `slot` is no graph output.
    func soleReader(of slot: Int) -> Int? {
      guard slot >= 0, !keep.contains(slot), let r = readers[slot], r.count == 1 else { return nil }
      return r[0]
    }
    var fused = steps
    var removed = Set<Int>()
    for (index, argMax) in steps.enumerated() where !removed.contains(index) {
      guard argMax.key == OperatorKey(domain: "", opType: "ArgMax"), argMax.inputs.count == 1,
        argMax.outputs.count == 1, (argMax.node.attribute(named: "select_last_index")?.i ?? 0) == 0,
        let axis = argMax.node.attribute(named: "axis")?.i, axis == 1 || axis == -1,
        let e = soleReader(of: argMax.outputs[0]), !removed.contains(e)
      else { continue }
      let extractor = steps[e]
      guard extractor.key == OperatorKey(domain: OperatorRegistry.mlDomain, opType: "ArrayFeatureExtractor"),
        extractor.inputs.count == 2, extractor.inputs[1] == argMax.outputs[0], extractor.inputs[0] != argMax.outputs[0],
        extractor.outputs.count == 1, let classes = extractor.constantInputs.first ?? nil, classes.rank == 1,
        classes.count > 0
      else { continue }
      var chain: [LabelLookupKernel.Link] = [.init(kernel: argMax.kernel, role: .plain)]
      chain.append(.init(kernel: extractor.kernel, role: .extractor))
      var labels = [argMax.label, extractor.label]
      var taken = [e]
      var result = extractor.outputs[0]
      var casts: [ElementType] = []
      /// The Casts that follow `result`, each read by the next alone.
      func followCasts() {
        while let c = soleReader(of: result), !removed.contains(c), !taken.contains(c),
          let type = steps[c].node.castTarget, steps[c].inputs == [result], steps[c].outputs.count == 1
        {
          casts.append(type)
          chain.append(.init(kernel: steps[c].kernel, role: .plain))
          labels.append(steps[c].label)
          taken.append(c)
          result = steps[c].outputs[0]
        }
      }
      followCasts()
      guard let r = soleReader(of: result), !removed.contains(r), !taken.contains(r) else { continue }
      let reshape = steps[r]
      guard reshape.key == OperatorKey(domain: "", opType: "Reshape"), reshape.inputs.count == 2,
        reshape.inputs[0] == result, reshape.outputs.count == 1,
        reshape.constantInputs.count == 2, let shape = reshape.constantInputs[1],
        (try? shape.integers("shape")) == [-1]
      else { continue }
      chain.append(.init(kernel: reshape.kernel, role: .reshape))
      labels.append(reshape.label)
      taken.append(r)
      result = reshape.outputs[0]
      followCasts()
      fused[index].kernel = LabelLookupKernel(classes: classes, casts: casts, chain: chain, shape: shape)
      fused[index].outputs = [result]
      fused[index].label = labels.joined(separator: " fused with ")
      removed.formUnion(taken)
    }
    return fused.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }

  /// Folds into each comparison the Cast to float or double that alone reads its booleans
  /// (`ComparisonCastKernel`): scikit-learn's BernoulliNB and Binarizer compare with a
  /// threshold and cast the result, and on one row the booleans' tensor and the Cast's step
  /// cost more than the comparison.
  static func fuseComparisonCasts(_ steps: [PendingStep], keep: Set<Int>) -> [PendingStep] {
    let readers = readersBySlot(steps)
    var fused = steps
    var removed = Set<Int>()
    for (index, comparison) in steps.enumerated() where !removed.contains(index) {
      guard comparison.key.domain == "", let order = Elementwise.orders[comparison.key.opType],
        comparison.inputs.count == 2, comparison.outputs.count == 1, comparison.outputs[0] >= 0,
        !keep.contains(comparison.outputs[0]), let r = readers[comparison.outputs[0]], r.count == 1,
        !removed.contains(r[0])
      else { continue }
      let cast = steps[r[0]]
      guard let target = cast.node.castTarget, target == .float || target == .double,
        cast.inputs == [comparison.outputs[0]], cast.outputs.count == 1
      else { continue }
      fused[index].kernel = ComparisonCastKernel(
        order: order, target: target, comparison: comparison.kernel, cast: cast.kernel)
      fused[index].outputs = cast.outputs
      fused[index].label = "\(comparison.label) fused with \(cast.label)"
      removed.insert(r[0])
    }
    return fused.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }

  /// For each slot, the indices of the steps that read it, in order.
  private static func readersBySlot(_ steps: [PendingStep]) -> [Int: [Int]] {
    var readers: [Int: [Int]] = [:]
    for (index, step) in steps.enumerated() {
      for slot in step.inputs where slot >= 0 { readers[slot, default: []].append(index) }
    }
    return readers
  }
}
