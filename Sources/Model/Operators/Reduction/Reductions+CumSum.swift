extension Reductions {
  /// CumSum: running sums along an axis given as an input; `exclusive` leaves each element
  /// out of its own sum, `reverse` sums from the end. Floats accumulate in Float, in order.
  static func cumulativeSum() -> OperatorDefinition {
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
