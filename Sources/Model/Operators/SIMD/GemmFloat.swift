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
func gemmFloat(
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
