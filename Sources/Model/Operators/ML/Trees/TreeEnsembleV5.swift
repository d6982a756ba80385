/// The attribute layout of ai.onnx.ml TreeEnsemble (opset 5): interior nodes and leaves
/// in separate arrays, modes as a uint8 tensor, set membership splits.
struct TreeEnsembleV5 {
  let targets: Int
  let aggregate: TreeEnsembleKernel.Aggregate
  let post: PostTransform
  let label: String
  let roots: [Int64]
  let modes: [Int64]
  let featureIDs: [Int64]
  let splits: [Double]
  let trueIDs: [Int64]
  let falseIDs: [Int64]
  let trueLeafs: [Int64]
  let falseLeafs: [Int64]
  let missing: [Int64]
  let members: [Double]
  let leafTargets: [Int64]
  let leafWeights: [Double]

  init(_ ctx: NodeContext) throws(ModelError) {
    label = ctx.label
    targets = try ctx.int("n_targets", default: 1)
    guard targets > 0 else { throw ctx.error("n_targets must be positive") }
    switch try ctx.int("aggregate_function", default: 1) {
    case 0: aggregate = .average
    case 1: aggregate = .sum
    case 2: aggregate = .min
    case 3: aggregate = .max
    case let other: throw ctx.unsupported("aggregate_function \(other)")
    }
    post = try PostTransform(code: try ctx.int("post_transform", default: 0), context: ctx)
    roots = ctx.ints("tree_roots")
    guard let m = try ctx.integers("nodes_modes") else { throw ctx.error("nodes_modes is missing") }
    modes = m
    featureIDs = ctx.ints("nodes_featureids")
    splits = try ctx.tensor("nodes_splits")?.storage.doubles ?? []
    trueIDs = ctx.ints("nodes_truenodeids")
    falseIDs = ctx.ints("nodes_falsenodeids")
    trueLeafs = ctx.ints("nodes_trueleafs")
    falseLeafs = ctx.ints("nodes_falseleafs")
    missing = try ctx.integers("nodes_missing_value_tracks_true") ?? ctx.ints("nodes_missing_value_tracks_true")
    members = try ctx.tensor("membership_values")?.storage.doubles ?? []
    leafTargets = ctx.ints("leaf_targetids")
    leafWeights = try ctx.tensor("leaf_weights")?.storage.doubles ?? []
    let n = modes.count
    for (name, count) in [
      ("nodes_featureids", featureIDs.count), ("nodes_splits", splits.count), ("nodes_truenodeids", trueIDs.count),
      ("nodes_falsenodeids", falseIDs.count), ("nodes_trueleafs", trueLeafs.count),
      ("nodes_falseleafs", falseLeafs.count),
    ] where count != n {
      throw ctx.error("\(name) has \(count) entries; nodes_modes has \(n)")
    }
    guard leafTargets.count == leafWeights.count else {
      throw ctx.error("leaf_targetids and leaf_weights differ in length")
    }
    if let bad = leafTargets.first(where: { $0 < 0 || $0 >= Int64(targets) }) {
      throw ctx.error("a leaf is for target \(bad) but n_targets is \(targets)")
    }
  }

  /// Lays the trees out as one flat forest: interior nodes first, then one node per leaf.
  func forest<T: BinaryFloatingPoint & Sendable>(_: T.Type) throws(ModelError) -> TreeForest<T> {
    var f = TreeForest<T>()
    let n = modes.count
    let leaves = leafWeights.count
    // Membership sets: successive BRANCH_MEMBER nodes take successive NaN-separated groups.
    var groups: [Set<T>] = [[]]
    for v in members {
      if v.isNaN { groups.append([]) } else { groups[groups.count - 1].insert(T(v)) }
    }
    var nextGroup = 0
    for i in 0..<n {
      let mode: BranchMode
      switch modes[i] {
      case 0: mode = .leq
      case 1: mode = .lt
      case 2: mode = .gte
      case 3: mode = .gt
      case 4: mode = .eq
      case 5: mode = .neq
      case 6: mode = .member
      default: throw ModelError(.unsupported, "\(label): node mode \(modes[i])")
      }
      guard featureIDs[i] >= 0, featureIDs[i] < Int64(Int32.max) else {
        throw ModelError(.invalidGraph, "\(label): node \(i) reads feature \(featureIDs[i])")
      }
      f.maxFeature = max(f.maxFeature, Int(featureIDs[i]))
      if mode == .member {
        guard nextGroup < groups.count else {
          throw ModelError(.invalidGraph, "\(label): too few membership_values sets")
        }
        f.memberSets.append(groups[nextGroup])
        f.memberSet.append(Int32(f.memberSets.count - 1))
        nextGroup += 1
      } else {
        f.memberSet.append(-1)
      }
      func child(_ id: Int64, leaf: Bool) throws(ModelError) -> Int32 {
        let limit = leaf ? leaves : n
        guard id >= 0, id < Int64(limit) else {
          throw ModelError(.invalidGraph, "\(label): node \(i) points to \(leaf ? "leaf" : "node") \(id), out of range")
        }
        return Int32(leaf ? n + Int(id) : Int(id))
      }
      f.append(
        mode: mode, feature: Int32(featureIDs[i]), threshold: T(splits[i]),
        trueChild: try child(trueIDs[i], leaf: trueLeafs[i] != 0),
        falseChild: try child(falseIDs[i], leaf: falseLeafs[i] != 0),
        missingTracksTrue: i < missing.count && missing[i] == 1)
      f.leafStart.append(0)
      f.leafCount.append(0)
    }
    for j in 0..<leaves {
      f.append(
        mode: .leaf, feature: 0, threshold: 0, trueChild: Int32(n + j), falseChild: Int32(n + j),
        missingTracksTrue: false)
      f.memberSet.append(-1)
      f.leafStart.append(Int32(f.weightTarget.count))
      f.leafCount.append(1)
      f.weightTarget.append(Int32(leafTargets[j]))
      f.weightValue.append(T(leafWeights[j]))
    }
    for r in roots {
      guard r >= 0, r < Int64(n) || (n == 0 && r < Int64(leaves)) else {
        throw ModelError(.invalidGraph, "\(label): tree root \(r) is out of range")
      }
      // A root whose true and false children are the same leaf is itself that leaf.
      if Int(r) < n, trueIDs[Int(r)] == falseIDs[Int(r)], trueLeafs[Int(r)] != 0, falseLeafs[Int(r)] != 0 {
        f.roots.append(Int32(n + Int(trueIDs[Int(r)])))
      } else {
        f.roots.append(Int32(r))
      }
    }
    f.hasMissingTracks = f.nodes.contains { $0.missingTracksTrue }
    try f.finish(label: label)
    return f
  }
}
