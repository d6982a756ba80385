extension GraphCompiler {
  /// A node's work before the plan's steps are made: its kernel and slots, and what fusing
  /// needs to know of the node.
  typealias PendingStep = (
    kernel: any Kernel, inputs: [Int], outputs: [Int], label: String, key: OperatorKey, constantInputs: [Tensor?]
  )

  /// Folds into each MatMul the Add of a constant bias that alone reads its product, and into
  /// a MatMul, Gemm or Conv the Relu that alone reads the result (`EpilogueKernel`). `keep` holds
  /// the graph's output slots, which must stay written by their own nodes.
  static func fuseEpilogues(_ steps: [PendingStep], keep: Set<Int>) -> [PendingStep] {
    var readers: [Int: [Int]] = [:]
    for (index, step) in steps.enumerated() {
      for slot in step.inputs where slot >= 0 { readers[slot, default: []].append(index) }
    }
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
      if producer.key.opType == "MatMul", let (at, add) = soleReader(), add.key.opType == "Add", add.inputs.count == 2 {
        let biasFirst = add.inputs[1] == result
        if let constant = add.constantInputs[biasFirst ? 0 : 1] {
          bias = EpilogueKernel.Bias(tensor: constant, first: biasFirst, kernel: add.kernel)
          labels.append(add.label)
          removed.insert(at)
          result = add.outputs[0]
        }
      }
      if let (at, next) = soleReader(), next.key.opType == "Relu", next.inputs.count == 1 {
        relu = next.kernel
        labels.append(next.label)
        removed.insert(at)
        result = next.outputs[0]
      }
      guard bias != nil || relu != nil else { continue }
      fused[index].kernel = EpilogueKernel(producer: producerKernel, bias: bias, relu: relu)
      fused[index].outputs = [result]
      fused[index].label = labels.joined(separator: " fused with ")
    }
    return fused.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }
}
