/// A summing forest's leaf weights as one dense row of scores per node, so that adding a
/// leaf to a row is `targets` additions with no look-ups.
///
/// Built only when it gives the same sums as adding the weights one by one: no leaf has two
/// weights for one target (their sum would round differently), and whether a row has a score
/// for a target does not depend on the row (every tree's leaves all have the target, or none
/// does), so no per-row bookkeeping is needed.
struct LeafScores<T: BinaryFloatingPoint & Sendable>: Sendable {
  /// `targets` values per node, zero for a target the node has no weight for; absent weights
  /// add +0, which leaves a sum that started at +0 unchanged.
  let values: [T]
  /// For each target: whether every row has a score for it (else no row has).
  let reached: [Bool]
  /// For each tree, in `roots` order: the one target its leaves have weights for, or -1. A
  /// one-target tree (each of a LightGBM or XGBoost multiclass model's trees) adds one score,
  /// not `targets` of which all but one are zero.
  let singleTarget: [Int32]

  /// Dense scores for `forest`; nil when they would not match adding weights one by one.
  /// - Parameter firstWeightOnly: each leaf counts only its first weight, whatever its target,
  ///   toward target 0 (onnxruntime's single-target regressor).
  init?(_ forest: TreeForest<T>, targets k: Int, firstWeightOnly: Bool) {
    let n = forest.nodes.count
    // Beyond this the dense table would be larger than the cache it is meant to save trips to.
    guard k <= 64, n * k <= 1 << 22 else { return nil }
    var values = [T](filled: 0, count: n * k)
    // Which targets each leaf has a weight for, one bit per target.
    var targetsOf = [UInt64](filled: 0, count: n)
    for i in 0..<n where forest.nodes[i].mode == .leaf {
      let start = Int(forest.leafStart[i])
      let count = Int(forest.leafCount[i])
      if firstWeightOnly {
        guard count > 0 else { continue }
        values[i * k] = forest.weightValue[start]
        targetsOf[i] = 1
        continue
      }
      for q in start..<(start + count) {
        let t = Int(forest.weightTarget[q])
        guard t < k else { continue }
        guard targetsOf[i] & (1 << t) == 0 else { return nil }
        targetsOf[i] |= 1 << t
        values[i * k + t] = forest.weightValue[q]
      }
    }
    // For each tree, the targets all its leaves have and those some leaf has.
    var always: UInt64 = 0
    var ever: UInt64 = 0
    var seen = [Bool](filled: false, count: n)
    var stack: [Int] = []
    var singleTarget: [Int32] = []
    for root in forest.roots {
      var all = UInt64.max
      var any: UInt64 = 0
      var visited: [Int] = []
      stack.append(Int(root))
      while let i = stack.popLast() {
        guard !seen[i] else { continue }
        seen[i] = true
        visited.append(i)
        let node = forest.nodes[i]
        if node.mode == .leaf {
          all &= targetsOf[i]
          any |= targetsOf[i]
        } else {
          stack.append(Int(node.trueChild))
          stack.append(Int(node.falseChild))
        }
      }
      for i in visited { seen[i] = false }
      always |= all
      ever |= any
      singleTarget.append(any.nonzeroBitCount == 1 ? Int32(any.trailingZeroBitCount) : -1)
    }
    guard always & ever == ever else { return nil }
    self.values = values
    self.reached = (0..<k).map { always & (1 << $0) != 0 }
    self.singleTarget = singleTarget
  }
}
