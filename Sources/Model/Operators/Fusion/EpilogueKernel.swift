/// A step that runs a producer (MatMul, Gemm, Conv) and then, on the tensor it has just made, the
/// nodes that alone read it: adding a constant bias, Relu, and after a Conv a MaxPool.
/// onnxruntime fuses the same element-wise chains (MatMul + Add into Gemm, Gemm + Relu into
/// one kernel).
///
/// The epilogues change the product in place, so a one-row dense layer allocates one tensor
/// instead of three and costs one plan step instead of three: a step's bookkeeping outweighs
/// the arithmetic of a small layer. Each element gets the very operations the separate nodes
/// would apply, in the same order, so results are bit for bit those of the unfused graph.
struct EpilogueKernel: Kernel {
  /// An Add node whose other input is the constant `tensor`; `first` when the bias is the
  /// Add's first input. A class, so that reading it while running is one reference count
  /// (as a struct, the optimizer copied it field by field through the runtime's generic
  /// witnesses, costing more than the additions).
  final class Bias: Sendable {
    let tensor: Tensor
    let first: Bool
    let kernel: any Kernel

    init(tensor: Tensor, first: Bool, kernel: any Kernel) {
      self.tensor = tensor
      self.first = first
      self.kernel = kernel
    }
  }

  let producer: any TensorProducingKernel
  /// Added first, when there is one.
  let bias: Bias?
  /// A second constant added after the first (scikit-learn's BernoulliNB adds the
  /// feature-absent log probabilities, then the class priors), when there is one.
  let secondBias: Bias?
  /// Then the Relu node, when there is one.
  let relu: (any Kernel)?
  /// Then the pooling node (a Conv's MaxPool), when there is one.
  let pool: (any PoolingKernel)?
  /// What the producer may apply while it computes (a Float bias of one value per column,
  /// and the Relu when no second bias comes between), nil when the bias is of another kind.
  let inRegisters: ProductEpilogue?

  init(
    producer: any TensorProducingKernel, bias: Bias?, secondBias: Bias? = nil, relu: (any Kernel)?,
    pool: (any PoolingKernel)? = nil
  ) {
    self.producer = producer
    self.pool = pool
    self.bias = bias
    self.secondBias = secondBias
    self.relu = relu
    let reluInRegisters = relu != nil && secondBias == nil
    switch bias.map({ ProductEpilogue.columnBias($0.tensor) }) {
    case nil: inRegisters = ProductEpilogue(relu: reluInRegisters)
    case let columns??: inRegisters = ProductEpilogue(bias: columns, relu: reluInRegisters)
    case .some(nil): inRegisters = nil
    }
  }

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    if let pool, secondBias == nil, let inRegisters,
      let y = try producer.output(inputs, epilogue: inRegisters, pooledBy: pool)
    {
      outputs.set(0, .tensor(y))
      return
    }
    var y = try product(inputs)
    if let pool { y = try pool.pooled(y) }
    outputs.set(0, .tensor(y))
  }

  /// The producer's output with the biases and the Relu applied.
  private func product(_ inputs: KernelInputs) throws(ModelError) -> Tensor {
    if let inRegisters, var y = try producer.output(inputs, epilogue: inRegisters) {
      if let secondBias {
        try Self.add(secondBias, to: &y)
        try applyRelu(&y)
      }
      return y
    }
    var y = try producer.output(inputs)
    if let bias { try Self.add(bias, to: &y) }
    if let secondBias { try Self.add(secondBias, to: &y) }
    try applyRelu(&y)
    return y
  }

  /// Adds `bias` to the product `y` as its Add node would, in place where it can.
  private static func add(_ bias: Bias, to y: inout Tensor) throws(ModelError) {
    if !addInPlace(bias.tensor, biasFirst: bias.first, to: &y) {
      y = try runAlone(
        bias.kernel, bias.first ? [.tensor(bias.tensor), .tensor(y)] : [.tensor(y), .tensor(bias.tensor)])
    }
  }

  /// Applies the Relu node, when there is one, to `y`, in place where it can.
  private func applyRelu(_ y: inout Tensor) throws(ModelError) {
    if let relu, !reluInPlace(&y) { y = try Self.runAlone(relu, [.tensor(y)]) }
  }

  /// Adds `bias` to `x` in place when `x` keeps its shape and both have the same
  /// floating-point type (`combineInPlace`); false, untouched, otherwise.
  private static func addInPlace(_ bias: Tensor, biasFirst: Bool, to x: inout Tensor) -> Bool {
    let shape = x.shape
    var done = false
    // Matched on the bias and the product's type alone: a copy of the product's storage alive
    // here would make changing it copy the elements. The two orders are the same sum (IEEE
    // addition commutes); each is kept as the node wrote it, as its own literal so that the
    // loop vectorizes.
    switch bias.storage {
    case .float(let b) where x.elementType == .float:
      x.storage.updateFloats { v in
        done =
          biasFirst
          ? combineInPlace(&v, shape, b, bias.shape) { $1 + $0 } : combineInPlace(&v, shape, b, bias.shape) { $0 + $1 }
      }
    case .double(let b) where x.elementType == .double:
      x.storage.updateDoubles { v in
        done =
          biasFirst
          ? combineInPlace(&v, shape, b, bias.shape) { $1 + $0 } : combineInPlace(&v, shape, b, bias.shape) { $0 + $1 }
      }
    default: return false
    }
    return done
  }

  /// Runs a fused node's own kernel on `inputs`, for the cases the in-place paths leave.
  private static func runAlone(_ kernel: any Kernel, _ inputs: [Value]) throws(ModelError) -> Tensor {
    guard let result = try kernel.run(inputs, outputCount: 1).first ?? nil else {
      throw kernelError("a fused node computed no output")
    }
    return try Optional(result).tensor(0)
  }
}
