import Foundation

/// Softmax, arg-max and the Reduce operators.
enum Reductions {
  static var definitions: [OperatorDefinition] {
    [
      softmax("Softmax", log: false),
      softmax("LogSoftmax", log: true),
      argExtreme("ArgMax", greater: true),
      argExtreme("ArgMin", greater: false),
      reduce("ReduceSum", axesInputSince: 13, initial: 0, combine: { $0 + $1 }, finish: { v, _ in v }),
      reduce("ReduceMean", axesInputSince: 18, initial: 0, combine: { $0 + $1 }, finish: { v, n in v / Double(n) }),
      reduce("ReduceMax", axesInputSince: 18, initial: -.infinity, combine: { max($0, $1) }, finish: { v, _ in v }),
      reduce("ReduceMin", axesInputSince: 18, initial: .infinity, combine: { min($0, $1) }, finish: { v, _ in v }),
      reduce("ReduceProd", axesInputSince: 18, initial: 1, combine: { $0 * $1 }, finish: { v, _ in v }),
      reduce("ReduceSumSquare", axesInputSince: 18, initial: 0, combine: { $0 + $1 * $1 }, finish: { v, _ in v }),
      reduce("ReduceL2", axesInputSince: 18, initial: 0, combine: { $0 + $1 * $1 }, finish: { v, _ in v.squareRoot() }),
      reduce("ReduceLogSumExp", axesInputSince: 18, initial: 0, combine: { $0 + exp($1) }, finish: { v, _ in log(v) }),
    ]
  }

  private static func softmax(_ name: String, log: Bool) -> OperatorDefinition {
    OperatorRegistry.define("", name) { (ctx) throws(ModelError) in
      let axis = try ctx.int("axis", default: ctx.opset >= 13 ? -1 : 1)
      let flattens = ctx.opset < 13
      let isLog = name == "LogSoftmax"
      return tensorKernel { (inputs) throws(ModelError) in
        let x = try inputs.tensor(0)
        let a = try normalizeAxis(axis, rank: x.rank)
        // Before opset 13 the input is seen as 2-D: [outer, everything from axis on].
        let inner = flattens ? 1 : x.shape[(a + 1)...].reduce(1, *)
        let n = flattens ? x.shape[a...].reduce(1, *) : x.shape[a]
        let outer = x.count / max(n * inner, 1)
        switch x.storage {
        case .float(var v):
          softmaxInPlace(&v, outer: outer, n: n, inner: inner, log: isLog)
          return Tensor(unchecked: x.shape, .float(v))
        case .double(var v):
          softmaxInPlace(&v, outer: outer, n: n, inner: inner, log: isLog)
          return Tensor(unchecked: x.shape, .double(v))
        default: throw kernelError("\(name) needs floats")
        }
      }
    }
  }

  private static func argExtreme(_ name: String, greater: Bool) -> OperatorDefinition {
    OperatorRegistry.define("", name) { (ctx) throws(ModelError) in
      let axis = try ctx.int("axis", default: 0)
      let keepDims = try ctx.int("keepdims", default: 1) != 0
      let selectLast = try ctx.int("select_last_index", default: 0) != 0
      return tensorKernel { (inputs) throws(ModelError) in
        let x = try inputs.tensor(0)
        guard let v = x.storage.doubles else { throw kernelError("\(name) needs numbers") }
        let a = try normalizeAxis(axis, rank: x.rank)
        let n = x.shape[a]
        let inner = x.shape[(a + 1)...].reduce(1, *)
        let outer = x.shape[..<a].reduce(1, *)
        guard n > 0 || outer * inner == 0 else { throw kernelError("\(name) over an empty axis \(a) of \(x.shape)") }
        var out = [Int64](repeating: 0, count: outer * inner)
        for o in 0..<outer {
          for i in 0..<inner {
            var best = 0
            var bestValue = v[o * n * inner + i]
            for j in 1..<max(n, 1) {
              let value = v[(o * n + j) * inner + i]
              let better = greater ? value > bestValue : value < bestValue
              if better || (selectLast && value == bestValue) {
                best = j
                bestValue = value
              }
            }
            out[o * inner + i] = Int64(best)
          }
        }
        var shape = x.shape
        if keepDims { shape[a] = 1 } else { shape.remove(at: a) }
        return Tensor(unchecked: shape, .int64(out))
      }
    }
  }

  private static func reduce(
    _ name: String, axesInputSince: Int, initial: Double,
    combine: @escaping @Sendable (Double, Double) -> Double,
    finish: @escaping @Sendable (Double, Int) -> Double
  ) -> OperatorDefinition {
    OperatorRegistry.define("", name) { (ctx) throws(ModelError) in
      let attrAxes = ctx.ints("axes").map(Int.init)
      let keepDims = try ctx.int("keepdims", default: 1) != 0
      let noopWithEmpty = try ctx.int("noop_with_empty_axes", default: 0) != 0
      let axesFromInput = ctx.opset >= axesInputSince
      return tensorKernel { (inputs) throws(ModelError) in
        let x = try inputs.tensor(0)
        guard let v = x.storage.doubles else { throw kernelError("\(name) needs numbers") }
        var axes = attrAxes
        if axesFromInput { axes = try inputs.optionalTensor(1)?.integers("\(name)'s axes") ?? [] }
        if axes.isEmpty {
          if noopWithEmpty { return x }
          axes = Array(0..<x.rank)
        }
        let reduced = try Set(axes.map { (a) throws(ModelError) in try normalizeAxis(a, rank: x.rank) })
        var outShape: [Int] = []
        for (i, d) in x.shape.enumerated() {
          if reduced.contains(i) {
            if keepDims { outShape.append(1) }
          } else {
            outShape.append(d)
          }
        }
        let keptShape = x.shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        let outCount = keptShape.reduce(1, *)
        var acc = [Double](repeating: initial, count: outCount)
        let outStrides = strides(of: keptShape)
        var counter = [Int](repeating: 0, count: x.rank)
        for e in 0..<v.count {
          var o = 0
          for d in 0..<x.rank where !reduced.contains(d) { o += counter[d] * outStrides[d] }
          acc[o] = combine(acc[o], v[e])
          var d = x.rank - 1
          while d >= 0 {
            counter[d] += 1
            if counter[d] < x.shape[d] { break }
            counter[d] = 0
            d -= 1
          }
        }
        let n = reduced.map { x.shape[$0] }.reduce(1, *)
        let result = acc.map { finish($0, n) }
        return Tensor(unchecked: outShape, storageOf(x.elementType, result))
      }
    }
  }
}

/// Softmax over `n` elements spaced `inner` apart, for each of `outer` blocks, with the
/// maximum subtracted first as onnxruntime does.
func softmaxInPlace<T: BinaryFloatingPoint & ElementaryMath>(
  _ v: inout [T], outer: Int, n: Int, inner: Int, log: Bool
) {
  for o in 0..<outer {
    for i in 0..<inner {
      let base = o * n * inner + i
      var m = -T.infinity
      for j in 0..<n { m = max(m, v[base + j * inner]) }
      var sum: T = 0
      for j in 0..<n { sum += T.exponential(v[base + j * inner] - m) }
      for j in 0..<n {
        let idx = base + j * inner
        v[idx] = log ? (v[idx] - m - T.logarithm(sum)) : T.exponential(v[idx] - m) / sum
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
