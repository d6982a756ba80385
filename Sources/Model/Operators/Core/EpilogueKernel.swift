/// A step that runs a producer (MatMul, Gemm, Conv) and then, on the tensor it has just made, the
/// element-wise nodes that alone read it: adding a constant bias, Relu. onnxruntime fuses the
/// same chains (MatMul + Add into Gemm, Gemm + Relu into one kernel).
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
  /// Then the Relu node, when there is one.
  let relu: (any Kernel)?
  /// Both as the producer may apply them while it computes (a Float bias of one value per
  /// column), nil when the bias is of another kind.
  let inRegisters: ProductEpilogue?

  init(producer: any TensorProducingKernel, bias: Bias?, relu: (any Kernel)?) {
    self.producer = producer
    self.bias = bias
    self.relu = relu
    switch bias.map({ ProductEpilogue.columnBias($0.tensor) }) {
    case nil: inRegisters = ProductEpilogue(relu: relu != nil)
    case let columns??: inRegisters = ProductEpilogue(bias: columns, relu: relu != nil)
    case .some(nil): inRegisters = nil
    }
  }

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    if let inRegisters, let y = try producer.output(inputs, epilogue: inRegisters) {
      outputs.set(0, .tensor(y))
      return
    }
    var y = try producer.output(inputs)
    try finish(&y)
    outputs.set(0, .tensor(y))
  }

  /// Applies the epilogues to the product `y`, in place where they can.
  private func finish(_ y: inout Tensor) throws(ModelError) {
    if let bias, !Self.addInPlace(bias.tensor, biasFirst: bias.first, to: &y) {
      y = try Self.runAlone(
        bias.kernel, bias.first ? [.tensor(bias.tensor), .tensor(y)] : [.tensor(y), .tensor(bias.tensor)])
    }
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
