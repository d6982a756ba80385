/// NumPy-style broadcasting of two shapes, or nil when they are incompatible.
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
  let rank = max(a.count, b.count)
  var out = [Int](filled: 1, count: rank)
  for i in 0..<rank {
    let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
    let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
    if da == db || db == 1 {
      out[i] = da
    } else if da == 1 {
      out[i] = db
    } else {
      return nil
    }
  }
  return out
}

/// Steps a row-major multi-index to the next position within `limits`, the last axis
/// fastest; after the last position it wraps to all zeros.
@inline(__always)
func advance(_ index: inout [Int], within limits: [Int]) {
  var d = index.count - 1
  while d >= 0 {
    index[d] += 1
    if index[d] < limits[d] { return }
    index[d] = 0
    d -= 1
  }
}

/// For each element of a tensor of shape `out`, the index into a tensor of shape
/// `shape` that broadcasts to it.
func broadcastIndices(from shape: [Int], to out: [Int]) -> [Int] {
  let total = out.reduce(1, *)
  let rank = out.count
  let padded = [Int](filled: 1, count: rank - shape.count) + shape
  var strides = [Int](filled: 0, count: rank)
  var s = 1
  for i in stride(from: rank - 1, through: 0, by: -1) {
    strides[i] = padded[i] == 1 ? 0 : s
    s *= padded[i]
  }
  var indices = [Int](filled: 0, count: total)
  var counter = [Int](filled: 0, count: rank)
  var offset = 0
  for e in 0..<total {
    indices[e] = offset
    var d = rank - 1
    while d >= 0 {
      counter[d] += 1
      offset += strides[d]
      if counter[d] < out[d] { break }
      offset -= strides[d] * counter[d]
      counter[d] = 0
      d -= 1
    }
  }
  return indices
}

/// Sets each element x of `v` (a tensor of shape `shape`) to `op(x, y)`, y the element of `w`
/// (of shape `wShape`) that broadcasting puts in its place — `broadcastBinary`'s result,
/// computed into `v` — when w has v's shape, is one element, or is one row as wide as v's last
/// axis, none of which changes v's shape; false, `v` untouched, for other shapes. Rows are
/// walked with wrapping offsets, so that the loop vectorizes when `op` is known at the call.
@inline(__always)
func combineInPlace<T>(_ v: inout [T], _ shape: [Int], _ w: [T], _ wShape: [Int], _ op: (T, T) -> T) -> Bool {
  guard wShape.count <= shape.count else { return false }
  if wShape == shape {
    v.withUnsafeMutableBufferPointer { v in
      w.withUnsafeBufferPointer { w in for i in v.indices { v[i] = op(v[i], w[i]) } }
    }
  } else if w.count == 1 {
    let y = w[0]
    v.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] = op(v[i], y) } }
  } else if let width = shape.last, w.count == width, wShape.dropLast().allSatisfy({ $0 == 1 }) {
    v.withUnsafeMutableBufferPointer { v in
      w.withUnsafeBufferPointer { w in
        var start = 0
        while start < v.count {
          for j in 0..<width { v[start &+ j] = op(v[start &+ j], w[j]) }
          start += width
        }
      }
    }
  } else {
    return false
  }
  return true
}

/// Applies `op` element-wise with broadcasting.
@inline(__always)
func broadcastBinary<A, B, R: BitwiseCopyable>(
  _ a: [A], _ sa: [Int], _ b: [B], _ sb: [Int], _ op: (A, B) -> R
) throws(ModelError) -> (values: [R], shape: [Int]) {
  if sa == sb {
    return (combined(a.count, a, b, op) { a, b, out in for i in out.indices { out[i] = op(a[i], b[i]) } }, sa)
  }
  guard let shape = broadcastShape(sa, sb) else {
    throw kernelError("shapes \(sa) and \(sb) cannot be broadcast together")
  }
  let total = shape.reduce(1, *)
  let values: [R]
  if b.count == 1, sa == shape {
    values = combined(total, a, b, op) { a, b, out in
      let y = b[0]
      for i in out.indices { out[i] = op(a[i], y) }
    }
  } else if a.count == 1, sb == shape {
    values = combined(total, a, b, op) { a, b, out in
      let x = a[0]
      for i in out.indices { out[i] = op(x, b[i]) }
    }
  } else if sa == shape, let last = sb.last, sb.dropLast().allSatisfy({ $0 == 1 }), last == shape.last {
    // The common case of a row vector added to every row of a matrix.
    values = combined(total, a, b, op) { a, b, out in
      var start = 0
      while start < total {
        for j in 0..<last { out[start + j] = op(a[start + j], b[j]) }
        start += last
      }
    }
  } else if sb == shape, let last = sa.last, sa.dropLast().allSatisfy({ $0 == 1 }), last == shape.last {
    // The same with the row first (scikit-learn's BernoulliNB adds its zero row to the input).
    values = combined(total, a, b, op) { a, b, out in
      var start = 0
      while start < total {
        for j in 0..<last { out[start + j] = op(a[j], b[start + j]) }
        start += last
      }
    }
  } else if sa == shape, let width = shape.last, width > 0, sb == Array(shape.dropLast()) + [1] {
    // One value per row (a softmax's or a log-sum-exp's normaliser), taken across the row.
    values = combined(total, a, b, op) { a, b, out in
      for r in 0..<(total / width) {
        let y = b[r]
        for j in 0..<width { out[r * width + j] = op(a[r * width + j], y) }
      }
    }
  } else {
    let ia = broadcastIndices(from: sa, to: shape)
    let ib = broadcastIndices(from: sb, to: shape)
    values = combined(total, a, b, op) { a, b, out in for i in out.indices { out[i] = op(a[ia[i]], b[ib[i]]) } }
  }
  return (values, shape)
}

/// An array of `count` results that `fill` writes, all of them, from the elements of `a` and
/// `b`; `op` gives the placeholder the buffer starts from.
@inline(__always)
private func combined<A, B, R: BitwiseCopyable>(
  _ count: Int, _ a: [A], _ b: [B], _ op: (A, B) -> R,
  _ fill: (UnsafeBufferPointer<A>, UnsafeBufferPointer<B>, UnsafeMutableBufferPointer<R>) -> Void
) -> [R] {
  guard count > 0, let x = a.first, let y = b.first else { return [] }
  return a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in
      [R](uninitializedCount: count, zero: op(x, y)) { out, initialized in
        fill(a, b, out)
        initialized = count
      }
    }
  }
}

/// Normalises a possibly negative axis against a rank.
func normalizeAxis(_ axis: Int, rank: Int) throws(ModelError) -> Int {
  let a = axis < 0 ? axis + rank : axis
  guard a >= 0, a < max(rank, 1) else { throw kernelError("axis \(axis) is out of range for rank \(rank)") }
  return a
}
