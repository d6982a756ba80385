extension TreeForest {
  /// Checks the forest (`validate`) and prepares the branch-free walk: `compact`, `depths`
  /// and `nanRouting`.
  mutating func finish(label: String) throws(ModelError) {
    try validate(label: label)
    depths = treeDepths()
    var splits: [CompactSplit<T>] = []
    splits.reserveCapacity(nodes.count)
    var allHigh = true
    var allLow = true
    for (i, node) in nodes.enumerated() {
      let t = node.threshold
      let yes = node.trueChild
      let no = node.falseChild
      // For a number v: v < t is v <= t.nextDown, v > t is !(v <= t), v >= t is !(v <= t.nextDown).
      // A threshold that decides every number the same way sends both sides to one child.
      let split: CompactSplit<T>
      switch node.mode {
      case .leaf: split = CompactSplit(threshold: 0, feature: 0, lo: Int32(i), hi: Int32(i))
      case .eq, .neq, .member:
        compact = []
        return
      case _ where t.isNaN:
        // Every comparison with a NaN threshold is false.
        split = CompactSplit(threshold: 0, feature: node.feature, lo: no, hi: no)
      case .leq: split = CompactSplit(threshold: t, feature: node.feature, lo: yes, hi: no)
      case .lt:
        split =
          t == -.infinity
          ? CompactSplit(threshold: t, feature: node.feature, lo: no, hi: no)
          : CompactSplit(threshold: t.nextDown, feature: node.feature, lo: yes, hi: no)
      case .gt: split = CompactSplit(threshold: t, feature: node.feature, lo: no, hi: yes)
      case .gte:
        split =
          t == -.infinity
          ? CompactSplit(threshold: t, feature: node.feature, lo: yes, hi: yes)
          : CompactSplit(threshold: t.nextDown, feature: node.feature, lo: no, hi: yes)
      }
      if node.mode != .leaf {
        // Every comparison with NaN is false; missing-value tracking then picks the true child.
        let nanChild = node.missingTracksTrue ? yes : no
        allHigh = allHigh && split.hi == nanChild
        allLow = allLow && split.lo == nanChild
      }
      splits.append(split)
    }
    compact = splits
    nanRouting = allHigh ? .high : (allLow ? .low : .exactWalk)
  }

  /// The depth of each tree in `roots`, counting splits; `validate` guaranteed the trees end.
  private func treeDepths() -> [Int32] {
    // -1: not known yet. Trees may share nodes, so depths are kept per node.
    var depth = [Int32](filled: -1, count: nodes.count)
    var stack: [Int] = []
    for root in roots {
      stack.append(Int(root))
      while let i = stack.last {
        let node = nodes[i]
        if node.mode == .leaf {
          depth[i] = 0
          stack.removeLast()
          continue
        }
        let yes = Int(node.trueChild)
        let no = Int(node.falseChild)
        if depth[yes] < 0 {
          stack.append(yes)
        } else if depth[no] < 0 {
          stack.append(no)
        } else {
          depth[i] = 1 + max(depth[yes], depth[no])
          stack.removeLast()
        }
      }
    }
    return roots.map { depth[Int($0)] }
  }

  /// Checks that every child index is inside the forest and that no walk down a tree can
  /// come back to a node it passed (a depth-first search with three colours), so
  /// `leaf(from:_:_:)` always ends.
  func validate(label: String) throws(ModelError) {
    let n = nodes.count
    // 0: not seen, 1: on the current path, 2: every path below it ends in a leaf.
    var state = [UInt8](filled: 0, count: n)
    for root in roots {
      let r = Int(root)
      guard r >= 0, r < n else {
        throw ModelError(.invalidGraph, "\(label): a tree root is node index \(r), outside the tree")
      }
      if state[r] == 2 { continue }
      var path: [(node: Int, next: Int)] = [(r, 0)]
      state[r] = 1
      while let (i, next) = path.last {
        if nodes[i].mode == .leaf || next == 2 {
          state[i] = 2
          path.removeLast()
          continue
        }
        path[path.count - 1].next += 1
        let child = Int(next == 0 ? nodes[i].trueChild : nodes[i].falseChild)
        guard child >= 0, child < n else {
          throw ModelError(.invalidGraph, "\(label): a tree refers to node index \(child), outside the tree")
        }
        switch state[child] {
        case 1: throw ModelError(.invalidGraph, "\(label): a tree has a cycle through node index \(child)")
        case 0:
          state[child] = 1
          path.append((child, 0))
        default: break
        }
      }
    }
  }
}
