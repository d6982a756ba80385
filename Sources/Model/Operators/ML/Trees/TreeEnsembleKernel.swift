/// TreeEnsembleClassifier, TreeEnsembleRegressor (ai.onnx.ml 1 and 3) and TreeEnsemble (5),
/// following onnxruntime's aggregation and finalisation rules exactly.
///
/// A class: as a struct of two forests' arrays, the optimizer copied parts of it (a reference
/// count per array) wherever a closure of the walk captured it.
final class TreeEnsembleKernel: Kernel {
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
  /// Dense leaf scores for summing forests, when they give the same sums.
  let floatLeafScores: LeafScores<Float>?
  let doubleLeafScores: LeafScores<Double>?
  let shapes: RowShapes

  init(
    floatForest: TreeForest<Float>, doubleForest: TreeForest<Double>, targets: Int, aggregate: Aggregate,
    post: PostTransform, baseValues: [Double], labels: Labels?, binaryCase: Bool, weightsAllPositive: Bool
  ) {
    self.floatForest = floatForest
    self.doubleForest = doubleForest
    self.targets = targets
    self.aggregate = aggregate
    self.post = post
    self.baseValues = baseValues
    self.labels = labels
    self.binaryCase = binaryCase
    self.weightsAllPositive = weightsAllPositive
    let sums = aggregate == .sum || aggregate == .average
    let firstWeightOnly = targets == 1 && labels == nil
    floatLeafScores = sums ? LeafScores(floatForest, targets: targets, firstWeightOnly: firstWeightOnly) : nil
    doubleLeafScores = sums ? LeafScores(doubleForest, targets: targets, firstWeightOnly: firstWeightOnly) : nil
    shapes = RowShapes(width: labels == nil ? targets : max(labels?.count ?? 0, 2))
  }

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    let x = try inputs.take(0)
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
    case .double(let v): evaluate(doubleForest, doubleLeafScores, v, n: n, f: f, into: outputs)
    case .float(let v): evaluate(floatForest, floatLeafScores, v, n: n, f: f, into: outputs)
    default:
      guard let d = x.storage.doubles else { throw kernelError("tree ensembles need numeric input") }
      evaluate(floatForest, floatLeafScores, d.map { Float($0) }, n: n, f: f, into: outputs)
    }
  }

  /// Rows evaluated together: every tree is walked for a block of rows before the next tree,
  /// so the block's features and the forest's nodes both stay in the cache.
  private static let blockRows = 64

  private func evaluate<T: BinaryFloatingPoint & Sendable>(
    _ forest: TreeForest<T>, _ dense: LeafScores<T>?, _ x: [T], n: Int, f: Int, into outputs: KernelOutputs
  ) {
    let width = labels.map { max($0.count, 2) } ?? targets
    var z = [Float](filled: 0, count: n * width)
    switch labels {
    case nil:
      z.withUnsafeMutableBufferPointer { z in
        scores(forest, dense, x, n: n, f: f, into: z) { _, _ in }
      }
      outputs.set(0, .tensor(Tensor(unchecked: shapes.matrix(n, width: width), .float(z))))
    case .int64(let l)?:
      var chosen = [Int64](filled: 0, count: n)
      chosen.withUnsafeMutableBufferPointer { chosen in
        z.withUnsafeMutableBufferPointer { z in
          scores(forest, dense, x, n: n, f: f, into: z) { r, c in chosen[r] = c < l.count ? l[c] : Int64(c) }
        }
      }
      outputs.set(0, .tensor(Tensor(unchecked: shapes.rows(n), .int64(chosen))))
      outputs.set(1, .tensor(Tensor(unchecked: shapes.matrix(n, width: width), .float(z))))
    case .string(let l)?:
      var chosen = [String](filled: "", count: n)
      chosen.withUnsafeMutableBufferPointer { chosen in
        z.withUnsafeMutableBufferPointer { z in
          scores(forest, dense, x, n: n, f: f, into: z) { r, c in chosen[r] = c < l.count ? l[c] : "" }
        }
      }
      outputs.set(0, .tensor(Tensor(unchecked: shapes.rows(n), .string(chosen))))
      outputs.set(1, .tensor(Tensor(unchecked: shapes.matrix(n, width: width), .float(z))))
    }
  }

  /// Writes every row's finished scores into `z` (`z.count / n` per row) and, for a
  /// classifier, passes each row's chosen class index to `label`.
  ///
  /// Each row sums its trees in tree order, as onnxruntime does, so results do not depend on
  /// the block size or on `n`.
  private func scores<T: BinaryFloatingPoint & Sendable>(
    _ forest: TreeForest<T>, _ dense: LeafScores<T>?, _ x: [T], n: Int, f: Int,
    into z: UnsafeMutableBufferPointer<Float>, label: (Int, Int) -> Void
  ) {
    let k = targets
    let width = n == 0 ? 0 : z.count / n
    let block = min(n, Self.blockRows)
    // Scratch for one block of rows: per row and target, the score and whether there is one;
    // per row, the leaf reached in the current tree; the rows that take the exact walk.
    withUnsafeTemporaryAllocation(of: T.self, capacity: block * k) { s in
      withUnsafeTemporaryAllocation(of: Bool.self, capacity: block * k) { h in
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * block) { scratch in
          x.withUnsafeBufferPointer { x in
            guard let xs = x.baseAddress, let leaves = scratch.baseAddress else { return }
            var start = 0
            while start < n {
              let count = min(block, n - start)
              sumTrees(
                forest, dense, rows: xs + start * f, count: count, f: f, into: s, h, leaves: leaves,
                exact: leaves + block)
              for j in 0..<count {
                let r = start + j
                let rs = UnsafeMutableBufferPointer(rebasing: s[(j * k)..<(j * k + k)])
                let rh = UnsafeMutableBufferPointer(rebasing: h[(j * k)..<(j * k + k)])
                let rz = UnsafeMutableBufferPointer(rebasing: z[(r * width)..<(r * width + width)])
                if labels != nil {
                  label(r, finishClassifier(rs, rh, into: rz))
                } else {
                  finishRegressor(rs, rh, trees: forest.roots.count, into: rz)
                }
              }
              start += count
            }
          }
        }
      }
    }
  }

  /// Sums every tree over `count` rows into `s` (`targets` scores per row) and records in `h`
  /// whether a row has a score for a target. `leaves` and `exact` hold `count` indices each.
  private func sumTrees<T: BinaryFloatingPoint & Sendable>(
    _ forest: TreeForest<T>, _ dense: LeafScores<T>?, rows: UnsafePointer<T>, count: Int, f: Int,
    into s: UnsafeMutableBufferPointer<T>, _ h: UnsafeMutableBufferPointer<Bool>,
    leaves: UnsafeMutablePointer<Int32>, exact: UnsafeMutablePointer<Int32>
  ) {
    let k = targets
    // Rows with a NaN take the exact walk when the forest's splits disagree on where NaN goes.
    var exactCount = 0
    if !forest.compact.isEmpty, forest.nanRouting == .exactWalk {
      for j in 0..<count where (0..<f).contains(where: { rows[j * f + $0].isNaN }) {
        exact[exactCount] = Int32(j)
        exactCount += 1
      }
    }
    let exactRows = UnsafeBufferPointer(start: exact, count: exactCount)
    s.initialize(repeating: 0)
    if let dense {
      for j in 0..<count { for t in 0..<k { h[j * k + t] = dense.reached[t] } }
    } else {
      h.initialize(repeating: false)
    }
    forest.nodes.withUnsafeBufferPointer { nodes in
      forest.compact.withUnsafeBufferPointer { splits in
        (dense?.values ?? []).withUnsafeBufferPointer { values in
          guard count > 1 else {
            // One row: every tree in turn for the row, without the block's bookkeeping per tree.
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: forest.roots.count) { reached in
              guard let reached = reached.baseAddress else { return }
              forest.leavesOfRow(rows, exact: exactCount > 0, nodes: nodes, splits: splits, into: reached)
              guard let single = dense?.singleTarget else {
                for tree in forest.roots.indices { add(forest, values, leaf: Int(reached[tree]), row: 0, into: s, h) }
                return
              }
              // Dense scores: a one-target tree adds its one score; adding the others' +0 would
              // leave the sums as they are, since they start at +0.
              if k <= 4 {
                Self.sumDense(single, values, reached: reached, k: k, into: s)
                return
              }
              for tree in forest.roots.indices {
                let t = Int(single[tree])
                if t >= 0 {
                  s[t] += values[Int(reached[tree]) &* k &+ t]
                } else {
                  add(forest, values, leaf: Int(reached[tree]), row: 0, into: s, h)
                }
              }
            }
            return
          }
          for tree in forest.roots.indices {
            forest.leaves(
              tree: tree, rows: rows, count: count, stride: f, exactRows: exactRows, nodes: nodes, splits: splits,
              into: leaves)
            if !values.isEmpty {
              addDense(values, leaves: leaves, count: count, into: s)
            } else {
              for j in 0..<count { add(forest, values, leaf: Int(leaves[j]), row: j, into: s, h) }
            }
          }
        }
      }
    }
  }

  /// One row's sums of up to four targets from dense scores (`single`, `values`: a
  /// `LeafScores`'s), each target's sum in a register: through memory, each addition waited
  /// on the store of the one before, and on a one-row forest those waits were a sixth of the
  /// call. Trees add in tree order, a one-target tree its one score, as `add` does.
  private static func sumDense<T: BinaryFloatingPoint & Sendable>(
    _ single: [Int32], _ values: UnsafeBufferPointer<T>, reached: UnsafePointer<Int32>, k: Int,
    into s: UnsafeMutableBufferPointer<T>
  ) {
    var (a0, a1, a2, a3) = (s[0], k > 1 ? s[1] : 0, k > 2 ? s[2] : 0, k > 3 ? s[3] : 0)
    single.withUnsafeBufferPointer { single in
      for tree in single.indices {
        let base = Int(reached[tree]) &* k
        switch single[tree] {
        case 0: a0 += values[base]
        case 1: a1 += values[base &+ 1]
        case 2: a2 += values[base &+ 2]
        case 3: a3 += values[base &+ 3]
        default:
          a0 += values[base]
          if k > 1 { a1 += values[base &+ 1] }
          if k > 2 { a2 += values[base &+ 2] }
          if k > 3 { a3 += values[base &+ 3] }
        }
      }
    }
    s[0] = a0
    if k > 1 { s[1] = a1 }
    if k > 2 { s[2] = a2 }
    if k > 3 { s[3] = a3 }
  }

  /// Adds leaf `leaf`'s weights to row `row`'s scores in `s` (`targets` per row), from the
  /// dense `values` when there are some, else weight by weight, recording targets in `h`.
  @inline(__always)
  private func add<T: BinaryFloatingPoint & Sendable>(
    _ forest: TreeForest<T>, _ values: UnsafeBufferPointer<T>, leaf: Int, row j: Int,
    into s: UnsafeMutableBufferPointer<T>, _ h: UnsafeMutableBufferPointer<Bool>
  ) {
    let k = targets
    if !values.isEmpty {
      // Indices stay below count·k and nodes·k, which the buffers hold.
      if k == 1 {
        s[j] += values[leaf]
      } else {
        for t in 0..<k { s[j &* k &+ t] += values[leaf &* k &+ t] }
      }
      return
    }
    let first = Int(forest.leafStart[leaf])
    if k == 1 && labels == nil {
      // onnxruntime's scalar path uses only a leaf's first weight.
      accumulate(&s[j], &h[j], forest.weightValue[first])
      return
    }
    for q in first..<(first + Int(forest.leafCount[leaf])) {
      let t = Int(forest.weightTarget[q])
      if t < k { accumulate(&s[j * k + t], &h[j * k + t], forest.weightValue[q]) }
    }
  }

  /// Adds each of `count` rows' leaf scores (`targets` per node in `values`) to its scores
  /// in `s`: `add` for a block of rows, with the one-target case kept apart.
  @inline(__always)
  private func addDense<T: BinaryFloatingPoint>(
    _ values: UnsafeBufferPointer<T>, leaves: UnsafeMutablePointer<Int32>, count: Int,
    into s: UnsafeMutableBufferPointer<T>
  ) {
    let k = targets
    if k == 1 {
      for j in 0..<count { s[j] += values[Int(leaves[j])] }
      return
    }
    // Indices stay below count·k and nodes·k, which the buffers hold.
    for j in 0..<count {
      let leaf = Int(leaves[j]) &* k
      let row = j &* k
      for t in 0..<k { s[row &+ t] += values[leaf &+ t] }
    }
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
    _ s: UnsafeMutableBufferPointer<T>, _ h: UnsafeMutableBufferPointer<Bool>, trees: Int,
    into z: UnsafeMutableBufferPointer<Float>
  ) {
    let k = targets
    let bv = baseValues
    if k == 1 {
      let origin: T = bv.count == 1 ? T(bv[0]) : 0
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
      case .sum: v = s[j] + (useBase ? T(bv[j]) : 0)
      case .average: v = s[j] / T(trees) + (useBase ? T(bv[j]) : 0)
      case .min, .max: v = (useBase ? T(bv[j]) : 0) + (h[j] ? s[j] : 0)
      }
      z[j] = h[j] ? Float(v) : 0
    }
    post.apply(z)
  }

  /// Returns the index of the chosen class and writes the row's scores.
  private func finishClassifier<T: BinaryFloatingPoint>(
    _ s: UnsafeMutableBufferPointer<T>, _ h: UnsafeMutableBufferPointer<Bool>,
    into z: UnsafeMutableBufferPointer<Float>
  ) -> Int {
    let k = targets
    let bv = baseValues
    if k > 2 {
      for j in 0..<min(bv.count, k) {
        if !h[j] {
          h[j] = true
          s[j] = T(bv[j])
        } else {
          s[j] += T(bv[j])
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
        s[1] = T(bv[1]) + s[0]
        s[0] = -s[1]
        h[1] = true
      } else {
        s[1] += T(bv[1])
        s[0] += T(bv[0])
      }
    } else if bv.count == 1 {
      s[0] += T(bv[0])
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
