/// LinearClassifier and LinearRegressor (ai.onnx.ml), as onnxruntime computes them in Float.
enum LinearModels {
  static var definitions: [OperatorDefinition] {
    let ml = OperatorRegistry.mlDomain
    return [
      OperatorRegistry.define(ml, "LinearClassifier", opsets: 1...5) { (ctx) throws(ModelError) in
        let coefficients = ctx.floats("coefficients")
        let intercepts = ctx.floats("intercepts")
        let post = try PostTransform(name: try ctx.string("post_transform", default: "NONE"), context: ctx)
        let strings = ctx.strings("classlabels_strings")
        let ints = ctx.ints("classlabels_ints")
        guard !strings.isEmpty || !ints.isEmpty else { throw ctx.error("the classifier has no class labels") }
        guard !coefficients.isEmpty else { throw ctx.error("coefficients are missing") }
        let labelCount = strings.isEmpty ? ints.count : strings.count
        return ClosureKernel { (inputs) throws(ModelError) in
          let x = try floatRows(try inputs.tensor(0))
          let c = intercepts.isEmpty ? coefficients.count / max(x.f, 1) : intercepts.count
          guard c > 0, coefficients.count == c * x.f else {
            throw kernelError("\(coefficients.count) coefficients do not fit \(c) classes of \(x.f) features")
          }
          let scores = affine(x.values, n: x.n, f: x.f, coefficients, intercepts, c)
          // The label comes from the raw scores.
          var chosen = [Int](repeating: 0, count: x.n)
          for r in 0..<x.n {
            if c == 1 {
              chosen[r] = scores[r] > 0 ? 1 : 0
            } else {
              var best = 0
              for j in 1..<c where scores[r * c + j] > scores[r * c + best] { best = j }
              chosen[r] = best
            }
          }
          let twoColumns = c == 1 && labelCount == 2
          let width = twoColumns ? 2 : c
          var z = [Float](repeating: 0, count: x.n * width)
          if twoColumns {
            for r in 0..<x.n {
              let s = scores[r]
              if post == .probit {
                z[r * 2] = computeProbit(s)
              } else {
                z[r * 2] = 1 - s
                z[r * 2 + 1] = s
              }
            }
          } else if c == 1 {
            for r in 0..<x.n { z[r] = post == .probit ? computeProbit(scores[r]) : scores[r] }
          } else {
            z = scores
            if post != .none {
              z.withUnsafeMutableBufferPointer { zb in
                for r in 0..<x.n { post.apply(UnsafeMutableBufferPointer(rebasing: zb[(r * c)..<(r * c + c)])) }
              }
            }
          }
          let label: Tensor
          if !strings.isEmpty {
            label = Tensor(unchecked: [x.n], .string(chosen.map { c == 1 && labelCount != 2 ? "\($0)" : strings[min($0, strings.count - 1)] }))
          } else {
            label = Tensor(unchecked: [x.n], .int64(chosen.map { c == 1 && labelCount != 2 ? Int64($0) : ints[min($0, ints.count - 1)] }))
          }
          return [.tensor(label), .tensor(Tensor(unchecked: [x.n, width], .float(z)))]
        }
      },
      OperatorRegistry.define(ml, "LinearRegressor", opsets: 1...5) { (ctx) throws(ModelError) in
        let coefficients = ctx.floats("coefficients")
        let intercepts = ctx.floats("intercepts")
        let targets = try ctx.int("targets", default: 1)
        let post = try PostTransform(name: try ctx.string("post_transform", default: "NONE"), context: ctx)
        guard targets > 0, !coefficients.isEmpty, coefficients.count % targets == 0 else {
          throw ctx.error("\(coefficients.count) coefficients do not fit \(targets) targets")
        }
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try floatRows(try inputs.tensor(0))
          guard coefficients.count == targets * x.f else {
            throw kernelError("the model has \(coefficients.count / targets) coefficients per target but the input has \(x.f) columns")
          }
          var y = affine(x.values, n: x.n, f: x.f, coefficients, intercepts.count == targets ? intercepts : [], targets)
          if post != .none {
            if targets == 1 {
              if post == .probit { y = y.map(computeProbit) }
            } else {
              y.withUnsafeMutableBufferPointer { yb in
                for r in 0..<x.n { post.apply(UnsafeMutableBufferPointer(rebasing: yb[(r * targets)..<(r * targets + targets)])) }
              }
            }
          }
          return Tensor(unchecked: [x.n, targets], .float(y))
        }
      },
    ]
  }
}

/// A 1-D or 2-D numeric input as Float rows.
func floatRows(_ t: Tensor) throws(ModelError) -> (values: [Float], n: Int, f: Int) {
  let values: [Float]
  switch t.storage {
  case .float(let v): values = v
  default:
    guard let d = t.storage.doubles else { throw kernelError("expected numbers, got \(t.elementType)") }
    values = d.map { Float($0) }
  }
  switch t.rank {
  case 1: return (values, 1, t.count)
  case 2: return (values, t.shape[0], t.shape[1])
  default: throw kernelError("expected a 1-D or 2-D input, got shape \(t.shape)")
  }
}

/// Y[n, c] = X[n, :] · W[c, :] + b[c], summed in Float in feature order.
func affine(_ x: [Float], n: Int, f: Int, _ w: [Float], _ b: [Float], _ c: Int) -> [Float] {
  var y = [Float](repeating: 0, count: n * c)
  // The callers checked x.count == n·f and w.count == c·f; the loops stay inside both.
  y.withUnsafeMutableBufferPointer { yb in
    x.withUnsafeBufferPointer { xb in
      w.withUnsafeBufferPointer { wb in
        for r in 0..<n {
          let xr = r * f
          for j in 0..<c {
            var s: Float = 0
            let wj = j * f
            for q in 0..<f { s += xb[xr + q] * wb[wj + q] }
            yb[r * c + j] = s + (b.isEmpty ? 0 : b[j])
          }
        }
      }
    }
  }
  return y
}
