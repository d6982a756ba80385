import Testing

@testable import Model

/// The branch-free walk rewrites every split as `x <= threshold`; it must reach the leaf the
/// exact walk reaches, for every mode, edge threshold and input, NaN included.
@Suite("The branch-free tree walk agrees with the exact walk")
struct TreeWalkTests {
  static let modes: [BranchMode] = [.leq, .lt, .gte, .gt]
  static let edges: [Float] = [
    0, -0.0, 1, -1, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
    -.greatestFiniteMagnitude, .infinity, -.infinity, .nan,
  ]

  /// Every value the tests feed: the edges and their neighbours.
  static let inputs: [Float] = edges.flatMap { [$0, $0.nextUp, $0.nextDown] } + [0.5, -2.5]

  /// The leaf each row reaches in each tree (tree-major), by the exact walk and as the tree
  /// ensemble kernel runs the branch-free one: for a block of rows, and for one row at a time.
  /// Rows with a NaN go to the exact walk when the forest's splits disagree on where NaN goes.
  static func bothWalks(_ forest: TreeForest<Float>, rows: [[Float]]) -> (
    compact: [Int32], oneRow: [Int32], exact: [Int32]
  ) {
    let f = rows.first?.count ?? 0
    let x = rows.flatMap { $0 }
    var compact: [Int32] = []
    var oneRow: [Int32] = []
    var exact: [Int32] = []
    let nanRows =
      forest.nanRouting == .exactWalk
      ? rows.indices.filter { rows[$0].contains(where: \.isNaN) }.map(Int32.init) : []
    x.withUnsafeBufferPointer { xb in
      forest.nodes.withUnsafeBufferPointer { nodes in
        forest.compact.withUnsafeBufferPointer { splits in
          guard let xs = xb.baseAddress else { return }
          for tree in forest.roots.indices {
            var leaves = [Int32](repeating: 0, count: rows.count)
            nanRows.withUnsafeBufferPointer { nanRows in
              leaves.withUnsafeMutableBufferPointer { out in
                guard let out = out.baseAddress else { return }
                forest.leaves(
                  tree: tree, rows: xs, count: rows.count, stride: f, exactRows: nanRows, nodes: nodes, splits: splits,
                  into: out)
              }
            }
            compact += leaves
            exact += rows.indices.map { Int32(forest.leaf(from: forest.roots[tree], xs + $0 * f, nodes)) }
          }
          var perRow = [[Int32]](repeating: [], count: rows.count)
          for r in rows.indices {
            perRow[r] = [Int32](repeating: 0, count: forest.roots.count)
            perRow[r].withUnsafeMutableBufferPointer { out in
              guard let out = out.baseAddress else { return }
              forest.leavesOfRow(
                xs + r * f, exact: nanRows.contains(Int32(r)), nodes: nodes, splits: splits, into: out)
            }
          }
          oneRow = forest.roots.indices.flatMap { tree in rows.indices.map { perRow[$0][tree] } }
        }
      }
    }
    return (compact, oneRow, exact)
  }

  @Test(
    "one split of every mode and edge threshold, with and without missing-value tracking",
    arguments: modes, [false, true])
  func singleSplits(mode: BranchMode, missingTracksTrue: Bool) throws {
    // One tree per threshold: a split (node 3t) and its two leaves.
    var forest = TreeForest<Float>()
    for (t, threshold) in Self.edges.enumerated() {
      let split = Int32(3 * t)
      forest.roots.append(split)
      forest.append(
        mode: mode, feature: 0, threshold: threshold, trueChild: split + 1, falseChild: split + 2,
        missingTracksTrue: missingTracksTrue)
      for leaf in [split + 1, split + 2] {
        forest.append(
          mode: .leaf, feature: 0, threshold: 0, trueChild: leaf, falseChild: leaf, missingTracksTrue: false)
      }
    }
    forest.hasMissingTracks = missingTracksTrue
    try forest.finish(label: "test")
    #expect(!forest.compact.isEmpty)
    let walks = Self.bothWalks(forest, rows: Self.inputs.map { [$0] })
    #expect(walks.compact == walks.exact)
    #expect(walks.oneRow == walks.exact)
  }

  @Test("deep random trees of mixed modes, NaN routing and depth")
  func randomForests() throws {
    var random = FuzzTests.SplitMix(state: 7)
    // Forests of one family with one missing-value rule route NaN one way (`.high` or `.low`);
    // the others take the exact walk for rows with a NaN.
    let families: [[BranchMode]] = [[.leq, .lt], [.gte, .gt], Self.modes]
    for round in 0..<60 {
      let modes = families[round % 3]
      let missing: Bool? = [nil, false, true][(round / 3) % 3]
      var forest = TreeForest<Float>()
      let features = 3
      // 1 to 30 trees: the one-row walk takes groups of sixteen, eight, four, then one at a time.
      for _ in 0..<(1 + round % 30) {
        forest.roots.append(Int32(forest.nodes.count))
        grow(
          &forest, depth: 1 + Int.random(in: 0..<7, using: &random), features: features, modes: modes,
          missing: missing, random: &random)
      }
      forest.hasMissingTracks = forest.nodes.contains { $0.missingTracksTrue }
      try forest.finish(label: "test")
      let rows = (0..<200).map { _ in
        (0..<features).map { _ in Self.inputs[Int.random(in: Self.inputs.indices, using: &random)] }
      }
      let walks = Self.bothWalks(forest, rows: rows)
      #expect(walks.compact == walks.exact, "round \(round): NaN routing \(forest.nanRouting)")
      #expect(walks.oneRow == walks.exact, "round \(round), one row at a time")
    }
  }

  /// Appends a random tree (a leaf at depth 0, else a split and two subtrees) to `forest`;
  /// `missing` fixes every split's missing-value tracking, or nil picks it at random.
  private func grow(
    _ forest: inout TreeForest<Float>, depth: Int, features: Int, modes: [BranchMode], missing: Bool?,
    random: inout FuzzTests.SplitMix
  ) {
    let index = forest.nodes.count
    forest.append(
      mode: .leaf, feature: 0, threshold: 0, trueChild: Int32(index), falseChild: Int32(index), missingTracksTrue: false
    )
    // Some branches stop early, so leaves sit at different depths.
    guard depth > 0, Int.random(in: 0..<5, using: &random) > 0 else { return }
    let yes = forest.nodes.count
    grow(&forest, depth: depth - 1, features: features, modes: modes, missing: missing, random: &random)
    let no = forest.nodes.count
    grow(&forest, depth: depth - 1, features: features, modes: modes, missing: missing, random: &random)
    forest.nodes[index] = TreeNode(
      threshold: Self.edges[Int.random(in: Self.edges.indices, using: &random)],
      feature: Int32(Int.random(in: 0..<features, using: &random)), trueChild: Int32(yes), falseChild: Int32(no),
      mode: modes[Int.random(in: modes.indices, using: &random)],
      missingTracksTrue: missing ?? Bool.random(using: &random))
  }
}
