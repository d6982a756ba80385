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
  func evaluate(
    _ x: ArraySlice<Float>, _ vectors: [Float], count: Int, f: Int, constant: Float = 0
  ) -> [Float] {
    var out = [Float](filled: 0, count: count)
    let base = x.startIndex
    for v in 0..<count {
      let row = v * f
      switch kind {
      case .rbf:
        var sum: Float = 0
        for q in 0..<f {
          let d = x[base + q] - vectors[row + q]
          sum += d * d
        }
        out[v] = expf(-gamma * sum)
      case .linear, .poly, .sigmoid:
        var dot: Float = 0
        for q in 0..<f { dot += x[base + q] * vectors[row + q] }
        let alpha: Float = kind == .linear ? 1 : gamma
        let c = kind == .linear ? constant : coef0
        var value = alpha * dot
        if c != 0 { value += c }
        switch kind {
        case .poly:
          if degree == 2 {
            value = value * value
          } else if degree == 3 {
            value = value * value * value
          } else {
            value = powf(value, degree)
          }
        case .sigmoid:
          value = tanhf(value)
        default:
          break
        }
        out[v] = value
      }
    }
    return out
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
