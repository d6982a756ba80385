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
        // The score width when the intercepts give the class count (else it depends on the input).
        let shapes = RowShapes(width: intercepts.count == 1 && labelCount == 2 ? 2 : intercepts.count)
        return ClosureKernel { (inputs, outputs) throws(ModelError) in
          let x = try floatRows(try inputs.take(0))
          let c = intercepts.isEmpty ? coefficients.count / max(x.f, 1) : intercepts.count
          guard c > 0, coefficients.count == c * x.f else {
            throw kernelError("\(coefficients.count) coefficients do not fit \(c) classes of \(x.f) features")
          }
          // One score: the label is its sign; two labels get the columns 1 - s and s.
          let twoColumns = c == 1 && labelCount == 2
          let width = twoColumns ? 2 : c
          var z = [Float](filled: 0, count: x.n * width)
          /// Scores every row into `z` and passes each row's class index to `label`.
          func score(label: (Int, Int) -> Void) {
            z.withUnsafeMutableBufferPointer { z in
              affine(x.values, n: x.n, f: x.f, coefficients, intercepts, c, into: z, stride: width)
              for r in 0..<x.n {
                let row = UnsafeMutableBufferPointer(rebasing: z[(r * width)..<(r * width + width)])
                // The label comes from the raw scores.
                if c == 1 {
                  let s = row[0]
                  label(r, s > 0 ? 1 : 0)
                  if post == .probit {
                    row[0] = computeProbit(s)
                  } else if twoColumns {
                    row[0] = 1 - s
                    row[1] = s
                  }
                } else {
                  var best = 0
                  for j in 1..<c where row[j] > row[best] { best = j }
                  label(r, best)
                  post.apply(row)
                }
              }
            }
          }
          // A single score with other than two labels yields the index itself.
          let indexIsLabel = c == 1 && labelCount != 2
          let label: Tensor.Storage
          if !strings.isEmpty {
            var chosen = [String](filled: "", count: x.n)
            score { r, i in chosen[r] = indexIsLabel ? "\(i)" : strings[min(i, strings.count - 1)] }
            label = .string(chosen)
          } else {
            var chosen = [Int64](filled: 0, count: x.n)
            chosen.withUnsafeMutableBufferPointer { chosen in
              score { r, i in chosen[r] = indexIsLabel ? Int64(i) : ints[min(i, ints.count - 1)] }
            }
            label = .int64(chosen)
          }
          outputs.set(0, .tensor(Tensor(unchecked: shapes.rows(x.n), label)))
          outputs.set(1, .tensor(Tensor(unchecked: shapes.matrix(x.n, width: width), .float(z))))
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
          let x = try floatRows(try inputs.take(0))
          guard coefficients.count == targets * x.f else {
            throw kernelError(
              "the model has \(coefficients.count / targets) coefficients per target but the input has \(x.f) columns")
          }
          var y = affine(x.values, n: x.n, f: x.f, coefficients, intercepts.count == targets ? intercepts : [], targets)
          if post != .none {
            if targets == 1 {
              if post == .probit { y = y.map(computeProbit) }
            } else {
              y.withUnsafeMutableBufferPointer { yb in
                for r in 0..<x.n {
                  post.apply(UnsafeMutableBufferPointer(rebasing: yb[(r * targets)..<(r * targets + targets)]))
                }
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
  var y = [Float](filled: 0, count: n * c)
  y.withUnsafeMutableBufferPointer { affine(x, n: n, f: f, w, b, c, into: $0, stride: c) }
  return y
}

/// Writes X[r, :] · W[j, :] + b[j] to `y[r * stride + j]`, summed in Float in feature order.
/// The caller checked x.count == n·f, w.count == c·f, and that `y` holds n rows of `stride` ≥ c.
func affine(
  _ x: [Float], n: Int, f: Int, _ w: [Float], _ b: [Float], _ c: Int, into y: UnsafeMutableBufferPointer<Float>,
  stride: Int
) {
  x.withUnsafeBufferPointer { xb in
    w.withUnsafeBufferPointer { wb in
      guard var xr = xb.baseAddress, let w0 = wb.baseAddress, var yr = y.baseAddress else { return }
      for _ in 0..<n {
        var wj = w0
        for j in 0..<c {
          var s: Float = 0
          for q in 0..<f { s += xr[q] * wj[q] }
          yr[j] = s + (b.isEmpty ? 0 : b[j])
          wj += f
        }
        xr += f
        yr += stride
      }
    }
  }
}
