import Foundation

/// The kernel of an ai.onnx.ml SVM node (`kernel_type` with `kernel_params`),
/// evaluated in Float as onnxruntime's SVMCommon does.
struct SVMKernelFunction: Sendable {
  enum Kind: String, Sendable {
    case linear = "LINEAR"
    case poly = "POLY"
    case rbf = "RBF"
    case sigmoid = "SIGMOID"
  }

  let kind: Kind
  let gamma: Float
  let coef0: Float
  let degree: Float

  /// Reads `kernel_type` (default LINEAR) and `kernel_params` (`[gamma, coef0, degree]`),
  /// which onnxruntime requires. onnxruntime reads an unknown kernel name as SIGMOID;
  /// fathom refuses it.
  init(_ ctx: NodeContext) throws(ModelError) {
    let name = try ctx.string("kernel_type", default: "LINEAR")
    guard let kind = Kind(rawValue: name) else { throw ctx.unsupported("kernel_type \(name)") }
    guard ctx.has("kernel_params") else { throw ctx.error("kernel_params is required") }
    let params = ctx.floats("kernel_params")
    guard params.isEmpty || params.count >= 3 else {
      throw ctx.error("kernel_params has \(params.count) values; it needs gamma, coef0 and degree")
    }
    self.init(kind: kind, params: params)
  }

  init(kind: Kind, params: [Float]) {
    self.kind = kind
    gamma = params.isEmpty ? 0 : params[0]
    coef0 = params.isEmpty ? 0 : params[1]
    degree = params.isEmpty ? 0 : params[2]
  }

  /// The kernel of one input row with every row of `vectors` (`count` rows of `f` values),
  /// plus `constant` for the GEMM-based kernels (LINEAR adds it as is).
  /// - Returns: `count` values.
  /// `vectors` (`count` rows of `f` values) rearranged for `evaluate`: each full group of
  /// eight vectors as `f` runs of eight values, feature by feature, so that eight vectors'
  /// sums advance together in the lanes of one SIMD register, each lane adding its features in
  /// the order a single vector's sum does.
  static func blocks(of vectors: [Float], count: Int, f: Int) -> [Float] {
    let groups = count / 8
    guard vectors.count >= count * f else { return [] }
    var out = [Float](filled: 0, count: groups * f * 8)
    for g in 0..<groups {
      for q in 0..<f {
        for lane in 0..<8 { out[(g * f + q) * 8 + lane] = vectors[(g * 8 + lane) * f + q] }
      }
    }
    return out
  }

  func evaluate(
    _ x: ArraySlice<Float>, _ vectors: [Float], count: Int, f: Int, constant: Float = 0, blocks: [Float] = []
  ) -> [Float] {
    [Float](uninitializedCount: count, zero: 0) { out, initialized in
      evaluate(x, vectors, count: count, f: f, constant: constant, blocks: blocks, into: out)
      initialized = count
    }
  }

  /// `evaluate(_:_:count:f:constant:blocks:)` written into `out` (`count` values).
  func evaluate(
    _ x: ArraySlice<Float>, _ vectors: [Float], count: Int, f: Int, constant: Float = 0, blocks: [Float] = [],
    into out: UnsafeMutableBufferPointer<Float>
  ) {
    // The kind is decided once, outside the loops, and the rows are read through buffers:
    // with a switch and checked slice indexing per term, a one-row SVC spent ~20
    // instructions per support-vector feature. Each sum still runs over the features in
    // order, as onnxruntime's does.
    x.withUnsafeBufferPointer { x in
      vectors.withUnsafeBufferPointer { vectors in
        // Full groups of eight vectors from `blocks`, eight sums in the lanes of a register.
        typealias V = SIMD8<Float>
        let grouped = blocks.count == (count / 8) * f * 8 ? count / 8 : 0
        withUnsafeTemporaryAllocation(of: V.self, capacity: grouped) { lanes in
          lanes.initialize(repeating: V())
          blocks.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, let xBase = x.baseAddress else { return }
            // Four groups at a time: one group's sums are a chain of dependent additions,
            // so four chains side by side keep the adder busy. Each lane still adds its
            // features in order.
            if kind == .rbf {
              accumulate(xBase, base, f: f, into: lanes, squaredDistance: true)
            } else {
              accumulate(xBase, base, f: f, into: lanes, squaredDistance: false)
            }
          }
          switch kind {
          case .rbf:
            for g in 0..<grouped {
              let e = exponential(-gamma * lanes[g])
              for lane in 0..<8 { out[g * 8 + lane] = e[lane] }
            }
            // The vectors after the last full group, one sum at a time, then their
            // exponentials eight at a time (lane by lane the same as the groups').
            var v = grouped * 8
            while v < count {
              let m = min(8, count - v)
              var scaled = SIMD8<Float>()
              for lane in 0..<m {
                let row = (v + lane) * f
                var sum: Float = 0
                for q in 0..<f {
                  let d = x[q] - vectors[row + q]
                  sum += d * d
                }
                scaled[lane] = -gamma * sum
              }
              let e = exponential(scaled)
              for lane in 0..<m { out[v + lane] = e[lane] }
              v += m
            }
          case .linear, .poly, .sigmoid:
            let alpha: Float = kind == .linear ? 1 : gamma
            let c = kind == .linear ? constant : coef0
            for g in 0..<grouped {
              for lane in 0..<8 { out[g * 8 + lane] = finish(alpha * lanes[g][lane], c) }
            }
            for v in (grouped * 8)..<count {
              let row = v * f
              var dot: Float = 0
              for q in 0..<f { dot += x[q] * vectors[row + q] }
              out[v] = finish(alpha * dot, c)
            }
          }
        }
      }
    }
  }

  /// For each group g of `lanes`, eight sums over the `f` features of one input row `x`, from
  /// `blocks` as `blocks(of:count:f:)` lays them out: of (x[q] − v[q])² with
  /// `squaredDistance`, of x[q]·v[q] without, q in order; four groups at a time, then one.
  @inline(__always)
  private func accumulate(
    _ x: UnsafePointer<Float>, _ blocks: UnsafePointer<Float>, f: Int,
    into lanes: UnsafeMutableBufferPointer<SIMD8<Float>>, squaredDistance: Bool
  ) {
    typealias V = SIMD8<Float>
    @inline(__always) func step(_ acc: inout V, _ x: V, _ lane: V) {
      if squaredDistance {
        let d = x - lane
        acc = acc + d * d
      } else {
        acc = acc + x * lane
      }
    }
    let stride = f * 8
    var g = 0
    while g + 4 <= lanes.count {
      var a0 = V(), a1 = V(), a2 = V(), a3 = V()
      var p = UnsafeRawPointer(blocks + g * stride)
      for q in 0..<f {
        let xq = V(repeating: x[q])
        step(&a0, xq, p.loadUnaligned(as: V.self))
        step(&a1, xq, p.loadUnaligned(fromByteOffset: stride * 4, as: V.self))
        step(&a2, xq, p.loadUnaligned(fromByteOffset: stride * 8, as: V.self))
        step(&a3, xq, p.loadUnaligned(fromByteOffset: stride * 12, as: V.self))
        p += 32
      }
      (lanes[g], lanes[g + 1], lanes[g + 2], lanes[g + 3]) = (a0, a1, a2, a3)
      g += 4
    }
    while g < lanes.count {
      var acc = V()
      var p = UnsafeRawPointer(blocks + g * stride)
      for q in 0..<f {
        step(&acc, V(repeating: x[q]), p.loadUnaligned(as: V.self))
        p += 32
      }
      lanes[g] = acc
      g += 1
    }
  }

  /// A dot-product kernel's value from `alpha · dot` and the constant `c`.
  @inline(__always)
  private func finish(_ scaled: Float, _ c: Float) -> Float {
    var value = scaled
    if c != 0 { value += c }
    switch kind {
    case .poly:
      if degree == 2 { return value * value }
      if degree == 3 { return value * value * value }
      return powf(value, degree)
    case .sigmoid: return tanhf(value)
    default: return value
    }
  }
}

/// Float rows of a 1-D (one row) or 2-D numeric input, as the SVM kernels cast them.
func svmInputRows(_ t: Tensor) throws(ModelError) -> (values: [Float], n: Int, f: Int) {
  let values: [Float]
  switch t.storage {
  case .float(let v): values = v
  case .double, .int64, .int32:
    guard let d = t.storage.doubles else {
      throw kernelError("expected numbers, got \(t.elementType)")
    }
    values = d.map { Float($0) }
  default:
    throw kernelError("the SVM takes float, double or integer input, got \(t.elementType)")
  }
  switch t.rank {
  case 1: return (values, 1, t.count)
  case 2: return (values, t.shape[0], t.shape[1])
  default: throw kernelError("expected a 1-D or 2-D input, got shape \(t.shape)")
  }
}
