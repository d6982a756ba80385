/// A node's identity in the opset-1/3 layout.
private struct Key: Hashable {
  let tree: Int64
  let node: Int64
}

/// Builds a forest from the opset-1/3 attribute layout (tuples of node and weight attributes).
struct TreeAttributes {
  var treeIDs: [Int64]
  var nodeIDs: [Int64]
  var featureIDs: [Int64]
  var modes: [String]
  var values: [Double]
  var trueIDs: [Int64]
  var falseIDs: [Int64]
  var missingTracksTrue: [Int64]
  var weightTreeIDs: [Int64]
  var weightNodeIDs: [Int64]
  var weightTargets: [Int64]
  var weightValues: [Double]

  init(_ ctx: NodeContext, weightPrefix: String, targetKey: String) throws(ModelError) {
    treeIDs = ctx.ints("nodes_treeids")
    nodeIDs = ctx.ints("nodes_nodeids")
    featureIDs = ctx.ints("nodes_featureids")
    modes = ctx.strings("nodes_modes")
    values = try ctx.floatsOrTensor("nodes_values")
    trueIDs = ctx.ints("nodes_truenodeids")
    falseIDs = ctx.ints("nodes_falsenodeids")
    missingTracksTrue = ctx.ints("nodes_missing_value_tracks_true")
    weightTreeIDs = ctx.ints("\(weightPrefix)_treeids")
    weightNodeIDs = ctx.ints("\(weightPrefix)_nodeids")
    weightTargets = ctx.ints("\(weightPrefix)_\(targetKey)")
    weightValues = try ctx.floatsOrTensor("\(weightPrefix)_weights")
    let n = treeIDs.count
    guard n > 0 else { throw ctx.error("the tree ensemble has no nodes") }
    for (name, count) in [
      ("nodes_nodeids", nodeIDs.count), ("nodes_featureids", featureIDs.count), ("nodes_modes", modes.count),
      ("nodes_values", values.count), ("nodes_truenodeids", trueIDs.count), ("nodes_falsenodeids", falseIDs.count),
    ] where count != n {
      throw ctx.error("\(name) has \(count) entries; nodes_treeids has \(n)")
    }
    let w = weightTreeIDs.count
    guard weightNodeIDs.count == w, weightTargets.count == w, weightValues.count == w else {
      throw ctx.error("the \(weightPrefix)_* attributes have different lengths")
    }
  }

  func forest<T: BinaryFloatingPoint & Sendable>(_: T.Type, label: String) throws(ModelError) -> TreeForest<T> {
    var f = TreeForest<T>()
    let n = treeIDs.count
    var index: [Key: Int] = [:]
    index.reserveCapacity(n)
    for i in 0..<n {
      let key = Key(tree: treeIDs[i], node: nodeIDs[i])
      guard index[key] == nil else {
        throw ModelError(.invalidGraph, "\(label): node \(nodeIDs[i]) of tree \(treeIDs[i]) is defined twice")
      }
      index[key] = i
    }
    f.nodes.reserveCapacity(n)
    for i in 0..<n {
      let mode = BranchMode(name: modes[i])
      let missing = i < missingTracksTrue.count && missingTracksTrue[i] == 1
      f.memberSet.append(-1)
      if mode == .leaf {
        f.append(
          mode: mode, feature: 0, threshold: T(values[i]), trueChild: Int32(i), falseChild: Int32(i),
          missingTracksTrue: missing)
      } else {
        guard featureIDs[i] >= 0, featureIDs[i] < Int64(Int32.max) else {
          throw ModelError(.invalidGraph, "\(label): node \(nodeIDs[i]) reads feature \(featureIDs[i])")
        }
        f.maxFeature = max(f.maxFeature, Int(featureIDs[i]))
        guard let t = index[Key(tree: treeIDs[i], node: trueIDs[i])],
          let e = index[Key(tree: treeIDs[i], node: falseIDs[i])]
        else {
          throw ModelError(
            .invalidGraph, "\(label): node \(nodeIDs[i]) of tree \(treeIDs[i]) has a child that does not exist")
        }
        guard t != i, e != i else {
          throw ModelError(.invalidGraph, "\(label): node \(nodeIDs[i]) of tree \(treeIDs[i]) is its own child")
        }
        f.append(
          mode: mode, feature: Int32(featureIDs[i]), threshold: T(values[i]), trueChild: Int32(t), falseChild: Int32(e),
          missingTracksTrue: missing)
      }
      if i == 0 || treeIDs[i] != treeIDs[i - 1] { f.roots.append(Int32(i)) }
    }
    f.hasMissingTracks = f.nodes.contains { $0.missingTracksTrue }

    // Attach weights to leaves, ordered by (tree, node) and then by their original order.
    var perNode = [[Int]](filled: [], count: n)
    for w in 0..<weightTreeIDs.count {
      guard let i = index[Key(tree: weightTreeIDs[w], node: weightNodeIDs[w])] else {
        throw ModelError(
          .invalidGraph,
          "\(label): a weight refers to node \(weightNodeIDs[w]) of tree \(weightTreeIDs[w]), which does not exist")
      }
      guard f.nodes[i].mode == .leaf else { continue }
      perNode[i].append(w)
    }
    for i in 0..<n {
      f.leafStart.append(Int32(f.weightTarget.count))
      f.leafCount.append(Int32(perNode[i].count))
      if f.nodes[i].mode == .leaf, perNode[i].isEmpty {
        throw ModelError(.invalidGraph, "\(label): leaf \(nodeIDs[i]) of tree \(treeIDs[i]) has no weight")
      }
      for w in perNode[i] {
        guard weightTargets[w] >= 0, weightTargets[w] < Int64(Int32.max) else {
          throw ModelError(.invalidGraph, "\(label): a weight has target \(weightTargets[w])")
        }
        f.weightTarget.append(Int32(weightTargets[w]))
        f.weightValue.append(T(weightValues[w]))
      }
    }
    try f.finish(label: label)
    return f
  }
}
