import Foundation

/// The score transforms of the ai.onnx.ml operators, computed in Float as onnxruntime does.
enum PostTransform: Sendable {
  case none, logistic, softmax, softmaxZero, probit

  /// Parses the opset-1/3 string; onnxruntime reads any unknown string as PROBIT,
  /// but fathom refuses it rather than guess.
  init(name: String, context: NodeContext) throws(ModelError) {
    switch name {
    case "NONE": self = .none
    case "LOGISTIC": self = .logistic
    case "SOFTMAX": self = .softmax
    case "SOFTMAX_ZERO": self = .softmaxZero
    case "PROBIT": self = .probit
    default: throw context.unsupported("post_transform \(name)")
    }
  }

  /// The opset-5 integer form, as the ONNX spec numbers it: 0 NONE, 1 SOFTMAX, 2 LOGISTIC,
  /// 3 SOFTMAX_ZERO, 4 PROBIT. (onnxruntime 1.32 reads 1 and 2 the other way round, its own
  /// enum's order; docs/ZOO.md says how the zoo's expected outputs allow for that.)
  init(code: Int, context: NodeContext) throws(ModelError) {
    switch code {
    case 0: self = .none
    case 1: self = .softmax
    case 2: self = .logistic
    case 3: self = .softmaxZero
    case 4: self = .probit
    default: throw context.unsupported("post_transform \(code)")
    }
  }

  /// Applies the transform to a vector of two or more scores.
  func apply(_ s: inout [Float]) {
    s.withUnsafeMutableBufferPointer { apply($0) }
  }

  /// Applies the transform in place to one row of scores.
  func apply(_ s: UnsafeMutableBufferPointer<Float>) {
    switch self {
    case .none: break
    case .logistic: for i in s.indices { s[i] = computeLogistic(s[i]) }
    case .probit: for i in s.indices { s[i] = computeProbit(s[i]) }
    case .softmax: computeSoftmax(s)
    case .softmaxZero: computeSoftmaxZero(s)
    }
  }
}

/// onnxruntime's ComputeLogistic: symmetric, in Float.
@inline(__always)
func computeLogistic(_ v: Float) -> Float {
  let e = 1 / (1 + expf(-abs(v)))
  return v < 0 ? 1 - e : e
}

/// onnxruntime's ErfInv (Winitzki's approximation, a = 0.147).
func erfInv(_ x: Float) -> Float {
  let sign: Float = x < 0 ? -1 : 1
  let y = (1 - x) * (1 + x)
  let l = logf(y)
  let v = 2 / (Float.pi * 0.147) + 0.5 * l
  let v2 = 1 / 0.147 * l
  let v3 = -v + (v * v - v2).squareRoot()
  return sign * v3.squareRoot()
}

@inline(__always)
func computeProbit(_ v: Float) -> Float { Float(2.0.squareRoot()) * erfInv(2 * v - 1) }

/// Softmax with the maximum subtracted, summed in order, in Float.
func computeSoftmax(_ s: UnsafeMutableBufferPointer<Float>) {
  var m = -Float.greatestFiniteMagnitude
  for v in s where v > m { m = v }
  var sum: Float = 0
  for i in s.indices {
    s[i] = expf(s[i] - m)
    sum += s[i]
  }
  for i in s.indices { s[i] /= sum }
}

/// Softmax that leaves scores of (almost) exactly zero at zero.
func computeSoftmaxZero(_ s: UnsafeMutableBufferPointer<Float>) {
  var m = -Float.greatestFiniteMagnitude
  for v in s where v > m { m = v }
  let expNegMax = expf(-m)
  var sum: Float = 0
  for i in s.indices {
    if s[i] > 1e-7 || s[i] < -1e-7 {
      s[i] = expf(s[i] - m)
      sum += s[i]
    } else {
      s[i] *= expNegMax
    }
  }
  for i in s.indices { s[i] /= sum }
}
