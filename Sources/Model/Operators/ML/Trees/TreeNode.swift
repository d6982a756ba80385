/// One tree node, packed so that a step down the tree reads one 16- or 24-byte record.
struct TreeNode<T: BinaryFloatingPoint & Sendable>: Sendable {
  var threshold: T
  var feature: Int32
  var trueChild: Int32
  var falseChild: Int32
  var mode: BranchMode
  var missingTracksTrue: Bool
}
