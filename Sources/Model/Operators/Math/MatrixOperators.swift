/// Matrix products: MatMul and Gemm.
enum MatrixOperators {
  static var definitions: [OperatorDefinition] {
    [
      OperatorRegistry.define("", "MatMul") { (ctx) throws(ModelError) in MatMulKernel(ctx) },
      OperatorRegistry.define("", "Gemm") { (ctx) throws(ModelError) in try GemmKernel(ctx) },
    ]
  }
}

/// A kernel whose one output is a tensor it makes, which a fused step takes in hand to change
/// in place (`EpilogueKernel`).
protocol TensorProducingKernel: Kernel {
  func output(_ inputs: KernelInputs) throws(ModelError) -> Tensor
  /// The output with `epilogue` applied to each element as it is computed; nil, having
  /// computed nothing, when this kernel cannot do that for these inputs (the fused step then
  /// applies the epilogue to `output(_:)`'s result).
  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue) throws(ModelError) -> Tensor?
  /// The output with `epilogue` applied and then pooled by `pool` (which gives no indices),
  /// computed together; nil, having computed nothing, when this kernel cannot (the fused step
  /// then pools the output it gets as without `pool`).
  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue, pooledBy pool: MaxPoolKernel) throws(ModelError)
    -> Tensor?
}

extension TensorProducingKernel {
  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    outputs.set(0, .tensor(try output(inputs)))
  }

  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue) throws(ModelError) -> Tensor? { nil }

  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue, pooledBy pool: MaxPoolKernel) throws(ModelError)
    -> Tensor?
  { nil }
}

struct MatMulKernel: TensorProducingKernel {
  /// B when it is a constant (a layer's weights), held here: read from its slot, it was copied
  /// and released on every run.
  let constantB: Tensor?

  init(_ ctx: NodeContext) {
    constantB = ctx.constantInputs.count > 1 ? ctx.constantInputs[1] : nil
  }

  func output(_ inputs: KernelInputs) throws(ModelError) -> Tensor {
    if let constantB { return try matmul(try inputs.tensor(0), constantB) }
    return try matmul(try inputs.tensor(0), try inputs.tensor(1))
  }

  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue) throws(ModelError) -> Tensor? {
    if let constantB { return try matmul(try inputs.tensor(0), constantB, epilogue: epilogue) }
    return try matmul(try inputs.tensor(0), try inputs.tensor(1), epilogue: epilogue)
  }
}

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

/// Element-wise work a Float matrix product does to each element of its result while the
/// element is still in a register: add the bias of its column (`q + p`), then Relu
/// (`max(p, 0)`). The same operations in the same order as the separate passes over the
/// stored product, so the results are bit for bit those passes'.
struct ProductEpilogue {
  /// One value per column of the product, and the rank of the tensor it came from (a bias of
  /// higher rank than the product would widen its shape, and so cannot be applied here).
  var bias: (values: [Float], rank: Int)?
  var relu = false

  var isEmpty: Bool { bias == nil && !relu }

  /// `t` as a bias the product can add in registers: Float values, every dimension but the
  /// last 1; nil for any other tensor (`matmul` still checks that it has a value per column).
  static func columnBias(_ t: Tensor) -> (values: [Float], rank: Int)? {
    guard case .float(let values) = t.storage, t.shape.dropLast().allSatisfy({ $0 == 1 }) else { return nil }
    return (values, t.rank)
  }
}

/// Matrix product with NumPy's rules for 1-D and batched operands.
func matmul(_ a: Tensor, _ b: Tensor) throws(ModelError) -> Tensor {
  guard let product = try matmul(a, b, epilogue: ProductEpilogue()) else {
    throw kernelError("MatMul could not multiply \(a.shape) by \(b.shape)")
  }
  return product
}

/// The matrix product with `epilogue` applied to each element as it is computed; nil, having
/// computed nothing, when the epilogue does not apply to this product (it is not of Float,
/// or the bias does not have one value per column). An empty epilogue always applies.
func matmul(_ a: Tensor, _ b: Tensor, epilogue: ProductEpilogue) throws(ModelError) -> Tensor? {
  // Two non-empty Float matrices, the dense layer's case: read in place, without the copies
  // of both shapes and storages (a reference count each) the general path makes.
  if a.rank == 2, b.rank == 2, b.shape[0] == a.shape[1], case .float(let x) = a.storage,
    case .float(let y) = b.storage
  {
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    if m * n > 0, k > 0 {
      if let bias = epilogue.bias, bias.values.count != n || bias.rank > 2 { return nil }
      let out = floatProduct(x, y, batches: 1, m, k, n, offsets: { _ in (0, 0) }, epilogue: epilogue)
      return Tensor(unchecked: [m, n], .float(out))
    }
  }
  var sa = a.shape
  var sb = b.shape
  if sa.count == 1 { sa = [1, sa[0]] }
  if sb.count == 1 { sb = [sb[0], 1] }
  guard sa.count >= 2, sb.count >= 2 else { throw kernelError("MatMul needs tensors, got scalars") }
  let m = sa[sa.count - 2]
  let k = sa[sa.count - 1]
  let n = sb[sb.count - 1]
  guard sb[sb.count - 2] == k else {
    throw kernelError(
      "cannot multiply shapes \(a.shape) and \(b.shape): inner dimensions \(k) and \(sb[sb.count - 2]) differ")
  }
  // Two matrices, the common case, need no batch bookkeeping: building it allocates more
  // arrays than a one-row product has multiplications to do. Their batch indices stay empty
  // (which allocates nothing) and read as 0.
  let batch: [Int]
  let ia: [Int]
  let ib: [Int]
  if sa.count == 2, sb.count == 2 {
    (batch, ia, ib) = ([], [], [])
  } else {
    let batchA = Array(sa.dropLast(2))
    let batchB = Array(sb.dropLast(2))
    guard let shape = broadcastShape(batchA, batchB) else {
      throw kernelError("cannot broadcast the batch dimensions of \(a.shape) and \(b.shape)")
    }
    (batch, ia, ib) = (shape, broadcastIndices(from: batchA, to: shape), broadcastIndices(from: batchB, to: shape))
  }
  @inline(__always) func batchA(_ bt: Int) -> Int { ia.isEmpty ? 0 : ia[bt] }
  @inline(__always) func batchB(_ bt: Int) -> Int { ib.isEmpty ? 0 : ib[bt] }
  let batches = batch.reduce(1, *)
  var shape = batch.isEmpty ? [m, n] : batch + [m, n]
  if a.rank == 1 { shape.remove(at: shape.count - 2) }
  if b.rank == 1 { shape.removeLast() }
  if !epilogue.isEmpty {
    if let bias = epilogue.bias, bias.values.count != n || bias.rank > shape.count { return nil }
    guard case .float = a.storage, case .float = b.storage, k > 0 else { return nil }
  }
  if batches * m * n == 0 || k == 0 {
    let zeros = [Double](filled: 0, count: batches * m * n)
    return Tensor(unchecked: shape, storageOf(a.elementType, zeros))
  }
  // From here every buffer is non-empty, so the base addresses below exist.
  switch (a.storage, b.storage) {
  case (.float(let x), .float(let y)):
    let out = floatProduct(x, y, batches: batches, m, k, n, offsets: { (batchA($0), batchB($0)) }, epilogue: epilogue)
    return Tensor(unchecked: shape, .float(out))
  case (.double(let x), .double(let y)):
    var out = [Double](filled: 0, count: batches * m * n)
    out.withUnsafeMutableBufferPointer { o in
      x.withUnsafeBufferPointer { xp in
        y.withUnsafeBufferPointer { yp in
          for bt in 0..<batches {
            gemmKernel(
              xp.baseAddress! + batchA(bt) * m * k, yp.baseAddress! + batchB(bt) * k * n, o.baseAddress! + bt * m * n,
              m, k, n)
          }
        }
      }
    }
    return Tensor(unchecked: shape, .double(out))
  case (.int64(let x), .int64(let y)):
    // Integers multiply and add as integers, wrapping as C does: exact beyond 2^53.
    var out = [Int64](filled: 0, count: batches * m * n)
    for bt in 0..<batches {
      for i in 0..<m {
        for p in 0..<k {
          let av = x[batchA(bt) * m * k + i * k + p]
          for j in 0..<n { out[bt * m * n + i * n + j] &+= av &* y[batchB(bt) * k * n + p * n + j] }
        }
      }
    }
    return Tensor(unchecked: shape, .int64(out))
  default:
    guard let x = a.storage.doubles, let y = b.storage.doubles, a.elementType == b.elementType else {
      throw kernelError("MatMul needs two tensors of one numeric type, got \(a.elementType) and \(b.elementType)")
    }
    var out = [Double](filled: 0, count: batches * m * n)
    for bt in 0..<batches {
      for i in 0..<m {
        for p in 0..<k {
          let av = x[batchA(bt) * m * k + i * k + p]
          for j in 0..<n { out[bt * m * n + i * n + j] += av * y[batchB(bt) * k * n + p * n + j] }
        }
      }
    }
    return Tensor(unchecked: shape, storageOf(a.elementType, out))
  }
}

/// The `batches` Float products of `x` and `y` (m × k by k × n each, the matrices of batch
/// `bt` at `offsets(bt)` in units of a matrix), `epilogue` applied in registers; none of the
/// sizes is 0.
private func floatProduct(
  _ x: [Float], _ y: [Float], batches: Int, _ m: Int, _ k: Int, _ n: Int, offsets: (Int) -> (Int, Int),
  epilogue: ProductEpilogue
) -> [Float] {
  // gemmFloat stores every element of each product, so the result needs no zeroing first
  // (for a large batch, a pass over memory as long as the multiplication's own).
  [Float](uninitializedCount: batches * m * n, zero: 0) { o, initialized in
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeBufferPointer { yp in
        guard let xs = xp.baseAddress, let ys = yp.baseAddress, let os = o.baseAddress else { return }
        func multiply(bias: UnsafePointer<Float>?) {
          for bt in 0..<batches {
            let (ia, ib) = offsets(bt)
            gemmFloat(xs + ia * m * k, ys + ib * k * n, os + bt * m * n, m, k, n, bias: bias, relu: epilogue.relu)
          }
        }
        if let bias = epilogue.bias?.values {
          bias.withUnsafeBufferPointer { multiply(bias: $0.baseAddress) }
        } else {
          multiply(bias: nil)
        }
      }
    }
    initialized = batches * m * n
  }
}

/// C[m×n] = A[m×k] · B[k×n], row-major. The i-p-j loop order streams rows of B and C,
/// which the compiler vectorises; the pointers are valid for the sizes the caller checked.
@inline(__always)
private func gemmKernel<T: FloatingPoint>(
  _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ c: UnsafeMutablePointer<T>, _ m: Int, _ k: Int, _ n: Int
) {
  for i in 0..<m {
    let row = c + i * n
    for p in 0..<k {
      let av = a[i * k + p]
      let brow = b + p * n
      for j in 0..<n { row[j] = row[j].addingProduct(av, brow[j]) }
    }
  }
}

/// C[m×n] = A[m×k] · B[k×n] in Float, row-major, storing every element of C: each one is the
/// same chain of fused multiply-adds over p = 0, 1, … as `gemmKernel` computes, then the
/// epilogue (`bias`: n values, one added to each column; then Relu when `relu`), so results do
/// not depend on which of the loops below computes an element, nor on m.
///
/// The sums stay in registers through the whole p loop (`gemmKernel` loads and stores C once
/// per p, which for one row costs more than the multiplications). Four rows at a time, the
/// columns 16 then 8 at a time: each vector of B loaded serves four rows, and eight
/// independent chains keep the multiply-add units busy where one row's one or two chains
/// would wait on their own latency. Narrow products (n < 8: a regression, a few classes) take
/// eight rows at a time, a column at a time. The rows left over, and a single row (a request),
/// take their columns 32, 16, then 8 at a time.
private func gemmFloat(
  _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ m: Int, _ k: Int, _ n: Int,
  bias: UnsafePointer<Float>?, relu: Bool
) {
  typealias V = SIMD8<Float>
  @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
  /// Stores the sums of columns j..<j+8 of a row, after the epilogue.
  @inline(__always) func store(_ v: V, _ row: UnsafeMutablePointer<Float>, _ j: Int) {
    var v = v
    if let bias { v = load(bias + j) + v }
    // Swift's max(v, 0) is `0 >= v ? 0 : v`: NaN stays NaN, -0 becomes +0.
    if relu { v.replace(with: 0, where: V() .>= v) }
    UnsafeMutableRawPointer(row + j).storeBytes(of: v, as: V.self)
  }
  @inline(__always) func store(_ s: Float, _ row: UnsafeMutablePointer<Float>, _ j: Int) {
    var s = s
    if let bias { s = bias[j] + s }
    if relu { s = max(s, 0) }
    row[j] = s
  }
  var i = 0
  if n >= 8 {
    while i + 4 <= m {
      let r0 = a + i * k
      let (r1, r2, r3) = (r0 + k, r0 + 2 * k, r0 + 3 * k)
      let o0 = c + i * n
      let (o1, o2, o3) = (o0 + n, o0 + 2 * n, o0 + 3 * n)
      var j = 0
      while j + 16 <= n {
        var (s00, s01, s10, s11) = (V(), V(), V(), V())
        var (s20, s21, s30, s31) = (V(), V(), V(), V())
        var bp = b + j
        for p in 0..<k {
          let (b0, b1) = (load(bp), load(bp + 8))
          let x0 = V(repeating: r0[p])
          s00 = s00.addingProduct(x0, b0)
          s01 = s01.addingProduct(x0, b1)
          let x1 = V(repeating: r1[p])
          s10 = s10.addingProduct(x1, b0)
          s11 = s11.addingProduct(x1, b1)
          let x2 = V(repeating: r2[p])
          s20 = s20.addingProduct(x2, b0)
          s21 = s21.addingProduct(x2, b1)
          let x3 = V(repeating: r3[p])
          s30 = s30.addingProduct(x3, b0)
          s31 = s31.addingProduct(x3, b1)
          bp += n
        }
        store(s00, o0, j)
        store(s01, o0, j + 8)
        store(s10, o1, j)
        store(s11, o1, j + 8)
        store(s20, o2, j)
        store(s21, o2, j + 8)
        store(s30, o3, j)
        store(s31, o3, j + 8)
        j += 16
      }
      // Blocks of eight, the last one ending at n: the columns it shares with the block
      // before get the same chains again, so storing them twice changes nothing.
      while j < n {
        let at = min(j, n - 8)
        var (s0, s1, s2, s3) = (V(), V(), V(), V())
        var bp = b + at
        for p in 0..<k {
          let b0 = load(bp)
          s0 = s0.addingProduct(V(repeating: r0[p]), b0)
          s1 = s1.addingProduct(V(repeating: r1[p]), b0)
          s2 = s2.addingProduct(V(repeating: r2[p]), b0)
          s3 = s3.addingProduct(V(repeating: r3[p]), b0)
          bp += n
        }
        store(s0, o0, at)
        store(s1, o1, at)
        store(s2, o2, at)
        store(s3, o3, at)
        j = at + 8
      }
      i += 4
    }
  } else {
    while i + 8 <= m {
      // A pointer per row, so that the loop indexes without overflow checks.
      let r0 = a + i * k
      let (r1, r2, r3, r4) = (r0 + k, r0 + 2 * k, r0 + 3 * k, r0 + 4 * k)
      let (r5, r6, r7) = (r0 + 5 * k, r0 + 6 * k, r0 + 7 * k)
      let o = c + i * n
      for j in 0..<n {
        var (s0, s1, s2, s3): (Float, Float, Float, Float) = (0, 0, 0, 0)
        var (s4, s5, s6, s7): (Float, Float, Float, Float) = (0, 0, 0, 0)
        var bp = b + j
        for p in 0..<k {
          let x = bp.pointee
          s0 = s0.addingProduct(r0[p], x)
          s1 = s1.addingProduct(r1[p], x)
          s2 = s2.addingProduct(r2[p], x)
          s3 = s3.addingProduct(r3[p], x)
          s4 = s4.addingProduct(r4[p], x)
          s5 = s5.addingProduct(r5[p], x)
          s6 = s6.addingProduct(r6[p], x)
          s7 = s7.addingProduct(r7[p], x)
          bp += n
        }
        store(s0, o, j)
        store(s1, o + n, j)
        store(s2, o + 2 * n, j)
        store(s3, o + 3 * n, j)
        store(s4, o + 4 * n, j)
        store(s5, o + 5 * n, j)
        store(s6, o + 6 * n, j)
        store(s7, o + 7 * n, j)
      }
      i += 8
    }
  }
  while i < m {
    let row = a + i * k
    let out = c + i * n
    var j = 0
    // B's rows are walked by a pointer moved n along per p: no index products in the loops.
    while j + 32 <= n {
      var (s0, s1, s2, s3) = (V(), V(), V(), V())
      var bp = b + j
      for p in 0..<k {
        let av = V(repeating: row[p])
        s0 = s0.addingProduct(av, load(bp))
        s1 = s1.addingProduct(av, load(bp + 8))
        s2 = s2.addingProduct(av, load(bp + 16))
        s3 = s3.addingProduct(av, load(bp + 24))
        bp += n
      }
      store(s0, out, j)
      store(s1, out, j + 8)
      store(s2, out, j + 16)
      store(s3, out, j + 24)
      j += 32
    }
    while j + 16 <= n {
      var (s0, s1) = (V(), V())
      var bp = b + j
      for p in 0..<k {
        let av = V(repeating: row[p])
        s0 = s0.addingProduct(av, load(bp))
        s1 = s1.addingProduct(av, load(bp + 8))
        bp += n
      }
      store(s0, out, j)
      store(s1, out, j + 8)
      j += 16
    }
    if n - j > 8 && n - j < 16 {
      // Two blocks of eight, the second ending at n, walked side by side: one after the other,
      // each was a chain of k dependent multiply-adds (a one-row layer of ten outputs waited
      // for two). The columns they share get the same chains in both.
      let at = n - 8
      var (s0, s1) = (V(), V())
      var bp = b + j
      for p in 0..<k {
        let av = V(repeating: row[p])
        s0 = s0.addingProduct(av, load(bp))
        s1 = s1.addingProduct(av, load(bp + (at - j)))
        bp += n
      }
      store(s0, out, j)
      store(s1, out, at)
      j = n
    }
    while j < n && n >= 8 {
      // As above, the last block of eight ends at n.
      let at = min(j, n - 8)
      var s0 = V()
      var bp = b + at
      for p in 0..<k {
        s0 = s0.addingProduct(V(repeating: row[p]), load(bp))
        bp += n
      }
      store(s0, out, at)
      j = at + 8
    }
    while j < n {
      var s: Float = 0
      var bp = b + j
      for p in 0..<k {
        s = s.addingProduct(row[p], bp.pointee)
        bp += n
      }
      store(s, out, j)
      j += 1
    }
    i += 1
  }
}
