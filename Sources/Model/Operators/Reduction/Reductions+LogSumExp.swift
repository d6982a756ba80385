extension Reductions {
  /// ReduceLogSumExp as onnxruntime computes it, in the tensor's own floating-point type:
  /// for each result, the maximum m of its elements, then log(Σ exp(x − m)) + m, so that exp
  /// never sees a large argument (1000 and 1000 give 1000.69, not infinity). Integers go
  /// through doubles.
  static func logSumExp() -> OperatorDefinition {
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
