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
