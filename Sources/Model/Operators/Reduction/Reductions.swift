import Foundation

/// Softmax, arg-max, the Reduce operators and CumSum.
enum Reductions {
  static var definitions: [OperatorDefinition] {
    [
      softmax("Softmax", log: false),
      softmax("LogSoftmax", log: true),
      argExtreme("ArgMax", greater: true),
      argExtreme("ArgMin", greater: false),
      reduce(
        "ReduceSum", axesInputSince: 13, initial: 0, combine: { $0 + $1 }, finish: { v, _ in v },
        float: .init(combine: { $0 + $1 }, finish: { v, _ in v }), integer: .init(initial: 0, combine: { $0 &+ $1 })),
      reduce(
        "ReduceMean", axesInputSince: 18, initial: 0, combine: { $0 + $1 }, finish: { v, n in v / Double(n) },
        float: .init(combine: { $0 + $1 }, finish: { v, n in v / Float(n) })),
      reduce(
        "ReduceMax", axesInputSince: 18, initial: -.infinity, combine: { max($0, $1) }, finish: { v, _ in v },
        integer: .init(initial: .min, combine: { max($0, $1) })),
      reduce(
        "ReduceMin", axesInputSince: 18, initial: .infinity, combine: { min($0, $1) }, finish: { v, _ in v },
        integer: .init(initial: .max, combine: { min($0, $1) })),
      reduce(
        "ReduceProd", axesInputSince: 18, initial: 1, combine: { $0 * $1 }, finish: { v, _ in v },
        float: .init(combine: { $0 * $1 }, finish: { v, _ in v }), integer: .init(initial: 1, combine: { $0 &* $1 })),
      reduce(
        "ReduceSumSquare", axesInputSince: 18, initial: 0, combine: { $0 + $1 * $1 }, finish: { v, _ in v },
        float: .init(combine: { $0 + $1 * $1 }, finish: { v, _ in v })),
      reduce(
        "ReduceL2", axesInputSince: 18, initial: 0, combine: { $0 + $1 * $1 }, finish: { v, _ in v.squareRoot() },
        float: .init(combine: { $0 + $1 * $1 }, finish: { v, _ in v.squareRoot() })),
      logSumExp(),
      cumulativeSum(),
    ]
  }

  private static func softmax(_ name: String, log: Bool) -> OperatorDefinition {
    OperatorRegistry.define("", name) { (ctx) throws(ModelError) in
      let axis = try ctx.int("axis", default: ctx.opset >= 13 ? -1 : 1)
      let flattens = ctx.opset < 13
      return tensorKernel { (inputs) throws(ModelError) in
        // Taken, so that an input this step is the last to read is changed in place.
        var x = try inputs.take(0)
        let a = try normalizeAxis(axis, rank: x.rank)
        // Before opset 13 the input is seen as 2-D: [outer, everything from axis on].
        let inner = flattens ? 1 : x.shape[(a + 1)...].reduce(1, *)
        let n = flattens ? x.shape[a...].reduce(1, *) : x.shape[a]
        let outer = x.count / max(n * inner, 1)
        switch x.elementType {
        case .float: x.storage.updateFloats { softmaxInPlace(&$0, outer: outer, n: n, inner: inner, log: log) }
        case .double: x.storage.updateDoubles { softmaxInPlace(&$0, outer: outer, n: n, inner: inner, log: log) }
        default: throw kernelError("\(name) needs floats")
        }
        return x
      }
    }
  }

  private static func argExtreme(_ name: String, greater: Bool) -> OperatorDefinition {
    OperatorRegistry.define("", name) { (ctx) throws(ModelError) in
      let axis = try ctx.int("axis", default: 0)
      let keepDims = try ctx.int("keepdims", default: 1) != 0
      let selectLast = try ctx.int("select_last_index", default: 0) != 0
      // The lines and the result's shape for the last input shape.
      let layouts = ShapeCache<[Int], (outer: Int, n: Int, inner: Int, shape: [Int])>()
      return tensorKernel { (inputs) throws(ModelError) in
        let x = try inputs.take(0)
        let (outer, n, inner, shape) = try layouts.value(for: x.shape) { () throws(ModelError) in
          let a = try normalizeAxis(axis, rank: x.rank)
          let n = x.shape[a]
          let inner = x.shape[(a + 1)...].reduce(1, *)
          let outer = x.shape[..<a].reduce(1, *)
          guard n > 0 || outer * inner == 0 else { throw kernelError("\(name) over an empty axis \(a) of \(x.shape)") }
          var shape = x.shape
          if keepDims { shape[a] = 1 } else { shape.remove(at: a) }
          return (outer, n, inner, shape)
        }
        // Compared in the tensor's own type: through doubles, int64s beyond 2^53 would tie.
        let out: [Int64]
        switch x.storage {
        case .float(let v): out = bestIndices(v, outer: outer, n: n, inner: inner, greater: greater, last: selectLast)
        case .double(let v): out = bestIndices(v, outer: outer, n: n, inner: inner, greater: greater, last: selectLast)
        case .int64(let v): out = bestIndices(v, outer: outer, n: n, inner: inner, greater: greater, last: selectLast)
        case .int32(let v): out = bestIndices(v, outer: outer, n: n, inner: inner, greater: greater, last: selectLast)
        default: throw kernelError("\(name) needs numbers, got \(x.elementType)")
        }
        return Tensor(unchecked: shape, .int64(out))
      }
    }
  }

  /// For each of `outer` × `inner` lines of `n` values (`v` row-major), the index of the
  /// greatest (or least) value; ties go to the first, or with `last` to the last. A NaN is
  /// never better than another value.
  static func bestIndices<T: Comparable & BitwiseCopyable>(
    _ v: [T], outer: Int, n: Int, inner: Int, greater: Bool, last: Bool
  ) -> [Int64] {
    let count = outer * inner
    return [Int64](uninitializedCount: count, zero: 0) { out, initialized in
      v.withUnsafeBufferPointer { v in
        guard let op = out.baseAddress else { return }
        // No values (the callers refuse an empty axis unless there are no lines): zeros.
        guard let vp = v.baseAddress, n > 0 else {
          op.initialize(repeating: 0, count: count)
          return
        }
        // The comparison chosen once, outside the loops: each line is then a run of loads
        // and compares.
        @inline(__always) func scan(_ better: (T, T) -> Bool) {
          for o in 0..<outer {
            for i in 0..<inner {
              var p = vp + o * n * inner + i
              var best = 0
              var bestValue = p.pointee
              for j in 1..<n {
                p += inner
                let value = p.pointee
                if better(value, bestValue) {
                  best = j
                  bestValue = value
                }
              }
              op[o * inner + i] = Int64(best)
            }
          }
        }
        switch (greater, last) {
        case (true, false): scan { $0 > $1 }
        case (true, true): scan { $0 >= $1 }
        case (false, false): scan { $0 < $1 }
        case (false, true): scan { $0 <= $1 }
        }
      }
      initialized = count
    }
  }

  /// How a reduction accumulates float tensors: in Float, element by element in row-major
  /// order, as onnxruntime does; a Double accumulator rounds differently, which matters
  /// when a later subtraction cancels (k-means distances |x|² − 2x·c + |c|²).
  struct FloatAccumulation: Sendable {
    let combine: @Sendable (Float, Float) -> Float
    let finish: @Sendable (Float, Int) -> Float
  }

  /// How a reduction accumulates int64 and int32 tensors: in Int64, wrapping as C and NumPy
  /// do, so that values beyond 2^53 stay exact (a Double accumulator rounds them).
  struct IntegerAccumulation: Sendable {
    let initial: Int64
    let combine: @Sendable (Int64, Int64) -> Int64
  }

  private static func reduce(
    _ name: String, axesInputSince: Int, initial: Double,
    combine: @escaping @Sendable (Double, Double) -> Double,
    finish: @escaping @Sendable (Double, Int) -> Double,
    float: FloatAccumulation? = nil, integer: IntegerAccumulation? = nil
  ) -> OperatorDefinition {
    OperatorRegistry.define("", name) { (ctx) throws(ModelError) in
      let axes = try ReducedAxes(ctx, name: name, axesInputSince: axesInputSince)
      return tensorKernel { (inputs) throws(ModelError) in
        let x = try inputs.take(0)
        guard let (reduced, outShape, n) = try axes.resolve(for: x, inputs) else { return x }
        if case .float(let v) = x.storage, let float {
          var acc = reduceAxes(v, shape: x.shape, reduced: reduced, initial: Float(initial), float.combine)
          for i in acc.indices { acc[i] = float.finish(acc[i], n) }
          return Tensor(unchecked: outShape, .float(acc))
        }
        switch (x.storage, integer) {
        case (.int64(let v), let integer?):
          return Tensor(
            unchecked: outShape,
            .int64(reduceAxes(v, shape: x.shape, reduced: reduced, initial: integer.initial, integer.combine)))
        case (.int32(let v), let integer?):
          let acc = reduceAxes(
            v.map(Int64.init), shape: x.shape, reduced: reduced, initial: integer.initial, integer.combine)
          return Tensor(unchecked: outShape, .int32(acc.map { Int32(truncatingIfNeeded: $0) }))
        default: break
        }
        guard let v = x.storage.doubles else { throw kernelError("\(name) needs numbers") }
        let acc = reduceAxes(v, shape: x.shape, reduced: reduced, initial: initial, combine)
        return Tensor(unchecked: outShape, storageOf(x.elementType, acc.map { finish($0, n) }))
      }
    }
  }
}

/// Folds the elements of a row-major tensor of `shape` over the `reduced` axes, visiting
/// them in row-major order; the result has the kept axes' shape.
private func reduceAxes<T>(
  _ v: [T], shape: [Int], reduced: [Bool], initial: T, _ combine: (T, T) -> T
) -> [T] {
  let rank = shape.count
  var kept = 1
  for d in 0..<rank where !reduced[d] { kept *= shape[d] }
  var acc = [T](filled: initial, count: kept)
  // Reduced axes that are the last ones (the last axis, or all): each result folds one
  // contiguous run, in the same order as the general walk below.
  if let first = reduced.firstIndex(of: true), reduced[first...].allSatisfy({ $0 }) {
    let run = shape[first...].reduce(1, *)
    guard run > 0 else { return acc }
    v.withUnsafeBufferPointer { v in
      acc.withUnsafeMutableBufferPointer { acc in
        for o in acc.indices {
          var a = acc[o]
          for e in (o * run)..<((o + 1) * run) { a = combine(a, v[e]) }
          acc[o] = a
        }
      }
    }
    return acc
  }
  // A reduced axis moves no output position: its stride is 0.
  let keptStrides = strides(of: (0..<rank).map { reduced[$0] ? 1 : shape[$0] })
  let outStrides = (0..<rank).map { reduced[$0] ? 0 : keptStrides[$0] }
  var counter = [Int](filled: 0, count: rank)
  for e in 0..<v.count {
    var o = 0
    for d in 0..<rank { o += counter[d] * outStrides[d] }
    acc[o] = combine(acc[o], v[e])
    advance(&counter, within: shape)
  }
  return acc
}

/// Softmax over `n` elements spaced `inner` apart, for each of `outer` blocks, with the
/// maximum subtracted first as onnxruntime does.
func softmaxInPlace<T: BinaryFloatingPoint & ElementaryMath>(
  _ v: inout [T], outer: Int, n: Int, inner: Int, log: Bool
) {
  v.withUnsafeMutableBufferPointer { v in
    for o in 0..<outer {
      for i in 0..<inner {
        let base = o * n * inner + i
        var m = -T.infinity
        for j in 0..<n { m = max(m, v[base + j * inner]) }
        var sum: T = 0
        if log {
          for j in 0..<n { sum += T.exponential(v[base + j * inner] - m) }
          let logSum = T.logarithm(sum)
          for j in 0..<n { v[base + j * inner] = v[base + j * inner] - m - logSum }
        } else {
          // Each exponential once, kept in place for the division (the same values and sum
          // as computing it again).
          for j in 0..<n {
            let e = T.exponential(v[base + j * inner] - m)
            v[base + j * inner] = e
            sum += e
          }
          for j in 0..<n { v[base + j * inner] = v[base + j * inner] / sum }
        }
      }
    }
  }
}
