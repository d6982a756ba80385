import Foundation

extension Tensor.Storage {
  /// The elements at `indices`, in that order.
  package func picking(_ indices: [Int]) -> Tensor.Storage {
    switch self {
    case .float(let v): .float(indices.map { v[$0] })
    case .double(let v): .double(indices.map { v[$0] })
    case .int64(let v): .int64(indices.map { v[$0] })
    case .int32(let v): .int32(indices.map { v[$0] })
    case .bool(let v): .bool(indices.map { v[$0] })
    case .string(let v): .string(indices.map { v[$0] })
    }
  }

  /// The elements of a rows × columns matrix, row-major, transposed (`transposedMatrix`).
  func transposed(rows: Int, columns: Int) -> Tensor.Storage {
    switch self {
    case .float(let v): .float(transposedMatrix(v, rows: rows, columns: columns))
    case .double(let v): .double(transposedMatrix(v, rows: rows, columns: columns))
    case .int64(let v): .int64(transposedMatrix(v, rows: rows, columns: columns))
    case .int32(let v): .int32(transposedMatrix(v, rows: rows, columns: columns))
    case .bool(let v): .bool(transposedMatrix(v, rows: rows, columns: columns))
    case .string(let v): .string(transposedMatrix(v, rows: rows, columns: columns))
    }
  }

  /// The `count` elements from `start` on, which must be in range.
  func block(from start: Int, count: Int) -> Tensor.Storage {
    switch self {
    case .float(let v): .float(Array(v[start..<(start + count)]))
    case .double(let v): .double(Array(v[start..<(start + count)]))
    case .int64(let v): .int64(Array(v[start..<(start + count)]))
    case .int32(let v): .int32(Array(v[start..<(start + count)]))
    case .bool(let v): .bool(Array(v[start..<(start + count)]))
    case .string(let v): .string(Array(v[start..<(start + count)]))
    }
  }

  /// The `count` elements at `index(0)`, `index(1)`, …, which must all be in range.
  func picking(count: Int, _ index: (Int) -> Int) -> Tensor.Storage {
    func pick<T>(_ v: [T]) -> [T] { (0..<count).map { v[index($0)] } }
    switch self {
    case .float(let v): return .float(pick(v))
    case .double(let v): return .double(pick(v))
    case .int64(let v): return .int64(pick(v))
    case .int32(let v): return .int32(pick(v))
    case .bool(let v): return .bool(pick(v))
    case .string(let v): return .string(pick(v))
    }
  }

  /// Concatenates storages of the same type.
  static func joined(_ parts: [Tensor.Storage]) throws(ModelError) -> Tensor.Storage {
    guard let first = parts.first else { return .float([]) }
    switch first {
    case .float:
      var out: [Float] = []
      for p in parts { guard case .float(let v) = p else { throw mixed() }; out += v }
      return .float(out)
    case .double:
      var out: [Double] = []
      for p in parts { guard case .double(let v) = p else { throw mixed() }; out += v }
      return .double(out)
    case .int64:
      var out: [Int64] = []
      for p in parts { guard case .int64(let v) = p else { throw mixed() }; out += v }
      return .int64(out)
    case .int32:
      var out: [Int32] = []
      for p in parts { guard case .int32(let v) = p else { throw mixed() }; out += v }
      return .int32(out)
    case .bool:
      var out: [Bool] = []
      for p in parts { guard case .bool(let v) = p else { throw mixed() }; out += v }
      return .bool(out)
    case .string:
      var out: [String] = []
      for p in parts { guard case .string(let v) = p else { throw mixed() }; out += v }
      return .string(out)
    }
  }
}

private func mixed() -> ModelError { kernelError("cannot join tensors of different element types") }

extension Tensor {
  /// The elements of an integer tensor (a shape, axes, indices) as `Int`.
  /// - Throws: `ModelError` naming `role` when the tensor is not int64 or int32, as ONNX requires.
  func integers(_ role: String) throws(ModelError) -> [Int] {
    switch storage {
    case .int64(let v): return v.map { Int(clamping: $0) }
    case .int32(let v): return v.map { Int($0) }
    default: throw kernelError("\(role) must be an integer tensor, got \(elementType)")
    }
  }
}

/// The number of elements of a shape, or nil when a dimension is negative or the
/// product exceeds what fathom allocates (a shape read from data must not trap).
func elementCount(_ shape: [Int]) -> Int? {
  var total = 1
  for d in shape {
    guard d >= 0 else { return nil }
    let (product, overflow) = total.multipliedReportingOverflow(by: d)
    guard !overflow, product <= maximumDeclaredElements else { return nil }
    total = product
  }
  return total
}

/// Row-major strides of a shape.
func strides(of shape: [Int]) -> [Int] {
  var s = [Int](filled: 1, count: shape.count)
  var acc = 1
  for i in stride(from: shape.count - 1, through: 0, by: -1) {
    s[i] = acc
    acc *= shape[i]
  }
  return s
}

func cast(_ x: Tensor, to target: ElementType) throws(ModelError) -> Tensor {
  if x.elementType == target { return x }
  switch (x.storage, target) {
  case (.float(let v), .double): return Tensor(unchecked: x.shape, .double(Array(mapping: v) { Double($0) }))
  case (.double(let v), .float): return Tensor(unchecked: x.shape, .float(Array(mapping: v) { Float($0) }))
  case (.string(let v), .float):
    return Tensor(unchecked: x.shape, .float(try v.map { (s) throws(ModelError) in Float(try parseDouble(s)) }))
  case (.string(let v), .double): return Tensor(unchecked: x.shape, .double(try v.map(parseDouble)))
  case (.string(let v), .int64): return Tensor(unchecked: x.shape, .int64(try v.map(parseInt64)))
  case (.string(let v), .int32):
    return Tensor(
      unchecked: x.shape, .int32(try v.map { (s) throws(ModelError) in Int32(truncatingIfNeeded: try parseInt64(s)) }))
  case (.string(let v), .bool):
    return Tensor(unchecked: x.shape, .bool(try v.map { (s) throws(ModelError) in try parseUInt64(s) != 0 }))
  case (_, .string):
    return Tensor(unchecked: x.shape, .string(x.storage.strings))
  // Booleans and integers straight to the target, as a C cast converts them (from int64 to
  // float in one rounding, not two through double).
  case (.bool(let v), .float): return Tensor(unchecked: x.shape, .float(Array(mapping: v) { $0 ? 1 : 0 }))
  case (.bool(let v), .double): return Tensor(unchecked: x.shape, .double(Array(mapping: v) { $0 ? 1 : 0 }))
  case (.bool(let v), .int64): return Tensor(unchecked: x.shape, .int64(Array(mapping: v) { $0 ? 1 : 0 }))
  case (.int64(let v), .float): return Tensor(unchecked: x.shape, .float(Array(mapping: v) { Float($0) }))
  case (.int64(let v), .double): return Tensor(unchecked: x.shape, .double(Array(mapping: v) { Double($0) }))
  case (.float(let v), .int64): return Tensor(unchecked: x.shape, .int64(v.map { Int64(saturating: Double($0)) }))
  case (.double(let v), .int64): return Tensor(unchecked: x.shape, .int64(v.map { Int64(saturating: $0) }))
  default:
    return Tensor(unchecked: x.shape, storageOf(target, x.storage.doubles ?? []))
  }
}

// Strings are read as onnxruntime reads them (C++'s stod, stoll and stoull): leading white
// space skipped, the longest number at the start taken ("1.5abc" is 1.5, "0x10" is 16 as a
// floating-point number and 0 as an integer), and no number at all, or one out of range, an
// error rather than a guess.

private func parseDouble(_ s: String) throws(ModelError) -> Double {
  try parse(s, as: "a number") { p, end in strtod(p, end) }
}

private func parseInt64(_ s: String) throws(ModelError) -> Int64 {
  Int64(try parse(s, as: "an integer") { p, end in strtoll(p, end, 10) })
}

private func parseUInt64(_ s: String) throws(ModelError) -> UInt64 {
  UInt64(try parse(s, as: "an integer") { p, end in strtoull(p, end, 10) })
}

private func parse<N>(
  _ s: String, as noun: String,
  _ read: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> N
) throws(ModelError) -> N {
  let result: Result<N, ModelError> = s.withCString { p in
    var end: UnsafeMutablePointer<CChar>? = nil
    errno = 0
    let value = read(p, &end)
    guard let end, end != UnsafeMutablePointer(mutating: p) else {
      return .failure(kernelError("Cast cannot read \"\(s)\" as \(noun)"))
    }
    guard errno != ERANGE else { return .failure(kernelError("Cast: \"\(s)\" is out of range")) }
    return .success(value)
  }
  return try result.get()
}

extension Int64 {
  /// Truncates toward zero, saturating at the bounds and mapping NaN to the minimum as C casts commonly do.
  init(saturating d: Double) {
    if d.isNaN {
      self = .min
    } else if d >= 9.223372036854775807e18 {
      self = .max
    } else if d <= -9.223372036854775808e18 {
      self = .min
    } else {
      self = Int64(d.rounded(.towardZero))
    }
  }
}

func reshape(_ x: Tensor, to spec: [Int], allowZero: Bool) throws(ModelError) -> Tensor {
  var shape = spec
  var inferred: Int?
  for (i, d) in spec.enumerated() {
    if d == 0 && !allowZero {
      guard i < x.rank else { throw kernelError("Reshape copies dimension \(i) from a rank-\(x.rank) tensor") }
      shape[i] = x.shape[i]
    } else if d == -1 {
      guard inferred == nil else { throw kernelError("Reshape has more than one -1 in \(spec)") }
      inferred = i
    } else if d < -1 {
      throw kernelError("Reshape has a negative dimension \(d)")
    }
  }
  if let i = inferred {
    var known = 1
    for (j, d) in shape.enumerated() where j != i {
      let (product, overflow) = known.multipliedReportingOverflow(by: d)
      known = overflow ? 0 : product
    }
    guard known > 0, x.count % known == 0 else {
      throw kernelError("cannot reshape \(x.shape) (\(x.count) elements) to \(spec)")
    }
    shape[i] = x.count / known
  }
  guard elementCount(shape) == x.count else {
    throw kernelError("cannot reshape \(x.shape) (\(x.count) elements) to \(spec)")
  }
  return Tensor(unchecked: shape, x.storage)
}

func concat(_ tensors: [Tensor], axis: Int) throws(ModelError) -> Tensor {
  guard let first = tensors.first else { throw kernelError("Concat has no inputs") }
  let a = try normalizeAxis(axis, rank: first.rank)
  for t in tensors {
    guard t.rank == first.rank,
      zip(t.shape, first.shape).enumerated().allSatisfy({ $0.offset == a || $0.element.0 == $0.element.1 })
    else {
      throw kernelError("cannot concatenate shapes \(tensors.map(\.shape)) along axis \(axis)")
    }
  }
  let outer = first.shape[..<a].reduce(1, *)
  var shape = first.shape
  shape[a] = tensors.map { $0.shape[a] }.reduce(0, +)
  if outer == 1 {
    return Tensor(unchecked: shape, try .joined(tensors.map(\.storage)))
  }
  // Interleave: for each outer index, each input's inner block in turn.
  var order: [(tensor: Int, index: Int)] = []
  order.reserveCapacity(shape.reduce(1, *))
  for o in 0..<outer {
    for (k, t) in tensors.enumerated() {
      let block = t.shape[a...].reduce(1, *)
      for i in 0..<block { order.append((k, o * block + i)) }
    }
  }
  // Join all inputs, then pick from the joined storage.
  var offsets: [Int] = []
  var running = 0
  for t in tensors {
    offsets.append(running)
    running += t.count
  }
  let joined = try Tensor.Storage.joined(tensors.map(\.storage))
  return Tensor(unchecked: shape, joined.picking(order.map { offsets[$0.tensor] + $0.index }))
}

func gather(_ x: Tensor, indices idx: Tensor, axis: Int) throws(ModelError) -> Tensor {
  let a = try normalizeAxis(axis, rank: x.rank)
  let raw = try idx.integers("Gather's indices")
  let n = x.shape[a]
  let positions = try raw.map { (i) throws(ModelError) -> Int in
    let p = i < 0 ? i + n : i
    guard p >= 0, p < n else { throw kernelError("index \(i) is out of range for an axis of size \(n)") }
    return p
  }
  let outer = x.shape[..<a].reduce(1, *)
  let inner = x.shape[(a + 1)...].reduce(1, *)
  var order: [Int] = []
  order.reserveCapacity(outer * positions.count * inner)
  for o in 0..<outer {
    for p in positions {
      let base = (o * n + p) * inner
      for i in 0..<inner { order.append(base + i) }
    }
  }
  let shape = Array(x.shape[..<a]) + idx.shape + Array(x.shape[(a + 1)...])
  return Tensor(unchecked: shape, x.storage.picking(order))
}

func transpose(_ x: Tensor, perm: [Int]) throws(ModelError) -> Tensor {
  guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
    throw kernelError("perm \(perm) is not a permutation of \(x.rank) axes")
  }
  let shape = perm.map { x.shape[$0] }
  // Axes of size 1 may move freely: when the others keep their order the elements do too,
  // and only the shape changes (a k-NN graph turns a [m, 1] column into a [1, m] row).
  let kept = perm.filter { x.shape[$0] != 1 }
  if zip(kept, kept.dropFirst()).allSatisfy({ $0 < $1 }) { return Tensor(unchecked: shape, x.storage) }
  if x.rank == 2 { return Tensor(unchecked: shape, x.storage.transposed(rows: x.shape[0], columns: x.shape[1])) }
  let inStrides = strides(of: x.shape)
  let total = x.count
  var order = [Int](filled: 0, count: total)
  var counter = [Int](filled: 0, count: x.rank)
  for e in 0..<total {
    var offset = 0
    for d in 0..<x.rank { offset += counter[d] * inStrides[perm[d]] }
    order[e] = offset
    advance(&counter, within: shape)
  }
  return Tensor(unchecked: shape, x.storage.picking(order))
}

func slice(_ x: Tensor, starts: [Int], ends: [Int], axes: [Int], steps: [Int]) throws(ModelError) -> Tensor {
  guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
    throw kernelError("Slice needs as many starts, ends, axes and steps")
  }
  var begin = [Int](filled: 0, count: x.rank)
  var step = [Int](filled: 1, count: x.rank)
  var shape = x.shape
  for k in 0..<starts.count {
    let a = try normalizeAxis(axes[k], rank: x.rank)
    let n = x.shape[a]
    // Clamped so that -s and the count below cannot overflow for steps like INT64_MIN.
    let s = max(steps[k], -Int.max)
    guard s != 0 else { throw kernelError("Slice step cannot be 0") }
    func clampIndex(_ v: Int, _ lo: Int, _ hi: Int) -> Int {
      let w = v < 0 ? (v == Int.min ? lo : v + n) : v
      return min(max(w, lo), hi)
    }
    let st = s > 0 ? clampIndex(starts[k], 0, n) : clampIndex(starts[k], -1, n - 1)
    let en = s > 0 ? clampIndex(ends[k], 0, n) : clampIndex(ends[k], -1, n - 1)
    begin[a] = st
    step[a] = s
    shape[a] = s > 0 ? (en > st ? (en - st - 1) / s + 1 : 0) : (st > en ? (st - en - 1) / -s + 1 : 0)
  }
  let inStrides = strides(of: x.shape)
  let total = shape.reduce(1, *)
  var order = [Int](filled: 0, count: total)
  var counter = [Int](filled: 0, count: x.rank)
  for e in 0..<total {
    var offset = 0
    for d in 0..<x.rank { offset += (begin[d] + counter[d] * step[d]) * inStrides[d] }
    order[e] = offset
    advance(&counter, within: shape)
  }
  return Tensor(unchecked: shape, x.storage.picking(order))
}

/// The elements of a rows × columns matrix, row-major, transposed: columns × rows. Copied in
/// tiles of 16 × 16, so that neither the reads nor the writes stride through memory a whole
/// line at a time (a k-NN graph transposes its 10,000 × 100 distances).
func transposedMatrix<T>(_ v: [T], rows: Int, columns: Int) -> [T] {
  [T](unsafeUninitializedCapacity: v.count) { out, initialized in
    v.withUnsafeBufferPointer { source in
      guard let from = source.baseAddress, let to = out.baseAddress else { return }
      let tile = 16
      for i0 in stride(from: 0, to: rows, by: tile) {
        for j0 in stride(from: 0, to: columns, by: tile) {
          for i in i0..<min(i0 + tile, rows) {
            for j in j0..<min(j0 + tile, columns) { (to + j * rows + i).initialize(to: from[i * columns + j]) }
          }
        }
      }
      initialized = v.count
    }
  }
}
