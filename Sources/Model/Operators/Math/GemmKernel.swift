/// Gemm: alpha·A'·B' + beta·C, A' and B' optionally transposed.
struct GemmKernel: TensorProducingKernel {
  let alpha: Float
  let beta: Float
  let transA: Bool
  let transB: Bool
  /// B as the product reads it (transposed when `transB`), when B is a constant: transposing
  /// a layer's weights on every request cost more than multiplying by them.
  let constantB: Tensor?
  /// C as the product adds it in its epilogue, when C is a constant row of Float values and
  /// beta is 1: read from its slot and checked on every run, it cost more reference counting
  /// than the additions.
  let constantBias: (values: [Float], rank: Int)?

  init(_ ctx: NodeContext) throws(ModelError) {
    alpha = try ctx.float("alpha", default: 1)
    beta = try ctx.float("beta", default: 1)
    transA = try ctx.int("transA", default: 0) != 0
    transB = try ctx.int("transB", default: 0) != 0
    if ctx.constantInputs.count > 1, let b = ctx.constantInputs[1], b.rank == 2 {
      constantB = transB ? try transpose(b, perm: [1, 0]) : b
    } else {
      constantB = nil
    }
    if beta == 1, ctx.constantInputs.count > 2, let c = ctx.constantInputs[2] {
      constantBias = ProductEpilogue.columnBias(c)
    } else {
      constantBias = nil
    }
  }

  /// Alone in its step, the kernel reads A once, so it takes A from its slot when the step
  /// reads it last.
  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    outputs.set(0, .tensor(try output(inputs, takingA: true)))
  }

  func output(_ inputs: KernelInputs) throws(ModelError) -> Tensor {
    try output(inputs, takingA: false)
  }

  private func output(_ inputs: KernelInputs, takingA: Bool) throws(ModelError) -> Tensor {
    try withOperands(inputs, takingA: takingA) { (a, b) throws(ModelError) in
      if let y = try product(a, b, inputs, epilogue: ProductEpilogue()) { return y }
      var y = try matmul(a, b)
      // Like onnxruntime, beta = 0 ignores C (so an infinite C does not make NaNs).
      guard let c = try inputs.optionalTensor(2), beta != 0 else {
        return alpha == 1 ? y : scale(y, by: Double(alpha))
      }
      // MLAS adds the bias in its epilogue as one fused alpha·AB + beta·C.
      let cc = beta == 1 ? c : scale(c, by: Double(beta))
      guard broadcastShape(y.shape, cc.shape) == y.shape else {
        throw kernelError("Gemm's C of shape \(c.shape) does not broadcast to the result's \(y.shape)")
      }
      let (alpha, shape) = (alpha, y.shape)
      switch cc.storage {
      case .float(let q) where y.elementType == .float:
        y.storage.updateFloats { p in addBias(q, cc.shape, to: &p, shape, alpha: alpha) }
      case .double(let q) where y.elementType == .double:
        y.storage.updateDoubles { p in addBias(q, cc.shape, to: &p, shape, alpha: Double(alpha)) }
      default: throw kernelError("Gemm's C must have A's element type")
      }
      return y
    }
  }

  /// The product with C added and `epilogue` applied to each element as it is computed, when
  /// alpha is 1 and C is absent, ignored (beta 0) or a row of Float values added as it is
  /// (beta 1): the dense layers exporters write. MLAS adds C in its epilogue too.
  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue) throws(ModelError) -> Tensor? {
    guard alpha == 1, epilogue.bias == nil else { return nil }
    return try withOperands(inputs, takingA: false) { (a, b) throws(ModelError) in
      try product(a, b, inputs, epilogue: epilogue)
    }
  }

  /// `output(_:epilogue:)` on A' and B' already taken from the inputs.
  private func product(_ a: Tensor, _ b: Tensor, _ inputs: KernelInputs, epilogue: ProductEpilogue)
    throws(ModelError) -> Tensor?
  {
    guard alpha == 1, epilogue.bias == nil else { return nil }
    var epilogue = epilogue
    if let constantBias {
      epilogue.bias = constantBias
    } else if beta != 0, let c = try inputs.optionalTensor(2) {
      guard beta == 1, let bias = ProductEpilogue.columnBias(c) else { return nil }
      epilogue.bias = bias
    }
    return try matmul(a, b, epilogue: epilogue)
  }

  /// `body` on A' and B': the inputs, transposed as the attributes say. They are lent to
  /// `body`, not returned, so that the constant B is not copied on every run. A is taken
  /// from its slot when `takingA` (`KernelInputs.take`).
  private func withOperands<R>(
    _ inputs: KernelInputs, takingA: Bool, _ body: (Tensor, Tensor) throws(ModelError) -> R
  ) throws(ModelError) -> R {
    var a = try takingA ? inputs.take(0) : inputs.tensor(0)
    if let constantB {
      guard a.rank == 2 else { throw kernelError("Gemm needs 2-D inputs, got \(a.shape) and \(constantB.shape)") }
      if transA { a = try transpose(a, perm: [1, 0]) }
      return try body(a, constantB)
    }
    var b = try inputs.tensor(1)
    guard a.rank == 2, b.rank == 2 else { throw kernelError("Gemm needs 2-D inputs, got \(a.shape) and \(b.shape)") }
    if transB { b = try transpose(b, perm: [1, 0]) }
    if transA { a = try transpose(a, perm: [1, 0]) }
    return try body(a, b)
  }
}

/// Sets each element `p` of a matrix of shape `shape` to `q + alpha·p` in one rounding, `q`
/// the element of `c` (of shape `cShape`, which broadcasts to `shape`) in its place: in place
/// for the usual biases (`combineInPlace`), through `broadcastBinary` for other shapes.
private func addBias<T: BinaryFloatingPoint & BitwiseCopyable>(
  _ c: [T], _ cShape: [Int], to p: inout [T], _ shape: [Int], alpha: T
) {
  if combineInPlace(&p, shape, c, cShape, { $1.addingProduct($0, alpha) }) { return }
  // `shape` is the broadcast shape (checked by the caller), so this cannot fail.
  if let r = try? broadcastBinary(p, shape, c, cShape, { $1.addingProduct($0, alpha) }) { p = r.values }
}

private func scale(_ t: Tensor, by s: Double) -> Tensor {
  switch t.storage {
  case .float(let v):
    let f = Float(s)
    return Tensor(unchecked: t.shape, .float(v.map { $0 * f }))
  case .double(let v): return Tensor(unchecked: t.shape, .double(v.map { $0 * s }))
  default: return t
  }
}
