/// A classifier's label look-up as skl2onnx writes it, fused into one step
/// (`GraphCompiler.fuseLabelLookups`): ArgMax along the classes of the scores, the constant
/// classes picked at those indices (ArrayFeatureExtractor), reshaped to one label per row, and
/// cast, before or after the reshape, as the graph casts them.
///
/// A matrix of scores of one column per class takes the direct path: the same index search
/// (`Reductions.bestIndices`, ties to the first, NaN never best), the same pick and the same
/// conversions in the same order (`cast`, applied to the classes once at load; a reshape
/// changes no value), without the tensors in between. Any other input runs the fused nodes' own kernels one after the other, so every
/// result and error is theirs.
struct LabelLookupKernel: Kernel {
  /// One fused node's kernel, and what it reads besides the value before it.
  struct Link: Sendable {
    enum Role: Sendable {
      /// Reads the value before it alone (ArgMax, Cast).
      case plain
      /// Reads the classes, then the indices (ArrayFeatureExtractor).
      case extractor
      /// Reads the value before it, then the constant shape (Reshape).
      case reshape
    }
    let kernel: any Kernel
    let role: Role
  }

  let classes: Tensor
  /// The Casts' types, in the graph's order.
  let casts: [ElementType]
  /// The fused nodes, in the graph's order.
  let chain: [Link]
  /// The Reshape's constant shape ([-1]).
  let shape: Tensor
  /// The classes converted by `casts` once, here, when they convert: a cast converts each
  /// element alone, so picking from these is casting what is picked. Nil when a conversion
  /// fails, which the direct path then reports as it runs.
  let castClasses: Tensor?

  init(classes: Tensor, casts: [ElementType], chain: [Link], shape: Tensor) {
    self.classes = classes
    self.casts = casts
    self.chain = chain
    self.shape = shape
    var converted: Tensor? = classes
    for type in casts { converted = converted.flatMap { try? cast($0, to: type) } }
    castClasses = converted
  }

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    let scores = try inputs.tensor(0)
    if scores.rank == 2, scores.shape[1] == classes.count, scores.shape[0] > 0, case .float(let v) = scores.storage {
      let n = scores.shape[0]
      let best = Reductions.bestIndices(v, outer: n, n: classes.count, inner: 1, greater: true, last: false)
      if let castClasses {
        outputs.set(0, .tensor(Tensor(unchecked: [n], castClasses.storage.picking(count: n) { Int(best[$0]) })))
        return
      }
      var labels = Tensor(unchecked: [n], classes.storage.picking(count: n) { Int(best[$0]) })
      for type in casts { labels = try cast(labels, to: type) }
      outputs.set(0, .tensor(labels))
      return
    }
    var value: Value? = .tensor(scores)
    for link in chain {
      let operands: [Value?]
      switch link.role {
      case .plain: operands = [value]
      case .extractor: operands = [.tensor(classes), value]
      case .reshape: operands = [value, .tensor(shape)]
      }
      value = try link.kernel.run(operands, outputCount: 1).first ?? nil
    }
    guard let value else { throw kernelError("the label look-up computed no label") }
    outputs.set(0, value)
  }
}
