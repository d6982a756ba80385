/// A split rewritten for the branch-free walk: a row goes to `lo` when
/// `x[feature] <= threshold` and to `hi` otherwise. A leaf points to itself, so steps
/// taken past a leaf stay on it and every row of a batch can take the same number of steps.
struct CompactSplit<T: BinaryFloatingPoint & Sendable>: Sendable {
  var threshold: T
  var feature: Int32
  var lo: Int32
  var hi: Int32
}
