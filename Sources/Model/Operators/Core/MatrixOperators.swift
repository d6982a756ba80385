/// Matrix products: MatMul and Gemm.
enum MatrixOperators {
  static var definitions: [OperatorDefinition] {
    [
      OperatorRegistry.define("", "MatMul") { _ throws(ModelError) in MatMulKernel() },
      OperatorRegistry.define("", "Gemm") { (ctx) throws(ModelError) in try GemmKernel(ctx) },
    ]
  }
}

/// A kernel whose one output is a tensor it makes, which a fused step takes in hand to change
/// in place (`EpilogueKernel`).
protocol TensorProducingKernel: Kernel {
  func output(_ inputs: KernelInputs) throws(ModelError) -> Tensor
}

extension TensorProducingKernel {
  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    outputs.set(0, .tensor(try output(inputs)))
  }
}

struct MatMulKernel: TensorProducingKernel {
  func output(_ inputs: KernelInputs) throws(ModelError) -> Tensor {
    try matmul(try inputs.tensor(0), try inputs.tensor(1))
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
  }

  func output(_ inputs: KernelInputs) throws(ModelError) -> Tensor {
    var a = try inputs.tensor(0)
    var b: Tensor
    if let constantB {
      b = constantB
    } else {
      b = try inputs.tensor(1)
      guard b.rank == 2 else { throw kernelError("Gemm needs 2-D inputs, got \(a.shape) and \(b.shape)") }
      if transB { b = try transpose(b, perm: [1, 0]) }
    }
    guard a.rank == 2 else { throw kernelError("Gemm needs 2-D inputs, got \(a.shape) and \(b.shape)") }
    if transA { a = try transpose(a, perm: [1, 0]) }
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

/// Sets each element `p` of a matrix of shape `shape` to `q + alpha·p` in one rounding, `q`
/// the element of `c` (of shape `cShape`, which broadcasts to `shape`) in its place: in place
/// for the usual biases (`combineInPlace`), through `broadcastBinary` for other shapes.
private func addBias<T: BinaryFloatingPoint>(_ c: [T], _ cShape: [Int], to p: inout [T], _ shape: [Int], alpha: T) {
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

/// Matrix product with NumPy's rules for 1-D and batched operands.
func matmul(_ a: Tensor, _ b: Tensor) throws(ModelError) -> Tensor {
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
  if batches * m * n == 0 || k == 0 {
    let zeros = [Double](filled: 0, count: batches * m * n)
    return Tensor(unchecked: shape, storageOf(a.elementType, zeros))
  }
  // From here every buffer is non-empty, so the base addresses below exist.
  switch (a.storage, b.storage) {
  case (.float(let x), .float(let y)):
    // gemmFloat stores every element of each product, so the result needs no zeroing first
    // (for a large batch, a pass over memory as long as the multiplication's own).
    let out = [Float](unsafeUninitializedCapacity: batches * m * n) { o, initialized in
      x.withUnsafeBufferPointer { xp in
        y.withUnsafeBufferPointer { yp in
          for bt in 0..<batches {
            gemmFloat(
              xp.baseAddress! + batchA(bt) * m * k, yp.baseAddress! + batchB(bt) * k * n, o.baseAddress! + bt * m * n,
              m, k, n)
          }
        }
      }
      initialized = batches * m * n
    }
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
/// same chain of fused multiply-adds over p = 0, 1, … as `gemmKernel` computes, so results do
/// not depend on which of the two runs (or on m).
///
/// The columns of a row are taken 32, 16, then 8 at a time, their sums held in vector registers
/// through the whole p loop: `gemmKernel` loads and stores C once per p, which for one row
/// (a request) costs more than the multiplications.
private func gemmFloat(
  _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ m: Int, _ k: Int, _ n: Int
) {
  typealias V = SIMD8<Float>
  @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
  @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
  }
  var first = 0
  if n == 1 {
    // A matrix-vector product (a layer with one output): eight rows at a time, one per lane,
    // each lane the same multiply-add chain over p as the one-row loop below.
    while first + 8 <= m {
      let r = a + first * k
      var acc = V()
      for p in 0..<k {
        let column = V(
          r[p], r[k + p], r[2 * k + p], r[3 * k + p], r[4 * k + p], r[5 * k + p], r[6 * k + p], r[7 * k + p])
        acc = acc.addingProduct(column, V(repeating: b[p]))
      }
      store(acc, c + first)
      first += 8
    }
  }
  for i in first..<m {
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
      store(s0, out + j)
      store(s1, out + j + 8)
      store(s2, out + j + 16)
      store(s3, out + j + 24)
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
      store(s0, out + j)
      store(s1, out + j + 8)
      j += 16
    }
    while j + 8 <= n {
      var s0 = V()
      var bp = b + j
      for p in 0..<k {
        s0 = s0.addingProduct(V(repeating: row[p]), load(bp))
        bp += n
      }
      store(s0, out + j)
      j += 8
    }
    if j < n && n >= 8 {
      // The last columns as one more block of eight ending at n: the columns it shares with
      // the block before get the same chains again, so storing them changes nothing.
      var s0 = V()
      var bp = b + (n - 8)
      for p in 0..<k {
        s0 = s0.addingProduct(V(repeating: row[p]), load(bp))
        bp += n
      }
      store(s0, out + (n - 8))
      j = n
    }
    while j < n {
      var s: Float = 0
      var bp = b + j
      for p in 0..<k {
        s = s.addingProduct(row[p], bp.pointee)
        bp += n
      }
      out[j] = s
      j += 1
    }
  }
}
