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

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
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
    if let relu, !Self.reluInPlace(&y) { y = try Self.runAlone(relu, [.tensor(y)]) }
  }

  /// Adds `bias` to every row of `x` when the bias is one row as wide as the product's last
  /// dimension and both have the same floating-point type; false, untouched, otherwise.
  private static func addInPlace(_ bias: Tensor, biasFirst: Bool, to x: inout Tensor) -> Bool {
    guard let width = x.shape.last, width > 0, bias.count == width, bias.rank <= x.rank,
      bias.shape.dropLast().allSatisfy({ $0 == 1 })
    else { return false }
    // Matched on the bias and the product's type alone: a copy of the product's storage alive
    // here would make changing it copy the elements.
    switch bias.storage {
    case .float(let b) where x.elementType == .float:
      x.storage.updateFloats { v in addRows(b, biasFirst: biasFirst, to: &v) }
    case .double(let b) where x.elementType == .double:
      x.storage.updateDoubles { v in addRows(b, biasFirst: biasFirst, to: &v) }
    default: return false
    }
    return true
  }

  private static func addRows<T: BinaryFloatingPoint>(_ b: [T], biasFirst: Bool, to v: inout [T]) {
    let width = b.count
    v.withUnsafeMutableBufferPointer { v in
      b.withUnsafeBufferPointer { b in
        // The two orders are the same sum (IEEE addition commutes); kept as the node wrote
        // them all the same, in two loops so that each is vectorized.
        var start = 0
        while start < v.count {
          // Wrapping offsets (below v.count) keep overflow checks out of the vectorized loops.
          if biasFirst {
            for j in 0..<width { v[start &+ j] = b[j] + v[start &+ j] }
          } else {
            for j in 0..<width { v[start &+ j] = v[start &+ j] + b[j] }
          }
          start += width
        }
      }
    }
  }

  /// Applies Relu to a floating-point `x` in place; false, untouched, for other types.
  private static func reluInPlace(_ x: inout Tensor) -> Bool {
    guard x.elementType == .float || x.elementType == .double else { return false }
    x.storage.updateFloats { v in
      v.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] = max(v[i], 0) } }
    }
    x.storage.updateDoubles { v in
      v.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] = max(v[i], 0) } }
    }
    return true
  }

  /// Runs a fused node's own kernel on `inputs`, for the cases the in-place paths leave.
  private static func runAlone(_ kernel: any Kernel, _ inputs: [Value]) throws(ModelError) -> Tensor {
    guard let result = try kernel.run(inputs, outputCount: 1).first ?? nil else {
      throw kernelError("a fused node computed no output")
    }
    return try Optional(result).tensor(0)
  }
}

extension Tensor.Storage {
  /// Calls `body` on the float elements, in place when they are not shared; does nothing for
  /// other types.
  mutating func updateFloats(_ body: (inout [Float]) -> Void) {
    guard case .float(var v) = self else { return }
    self = .bool([])
    body(&v)
    self = .float(v)
  }

  /// Calls `body` on the double elements, in place when they are not shared; does nothing
  /// for other types.
  mutating func updateDoubles(_ body: (inout [Double]) -> Void) {
    guard case .double(var v) = self else { return }
    self = .bool([])
    body(&v)
    self = .double(v)
  }
}
