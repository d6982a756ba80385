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

/// A reduction's axes: the `axes` attribute, or since `axesInputSince` the optional second
/// input (read once when it is a constant), with `keepdims` and `noop_with_empty_axes`.
private struct ReducedAxes: Sendable {
  let name: String
  let attribute: [Int]
  let keepDims: Bool
  let noopWithEmpty: Bool
  let fromInput: Bool
  let constant: [Int]?
  /// `resolve`'s answer for the last input shape, when the axes are fixed (an attribute or a
  /// constant input).
  private let resolved = ShapeCache<[Int], (reduced: [Bool], shape: [Int], n: Int)?>()

  init(_ ctx: NodeContext, name: String, axesInputSince: Int) throws(ModelError) {
    self.name = name
    attribute = ctx.ints("axes").map(Int.init)
    keepDims = try ctx.int("keepdims", default: 1) != 0
    noopWithEmpty = try ctx.int("noop_with_empty_axes", default: 0) != 0
    fromInput = ctx.opset >= axesInputSince
    constant = fromInput && ctx.constantInputs.count > 1 ? try ctx.constantInputs[1]?.integers("\(name)'s axes") : nil
  }

  /// For `x`: which axes are reduced (a mask: a set's hashing, per element, was most of a
  /// small reduction's cost), the result's shape and how many elements each result folds;
  /// nil when the reduction leaves `x` as it is (no axes and `noop_with_empty_axes`).
  func resolve(for x: Tensor, _ inputs: KernelInputs) throws(ModelError) -> (
    reduced: [Bool], shape: [Int], n: Int
  )? {
    guard let fixed = constant ?? (fromInput ? nil : attribute) else {
      return try resolve(x.shape, axes: try inputs.optionalTensor(1)?.integers("\(name)'s axes") ?? [])
    }
    return try resolved.value(for: x.shape) { () throws(ModelError) in try resolve(x.shape, axes: fixed) }
  }

  /// `resolve(for:_:)` for an input of `shape` and these axes.
  private func resolve(_ shape: [Int], axes given: [Int]) throws(ModelError) -> (
    reduced: [Bool], shape: [Int], n: Int
  )? {
    var axes = given
    let rank = shape.count
    if axes.isEmpty {
      if noopWithEmpty { return nil }
      axes = Array(0..<rank)
    }
    var reduced = [Bool](filled: false, count: rank)
    for a in axes { reduced[try normalizeAxis(a, rank: rank)] = true }
    var outShape: [Int] = []
    var n = 1
    for (i, d) in shape.enumerated() {
      if reduced[i] {
        n *= d
        if keepDims { outShape.append(1) }
      } else {
        outShape.append(d)
      }
    }
    return (reduced, outShape, n)
  }
}

extension Reductions {
  /// ReduceLogSumExp as onnxruntime computes it, in the tensor's own floating-point type:
  /// for each result, the maximum m of its elements, then log(Σ exp(x − m)) + m, so that exp
  /// never sees a large argument (1000 and 1000 give 1000.69, not infinity). Integers go
  /// through doubles.
  fileprivate static func logSumExp() -> OperatorDefinition {
    let name = "ReduceLogSumExp"
    return OperatorRegistry.define("", name) { (ctx) throws(ModelError) in
      let axes = try ReducedAxes(ctx, name: name, axesInputSince: 18)
      return tensorKernel { (inputs) throws(ModelError) in
        let x = try inputs.take(0)
        guard let (reduced, outShape, n) = try axes.resolve(for: x, inputs) else { return x }
        let count = outShape.reduce(1, *)
        switch x.storage {
        case .float(let v):
          return Tensor(
            unchecked: outShape, .float(logSumExpLines(reducedLast(v, x.shape, reduced), count: count, run: n)))
        case .double(let v):
          return Tensor(
            unchecked: outShape, .double(logSumExpLines(reducedLast(v, x.shape, reduced), count: count, run: n)))
        default:
          guard x.elementType != .bool, let v = x.storage.doubles else {
            throw kernelError("\(name) needs numbers, got \(x.elementType)")
          }
          let sums = logSumExpLines(reducedLast(v, x.shape, reduced), count: count, run: n)
          return Tensor(unchecked: outShape, storageOf(x.elementType, sums))
        }
      }
    }
  }
}

/// `v` (row-major, of `shape`) with the `reduced` axes moved last, each keeping its order, so
/// that each result's elements are one contiguous run in the order a row-major walk meets
/// them; `v` itself when they are last already.
private func reducedLast<T>(_ v: [T], _ shape: [Int], _ reduced: [Bool]) -> [T] {
  guard let first = reduced.firstIndex(of: true), !reduced[first...].allSatisfy({ $0 }) else { return v }
  let order = shape.indices.filter { !reduced[$0] } + shape.indices.filter { reduced[$0] }
  let sourceStrides = strides(of: shape)
  let permutedShape = order.map { shape[$0] }
  let permutedStrides = order.map { sourceStrides[$0] }
  var out: [T] = []
  out.reserveCapacity(v.count)
  var counter = [Int](filled: 0, count: shape.count)
  for _ in 0..<v.count {
    var offset = 0
    for d in counter.indices { offset += counter[d] * permutedStrides[d] }
    out.append(v[offset])
    advance(&counter, within: permutedShape)
  }
  return out
}

/// log(Σ exp(x)) of each of the `count` contiguous runs of `run` elements that make up `v`
/// (count × run values: a reduction of a tensor, whose shape gives its size), as onnxruntime's
/// ReduceLogSumExp: the run's maximum m (NaNs passed over), then the exponentials of x − m
/// summed in order, log of the sum plus m. A run whose maximum is infinite (+∞, or every
/// element −∞, or no elements) sums exp(x) itself: +∞, −∞ or NaN, where x − m would make
/// every such run NaN.
func logSumExpLines<T: BinaryFloatingPoint & ElementaryMath & BitwiseCopyable>(_ v: [T], count: Int, run: Int) -> [T] {
  return [T](uninitializedCount: count, zero: 0) { out, initialized in
    v.withUnsafeBufferPointer { v in
      for o in 0..<count {
        let line = UnsafeBufferPointer(rebasing: v[(o * run)..<((o + 1) * run)])
        var m = -T.infinity
        for x in line where x > m { m = x }
        var sum: T = 0
        if m.isFinite {
          for x in line { sum += T.exponential(x - m) }
          out[o] = T.logarithm(sum) + m
        } else {
          for x in line { sum += T.exponential(x) }
          out[o] = T.logarithm(sum)
        }
      }
    }
    initialized = count
  }
}

extension Reductions {
  /// CumSum: running sums along an axis given as an input; `exclusive` leaves each element
  /// out of its own sum, `reverse` sums from the end. Floats accumulate in Float, in order.
  fileprivate static func cumulativeSum() -> OperatorDefinition {
    OperatorRegistry.define("", "CumSum", opsets: 11...22) { (ctx) throws(ModelError) in
      let exclusive = try ctx.int("exclusive", default: 0) != 0
      let reverse = try ctx.int("reverse", default: 0) != 0
      return tensorKernel { (inputs) throws(ModelError) in
        let x = try inputs.take(0)
        let axisSpec = try inputs.tensor(1)
        guard axisSpec.rank <= 1, axisSpec.count == 1, let axis = try axisSpec.integers("CumSum's axis").first else {
          throw kernelError("CumSum's axis must be a single integer, got shape \(axisSpec.shape)")
        }
        guard x.rank > 0 else { throw kernelError("CumSum needs a tensor of rank 1 or more") }
        let a = try normalizeAxis(axis, rank: x.rank)
        let layout = (n: x.shape[a], inner: x.shape[(a + 1)...].reduce(1, *), exclusive: exclusive, reverse: reverse)
        switch x.storage {
        case .float(let v): return Tensor(unchecked: x.shape, .float(runningSums(v, layout, +)))
        case .double(let v): return Tensor(unchecked: x.shape, .double(runningSums(v, layout, +)))
        // Integers wrap on overflow rather than trap.
        case .int64(let v): return Tensor(unchecked: x.shape, .int64(runningSums(v, layout, &+)))
        case .int32(let v): return Tensor(unchecked: x.shape, .int32(runningSums(v, layout, &+)))
        default: throw kernelError("CumSum needs numbers, got \(x.elementType)")
        }
      }
    }
  }
}

/// Running sums along lines of `n` elements spaced `inner` apart.
private func runningSums<T: AdditiveArithmetic>(
  _ v: [T], _ layout: (n: Int, inner: Int, exclusive: Bool, reverse: Bool), _ add: (T, T) -> T
) -> [T] {
  let (n, inner) = (layout.n, layout.inner)
  var out = [T](filled: .zero, count: v.count)
  guard n > 0, inner > 0 else { return out }
  let outer = v.count / (n * inner)
  for o in 0..<outer {
    for i in 0..<inner {
      var sum = T.zero
      for step in 0..<n {
        let j = layout.reverse ? n - 1 - step : step
        let index = (o * n + j) * inner + i
        if layout.exclusive {
          out[index] = sum
          sum = add(sum, v[index])
        } else {
          sum = add(sum, v[index])
          out[index] = sum
        }
      }
    }
  }
  return out
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

/// The few transcendental functions kernels need, for Float and Double alike.
protocol ElementaryMath {
  static func exponential(_ x: Self) -> Self
  static func logarithm(_ x: Self) -> Self
}

extension Float: ElementaryMath {
  static func exponential(_ x: Float) -> Float { expf(x) }
  static func logarithm(_ x: Float) -> Float { logf(x) }
}

extension Double: ElementaryMath {
  static func exponential(_ x: Double) -> Double { exp(x) }
  static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
}
