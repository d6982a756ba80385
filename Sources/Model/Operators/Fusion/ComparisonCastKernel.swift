/// A comparison and the Cast to float or double that alone reads its booleans, as one step
/// (`GraphCompiler.fuseComparisonCasts`): 1 and 0 of the target type are written directly,
/// what the Cast makes of true and false, without the booleans' tensor between. Inputs of
/// other types run the two nodes' own kernels in turn.
struct ComparisonCastKernel: Kernel {
  let order: Elementwise.Order
  /// Float or double.
  let target: ElementType
  let comparison: any Kernel
  let cast: any Kernel

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    let a = try inputs.tensor(0)
    let b = try inputs.tensor(1)
    switch (a.storage, b.storage) {
    case (.float(let x), .float(let y)): outputs.set(0, .tensor(try converted(x, a.shape, y, b.shape)))
    case (.double(let x), .double(let y)): outputs.set(0, .tensor(try converted(x, a.shape, y, b.shape)))
    case (.int64(let x), .int64(let y)): outputs.set(0, .tensor(try converted(x, a.shape, y, b.shape)))
    default:
      let booleans = try comparison.run([inputs[0], inputs[1]], outputCount: 1)
      guard let result = try cast.run(booleans, outputCount: 1).first ?? nil else {
        throw kernelError("a fused Cast computed no output")
      }
      outputs.set(0, result)
    }
  }

  @inline(__always)
  private func converted<T: Comparable>(_ x: [T], _ xShape: [Int], _ y: [T], _ yShape: [Int]) throws(ModelError)
    -> Tensor
  {
    if target == .double {
      let r = try Elementwise.comparedAsNumbers(x, xShape, y, yShape, order, as: Double.self)
      return Tensor(unchecked: r.shape, .double(r.values))
    }
    let r = try Elementwise.comparedAsNumbers(x, xShape, y, yShape, order, as: Float.self)
    return Tensor(unchecked: r.shape, .float(r.values))
  }
}
