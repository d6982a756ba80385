/// TreeEnsembleClassifier, TreeEnsembleRegressor (ai.onnx.ml 1 and 3) and TreeEnsemble (5),
/// following onnxruntime's aggregation and finalisation rules exactly.
struct TreeEnsembleKernel: Kernel {
  enum Aggregate: Sendable { case sum, average, min, max }
  enum Labels: Sendable {
    case int64([Int64])
    case string([String])
    var count: Int {
      switch self {
      case .int64(let v): v.count
      case .string(let v): v.count
      }
    }
  }

  let floatForest: TreeForest<Float>
  let doubleForest: TreeForest<Double>
  let targets: Int
  let aggregate: Aggregate
  let post: PostTransform
  let baseValues: [Double]
  /// Set for classifiers.
  let labels: Labels?
  let binaryCase: Bool
  let weightsAllPositive: Bool

  func run(_ inputs: [Value?]) throws(ModelError) -> [Value] {
    let x = try inputs.tensor(0)
    let (n, f): (Int, Int)
    switch x.rank {
    case 1: (n, f) = (1, x.count)
    case 2: (n, f) = (x.shape[0], x.shape[1])
    default: throw kernelError("the input should be 1-D or 2-D, got shape \(x.shape)")
    }
    guard floatForest.maxFeature < f else {
      throw kernelError("the trees read feature \(floatForest.maxFeature) but the input has \(f) columns")
    }
    switch x.storage {
    case .double(let v): return try evaluate(doubleForest, v, n: n, f: f)
    case .float(let v): return try evaluate(floatForest, v, n: n, f: f)
    default:
      guard let d = x.storage.doubles else { throw kernelError("tree ensembles need numeric input") }
      return try evaluate(floatForest, d.map { Float($0) }, n: n, f: f)
    }
  }

  private func evaluate<T: BinaryFloatingPoint & Sendable>(
    _ forest: TreeForest<T>, _ x: [T], n: Int, f: Int
  ) throws(ModelError) -> [Value] {
    let k = targets
    let classifier = labels != nil
    let width = classifier ? max(labels?.count ?? 0, 2) : k
    let scalar = k == 1 && !classifier
    let base = baseValues.map { T($0) }
    // Trees outermost, rows inside: a tree's nodes stay in cache across the batch.
    // Each row still sums its trees in tree order, so results do not depend on n.
    var scores = [T](repeating: 0, count: n * k)
    var has = [Bool](repeating: false, count: n * k)
    var z = [Float](repeating: 0, count: n * width)
    var labelIndex = [Int](repeating: 0, count: n)
    let leq = forest.allLessOrEqual
    forest.nodes.withUnsafeBufferPointer { nodes in
      x.withUnsafeBufferPointer { xb in
        guard let xs = xb.baseAddress else { return }
        for root in forest.roots {
          for r in 0..<n {
            let row = xs + r * f
            let leaf = leq ? TreeForest<T>.leafLEQ(from: root, row, nodes) : forest.leaf(from: root, row, nodes)
            let start = Int(forest.leafStart[leaf])
            if scalar {
              // onnxruntime's scalar path uses only a leaf's first weight.
              accumulate(&scores[r], &has[r], forest.weightValue[start])
            } else {
              for q in start..<(start + Int(forest.leafCount[leaf])) {
                let t = Int(forest.weightTarget[q])
                if t < k { accumulate(&scores[r * k + t], &has[r * k + t], forest.weightValue[q]) }
              }
            }
          }
        }
      }
    }
    scores.withUnsafeMutableBufferPointer { s in
      has.withUnsafeMutableBufferPointer { h in
        z.withUnsafeMutableBufferPointer { zb in
          for r in 0..<n {
            let rs = UnsafeMutableBufferPointer(rebasing: s[(r * k)..<(r * k + k)])
            let rh = UnsafeMutableBufferPointer(rebasing: h[(r * k)..<(r * k + k)])
            let rz = UnsafeMutableBufferPointer(rebasing: zb[(r * width)..<(r * width + width)])
            if classifier {
              labelIndex[r] = finishClassifier(rs, rh, base, into: rz)
            } else {
              finishRegressor(rs, rh, base, trees: forest.roots.count, into: rz)
            }
          }
        }
      }
    }
    let zTensor = Tensor(unchecked: [n, width], .float(z))
    guard let labels else { return [.tensor(zTensor)] }
    let labelTensor: Tensor
    switch labels {
    case .int64(let l): labelTensor = Tensor(unchecked: [n], .int64(labelIndex.map { $0 < l.count ? l[$0] : Int64($0) }))
    case .string(let l): labelTensor = Tensor(unchecked: [n], .string(labelIndex.map { $0 < l.count ? l[$0] : "" }))
    }
    return [.tensor(labelTensor), .tensor(zTensor)]
  }

  @inline(__always)
  private func accumulate<T: BinaryFloatingPoint>(_ s: inout T, _ h: inout Bool, _ w: T) {
    switch aggregate {
    case .sum, .average: s += w
    case .min: s = (!h || w < s) ? w : s
    case .max: s = (!h || w > s) ? w : s
    }
    h = true
  }

  private func finishRegressor<T: BinaryFloatingPoint>(
    _ s: UnsafeMutableBufferPointer<T>, _ h: UnsafeMutableBufferPointer<Bool>, _ bv: [T], trees: Int,
    into z: UnsafeMutableBufferPointer<Float>
  ) {
    let k = targets
    if k == 1 {
      let origin: T = bv.count == 1 ? bv[0] : 0
      var v: T
      switch aggregate {
      case .sum: v = s[0] + origin
      case .average: v = s[0] / T(trees) + origin
      case .min, .max: v = h[0] ? s[0] + origin : origin
      }
      // onnxruntime applies only PROBIT to a single target.
      z[0] = post == .probit ? computeProbit(Float(v)) : Float(v)
      return
    }
    let useBase = bv.count == k
    for j in 0..<k {
      var v: T
      switch aggregate {
      case .sum: v = s[j] + (useBase ? bv[j] : 0)
      case .average: v = s[j] / T(trees) + (useBase ? bv[j] : 0)
      case .min, .max: v = (useBase ? bv[j] : 0) + (h[j] ? s[j] : 0)
      }
      z[j] = h[j] ? Float(v) : 0
    }
    post.apply(z)
  }

  /// Returns the index of the chosen class and writes the row's scores.
  private func finishClassifier<T: BinaryFloatingPoint>(
    _ s: UnsafeMutableBufferPointer<T>, _ h: UnsafeMutableBufferPointer<Bool>, _ bv: [T],
    into z: UnsafeMutableBufferPointer<Float>
  ) -> Int {
    let k = targets
    if k > 2 {
      for j in 0..<min(bv.count, k) {
        if !h[j] {
          h[j] = true
          s[j] = bv[j]
        } else {
          s[j] += bv[j]
        }
      }
      var best = -1
      var bestScore: T = 0
      for j in 0..<k where h[j] && (best == -1 || s[j] > bestScore) {
        best = j
        bestScore = s[j]
      }
      for j in 0..<k { z[j] = h[j] ? Float(s[j]) : 0 }
      post.apply(UnsafeMutableBufferPointer(rebasing: z[0..<k]))
      return max(best, 0)
    }
    // Two classes: onnxruntime's special cases, kept exactly.
    var count = 2
    var additional = -1
    if bv.count == 2 {
      if h[1] {
        s[1] = bv[1] + s[0]
        s[0] = -s[1]
        h[1] = true
      } else {
        s[1] += bv[1]
        s[0] += bv[0]
      }
    } else if bv.count == 1 {
      s[0] += bv[0]
      if !h[1] { count = 1 }
    } else {
      additional = 3
      if !h[1] { count = 1 }
    }
    let positive: T = (count == 2 && h[1]) ? s[1] : (h[0] ? s[0] : 0)
    let chosen: Int
    if binaryCase {
      if weightsAllPositive {
        (additional, chosen) = positive > 0.5 ? (0, 1) : (1, 0)
      } else {
        (additional, chosen) = positive > 0 ? (2, 1) : (3, 0)
      }
    } else {
      chosen = positive > 0 ? 1 : 0
    }
    if count == 2 {
      z[0] = h[0] ? Float(s[0]) : 0
      z[1] = h[1] ? Float(s[1]) : 0
      post.apply(UnsafeMutableBufferPointer(rebasing: z[0..<2]))
    } else {
      let v = h[0] ? Float(s[0]) : 0
      if post == .probit {
        z[0] = computeProbit(v)
      } else {
        switch additional {
        case 0, 1:
          z[0] = 1 - v
          z[1] = v
        case 2, 3:
          if post == .logistic {
            z[0] = computeLogistic(-v)
            z[1] = computeLogistic(v)
          } else {
            z[0] = -v
            z[1] = v
          }
        default:
          z[0] = v
        }
      }
    }
    return chosen
  }
}

extension TreeEnsembleKernel {
  static var definitions: [OperatorDefinition] {
    let ml = OperatorRegistry.mlDomain
    return [
      OperatorRegistry.define(ml, "TreeEnsembleClassifier", opsets: 1...5) { (ctx) throws(ModelError) in
        let attrs = try TreeAttributes(ctx, weightPrefix: "class", targetKey: "ids")
        let strings = ctx.strings("classlabels_strings")
        let ints = ctx.ints("classlabels_int64s")
        let labels: Labels = strings.isEmpty ? .int64(ints) : .string(strings)
        guard labels.count > 0 else { throw ctx.error("the classifier has no class labels") }
        guard labels.count > 1 else { throw ctx.unsupported("a classifier with a single class") }
        let post = try PostTransform(name: try ctx.string("post_transform", default: "NONE"), context: ctx)
        if let bad = attrs.weightTargets.first(where: { $0 >= Int64(labels.count) }) {
          throw ctx.error("a weight is for class \(bad) but there are \(labels.count) classes")
        }
        return TreeEnsembleKernel(
          floatForest: try attrs.forest(Float.self, label: ctx.label),
          doubleForest: try attrs.forest(Double.self, label: ctx.label),
          targets: labels.count, aggregate: .sum, post: post,
          baseValues: try ctx.floatsOrTensor("base_values"), labels: labels,
          binaryCase: labels.count == 2 && Set(attrs.weightTargets).count == 1,
          weightsAllPositive: !attrs.weightValues.contains { $0 < 0 })
      },
      OperatorRegistry.define(ml, "TreeEnsembleRegressor", opsets: 1...5) { (ctx) throws(ModelError) in
        let attrs = try TreeAttributes(ctx, weightPrefix: "target", targetKey: "ids")
        let n = try ctx.int("n_targets", default: 1)
        guard n > 0 else { throw ctx.error("n_targets must be positive") }
        if let bad = attrs.weightTargets.first(where: { $0 >= Int64(n) }) {
          throw ctx.error("a weight is for target \(bad) but n_targets is \(n)")
        }
        let aggregate: Aggregate
        switch try ctx.string("aggregate_function", default: "SUM") {
        case "SUM": aggregate = .sum
        case "AVERAGE": aggregate = .average
        case "MIN": aggregate = .min
        case "MAX": aggregate = .max
        case let other: throw ctx.unsupported("aggregate_function \(other)")
        }
        return TreeEnsembleKernel(
          floatForest: try attrs.forest(Float.self, label: ctx.label),
          doubleForest: try attrs.forest(Double.self, label: ctx.label),
          targets: n, aggregate: aggregate,
          post: try PostTransform(name: try ctx.string("post_transform", default: "NONE"), context: ctx),
          baseValues: try ctx.floatsOrTensor("base_values"), labels: nil, binaryCase: false,
          weightsAllPositive: true)
      },
      OperatorRegistry.define(ml, "TreeEnsemble", opsets: 5...5) { (ctx) throws(ModelError) in
        let v5 = try TreeEnsembleV5(ctx)
        return TreeEnsembleKernel(
          floatForest: try v5.forest(Float.self), doubleForest: try v5.forest(Double.self),
          targets: v5.targets, aggregate: v5.aggregate, post: v5.post, baseValues: [], labels: nil,
          binaryCase: false, weightsAllPositive: true)
      },
    ]
  }
}
