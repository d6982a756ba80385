/// A tree ensemble in flat arrays: evaluating a row touches a few cache lines and
/// allocates nothing.
struct TreeForest<T: BinaryFloatingPoint & Sendable>: Sendable {
  /// Where a NaN feature goes in the branch-free walk.
  enum NaNRouting: Sendable {
    /// To `hi`, as `x <= threshold` is false: right for every split of the forest.
    case high
    /// To `lo` (the walk compares `x > threshold` instead): right for every split.
    case low
    /// Splits disagree: a row with a NaN takes the exact walk, `leaf(from:_:_:)`.
    case exactWalk
  }

  var nodes: [TreeNode<T>] = []
  /// For a leaf: the range of its weights in `weightTarget`/`weightValue`.
  var leafStart: [Int32] = []
  var leafCount: [Int32] = []
  var weightTarget: [Int32] = []
  var weightValue: [T] = []
  /// For BRANCH_MEMBER nodes: the index of their set in `memberSets`.
  var memberSet: [Int32] = []
  var memberSets: [Set<T>] = []
  var roots: [Int32] = []
  var hasMissingTracks = false
  var maxFeature: Int = -1
  /// `nodes` rewritten for the branch-free walk, index for index; empty when a split
  /// (BRANCH_EQ, BRANCH_NEQ, BRANCH_MEMBER) has no `<=` form, and every row takes the exact walk.
  var compact: [CompactSplit<T>] = []
  /// For each tree, in `roots` order: the most splits on a path from its root to a leaf.
  var depths: [Int32] = []
  var nanRouting = NaNRouting.high

  mutating func append(
    mode: BranchMode, feature: Int32, threshold: T, trueChild: Int32, falseChild: Int32, missingTracksTrue: Bool
  ) {
    nodes.append(
      TreeNode(
        threshold: threshold, feature: feature, trueChild: trueChild, falseChild: falseChild, mode: mode,
        missingTracksTrue: missingTracksTrue))
  }

  /// The index of the leaf that row `x` reaches in the tree rooted at `root`.
  /// The caller passes `nodes` as a buffer; `validate` guaranteed every child index is in it.
  @inline(__always)
  func leaf(from root: Int32, _ x: UnsafePointer<T>, _ nodes: UnsafeBufferPointer<TreeNode<T>>) -> Int {
    var i = Int(root)
    while true {
      let node = nodes[i]
      let m = node.mode
      if m == .leaf { return i }
      let v = x[Int(node.feature)]
      let t = node.threshold
      var cond: Bool
      switch m {
      case .leq: cond = v <= t
      case .lt: cond = v < t
      case .gte: cond = v >= t
      case .gt: cond = v > t
      case .eq: cond = v == t
      case .neq: cond = v != t
      case .member: cond = memberSets[Int(memberSet[i])].contains(v)
      case .leaf: cond = false
      }
      if hasMissingTracks, !cond, node.missingTracksTrue, v.isNaN { cond = true }
      i = Int(cond ? node.trueChild : node.falseChild)
    }
  }

  /// Writes into `leaves` the leaf that each of `count` rows reaches in tree `tree`; row `j`
  /// starts at `x + j * stride`. Rows listed in `exactRows` take the exact walk.
  ///
  /// The branch-free walk moves every row one level at a time, `depths[tree]` times: the rows'
  /// walks are independent, so the processor overlaps them instead of waiting on one
  /// mispredicted branch after another. The caller passes `nodes` and `compact` as buffers,
  /// taken once for many calls.
  @inline(__always)
  func leaves(
    tree: Int, rows x: UnsafePointer<T>, count: Int, stride: Int, exactRows: UnsafeBufferPointer<Int32>,
    nodes: UnsafeBufferPointer<TreeNode<T>>, splits: UnsafeBufferPointer<CompactSplit<T>>,
    into leaves: UnsafeMutablePointer<Int32>
  ) {
    let root = roots[tree]
    guard !splits.isEmpty else {
      for j in 0..<count { leaves[j] = Int32(leaf(from: root, x + j * stride, nodes)) }
      return
    }
    walk(splits, depth: Int(depths[tree]), from: root, rows: x, count: count, stride: stride, into: leaves)
    for j in exactRows { leaves[Int(j)] = Int32(leaf(from: root, x + Int(j) * stride, nodes)) }
  }

  /// Writes into `leaves[t]` the leaf that the row at `x` reaches in tree `t`, for every tree;
  /// with `exact`, by the exact walk. The caller passes `nodes` and `compact` as buffers.
  func leavesOfRow(
    _ x: UnsafePointer<T>, exact: Bool, nodes: UnsafeBufferPointer<TreeNode<T>>,
    splits: UnsafeBufferPointer<CompactSplit<T>>, into leaves: UnsafeMutablePointer<Int32>
  ) {
    roots.withUnsafeBufferPointer { roots in
      depths.withUnsafeBufferPointer { depths in
        if splits.isEmpty || exact {
          for t in roots.indices { leaves[t] = Int32(leaf(from: roots[t], x, nodes)) }
        } else if nanRouting == .low {
          Self.walkTrees(NaNGoesLow.self, splits, roots: roots, depths: depths, x, into: leaves)
        } else {
          Self.walkTrees(NaNGoesHigh.self, splits, roots: roots, depths: depths, x, into: leaves)
        }
      }
    }
  }

  /// The branch-free walk of `leaves(tree:rows:count:stride:exactRows:nodes:splits:into:)`.
  @inline(__always)
  private func walk(
    _ splits: UnsafeBufferPointer<CompactSplit<T>>, depth: Int, from root: Int32, rows x: UnsafePointer<T>,
    count: Int, stride: Int, into leaves: UnsafeMutablePointer<Int32>
  ) {
    if nanRouting == .low {
      Self.walk(splits, depth: depth, from: root, rows: x, count: count, stride: stride, nanLow: true, into: leaves)
    } else {
      Self.walk(splits, depth: depth, from: root, rows: x, count: count, stride: stride, nanLow: false, into: leaves)
    }
  }

  @inline(__always)
  private static func walk(
    _ splits: UnsafeBufferPointer<CompactSplit<T>>, depth: Int, from root: Int32, rows x: UnsafePointer<T>,
    count: Int, stride: Int, nanLow: Bool, into leaves: UnsafeMutablePointer<Int32>
  ) {
    // `validate` guaranteed every child index is inside `splits`; the kernel checked that
    // `maxFeature < stride`. Eight rows at a time, each one's node in a register through the
    // whole walk: eight independent chains of loads for the processor to overlap, and no
    // load and store of the node per step (four chains were slower than one pass over all
    // the rows per level: too few to hide a step's latency).
    var j = 0
    while j + 8 <= count {
      let r0 = x + j * stride
      let (r1, r2, r3) = (r0 + stride, r0 + 2 * stride, r0 + 3 * stride)
      let (r4, r5, r6, r7) = (r0 + 4 * stride, r0 + 5 * stride, r0 + 6 * stride, r0 + 7 * stride)
      var (a, b, c, d) = (root, root, root, root)
      var (e, f, g, h) = (root, root, root, root)
      for _ in 0..<depth {
        a = step(splits[Int(a)], r0, nanLow: nanLow)
        b = step(splits[Int(b)], r1, nanLow: nanLow)
        c = step(splits[Int(c)], r2, nanLow: nanLow)
        d = step(splits[Int(d)], r3, nanLow: nanLow)
        e = step(splits[Int(e)], r4, nanLow: nanLow)
        f = step(splits[Int(f)], r5, nanLow: nanLow)
        g = step(splits[Int(g)], r6, nanLow: nanLow)
        h = step(splits[Int(h)], r7, nanLow: nanLow)
      }
      (leaves[j], leaves[j + 1], leaves[j + 2], leaves[j + 3]) = (a, b, c, d)
      (leaves[j + 4], leaves[j + 5], leaves[j + 6], leaves[j + 7]) = (e, f, g, h)
      j += 8
    }
    while j < count {
      leaves[j] = walk(splits, depth: depth, from: root, x + j * stride, nanLow: nanLow)
      j += 1
    }
  }

  /// Every tree's leaf for one row, sixteen trees at a time, then eight, then four: one
  /// tree's walk is a chain of dependent loads (node, feature, child), so walking several side
  /// by side lets the processor overlap their waits (with four, a one-row random forest still
  /// waited on them most of its walk; sixteen were faster than eight though some spill). A
  /// group walks as deep as its deepest tree; leaves lead to themselves, so the extra steps of
  /// a shallower tree stay on its leaf.
  ///
  /// Where NaN goes is a type rather than a flag, so that each specialization compares once
  /// per step (a flag left to run time cost a second comparison and a select per step).
  private static func walkTrees<Side: NaNSide>(
    _ side: Side.Type, _ splits: UnsafeBufferPointer<CompactSplit<T>>, roots: UnsafeBufferPointer<Int32>,
    depths: UnsafeBufferPointer<Int32>, _ row: UnsafePointer<T>, into leaves: UnsafeMutablePointer<Int32>
  ) {
    let nanLow = Side.low
    var t = 0
    while t + 16 <= roots.count {
      var (a, b, c, d) = (roots[t], roots[t + 1], roots[t + 2], roots[t + 3])
      var (e, f, g, h) = (roots[t + 4], roots[t + 5], roots[t + 6], roots[t + 7])
      var (a2, b2, c2, d2) = (roots[t + 8], roots[t + 9], roots[t + 10], roots[t + 11])
      var (e2, f2, g2, h2) = (roots[t + 12], roots[t + 13], roots[t + 14], roots[t + 15])
      var depth: Int32 = 0
      for i in t..<(t + 16) { depth = max(depth, depths[i]) }
      for _ in 0..<depth {
        a = step(splits[Int(a)], row, nanLow: nanLow)
        b = step(splits[Int(b)], row, nanLow: nanLow)
        c = step(splits[Int(c)], row, nanLow: nanLow)
        d = step(splits[Int(d)], row, nanLow: nanLow)
        e = step(splits[Int(e)], row, nanLow: nanLow)
        f = step(splits[Int(f)], row, nanLow: nanLow)
        g = step(splits[Int(g)], row, nanLow: nanLow)
        h = step(splits[Int(h)], row, nanLow: nanLow)
        a2 = step(splits[Int(a2)], row, nanLow: nanLow)
        b2 = step(splits[Int(b2)], row, nanLow: nanLow)
        c2 = step(splits[Int(c2)], row, nanLow: nanLow)
        d2 = step(splits[Int(d2)], row, nanLow: nanLow)
        e2 = step(splits[Int(e2)], row, nanLow: nanLow)
        f2 = step(splits[Int(f2)], row, nanLow: nanLow)
        g2 = step(splits[Int(g2)], row, nanLow: nanLow)
        h2 = step(splits[Int(h2)], row, nanLow: nanLow)
      }
      (leaves[t], leaves[t + 1], leaves[t + 2], leaves[t + 3]) = (a, b, c, d)
      (leaves[t + 4], leaves[t + 5], leaves[t + 6], leaves[t + 7]) = (e, f, g, h)
      (leaves[t + 8], leaves[t + 9], leaves[t + 10], leaves[t + 11]) = (a2, b2, c2, d2)
      (leaves[t + 12], leaves[t + 13], leaves[t + 14], leaves[t + 15]) = (e2, f2, g2, h2)
      t += 16
    }
    while t + 8 <= roots.count {
      var (a, b, c, d) = (roots[t], roots[t + 1], roots[t + 2], roots[t + 3])
      var (e, f, g, h) = (roots[t + 4], roots[t + 5], roots[t + 6], roots[t + 7])
      let depth = max(
        max(max(depths[t], depths[t + 1]), max(depths[t + 2], depths[t + 3])),
        max(max(depths[t + 4], depths[t + 5]), max(depths[t + 6], depths[t + 7])))
      for _ in 0..<depth {
        a = step(splits[Int(a)], row, nanLow: nanLow)
        b = step(splits[Int(b)], row, nanLow: nanLow)
        c = step(splits[Int(c)], row, nanLow: nanLow)
        d = step(splits[Int(d)], row, nanLow: nanLow)
        e = step(splits[Int(e)], row, nanLow: nanLow)
        f = step(splits[Int(f)], row, nanLow: nanLow)
        g = step(splits[Int(g)], row, nanLow: nanLow)
        h = step(splits[Int(h)], row, nanLow: nanLow)
      }
      (leaves[t], leaves[t + 1], leaves[t + 2], leaves[t + 3]) = (a, b, c, d)
      (leaves[t + 4], leaves[t + 5], leaves[t + 6], leaves[t + 7]) = (e, f, g, h)
      t += 8
    }
    while t + 4 <= roots.count {
      var (a, b, c, d) = (roots[t], roots[t + 1], roots[t + 2], roots[t + 3])
      let depth = max(max(depths[t], depths[t + 1]), max(depths[t + 2], depths[t + 3]))
      for _ in 0..<depth {
        a = step(splits[Int(a)], row, nanLow: nanLow)
        b = step(splits[Int(b)], row, nanLow: nanLow)
        c = step(splits[Int(c)], row, nanLow: nanLow)
        d = step(splits[Int(d)], row, nanLow: nanLow)
      }
      (leaves[t], leaves[t + 1], leaves[t + 2], leaves[t + 3]) = (a, b, c, d)
      t += 4
    }
    while t < roots.count {
      leaves[t] = walk(splits, depth: Int(depths[t]), from: roots[t], row, nanLow: nanLow)
      t += 1
    }
  }

  /// The leaf one row reaches from `root` in `depth` steps of the branch-free walk.
  @inline(__always)
  private static func walk(
    _ splits: UnsafeBufferPointer<CompactSplit<T>>, depth: Int, from root: Int32, _ row: UnsafePointer<T>,
    nanLow: Bool
  ) -> Int32 {
    var i = root
    for _ in 0..<depth { i = step(splits[Int(i)], row, nanLow: nanLow) }
    return i
  }

  /// The child a row goes to from split `s`; NaN goes to `lo` when `nanLow`, else to `hi`.
  @inline(__always)
  private static func step(_ s: CompactSplit<T>, _ row: UnsafePointer<T>, nanLow: Bool) -> Int32 {
    let v = row[Int(s.feature)]
    return nanLow ? (v > s.threshold ? s.hi : s.lo) : (v <= s.threshold ? s.lo : s.hi)
  }
}
