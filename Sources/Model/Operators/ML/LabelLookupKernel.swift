/// A classifier's label look-up as skl2onnx writes it, fused into one step
/// (`GraphCompiler.fuseLabelLookups`): ArgMax along the classes of the scores, the constant
/// classes picked at those indices (ArrayFeatureExtractor), reshaped to one label per row, and
/// cast when the labels' type differs from the classes'.
///
/// A matrix of scores of one column per class takes the direct path: the same index search
/// (`Reductions.bestIndices`, ties to the first, NaN never best), the same pick and the same
/// conversion (`cast`), without the three tensors in between. Any other input runs the fused
/// nodes' own kernels one after the other, so every result and error is theirs.
struct LabelLookupKernel: Kernel {
  let classes: Tensor
  /// The Cast's type, when the chain ends in one.
  let target: ElementType?
  /// ArgMax, ArrayFeatureExtractor, Reshape and the Cast if any, in that order.
  let chain: [any Kernel]
  /// The Reshape's constant shape ([-1]).
  let shape: Tensor

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    let scores = try inputs.tensor(0)
    if scores.rank == 2, scores.shape[1] == classes.count, scores.shape[0] > 0, case .float(let v) = scores.storage {
      let n = scores.shape[0]
      let best = Reductions.bestIndices(v, outer: n, n: classes.count, inner: 1, greater: true, last: false)
      var labels = Tensor(unchecked: [n], classes.storage.picking(count: n) { Int(best[$0]) })
      if let target { labels = try cast(labels, to: target) }
      outputs.set(0, .tensor(labels))
      return
    }
    var value: Value? = .tensor(scores)
    for (position, kernel) in chain.enumerated() {
      let operands: [Value?]
      switch position {
      case 1: operands = [.tensor(classes), value]
      case 2: operands = [value, .tensor(shape)]
      default: operands = [value]
      }
      value = try kernel.run(operands, outputCount: 1).first ?? nil
    }
    guard let value else { throw kernelError("the label look-up computed no label") }
    outputs.set(0, value)
  }
}
