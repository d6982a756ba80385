/// A pooling node that a producer (a Conv) can run on its output while it computes it, so
/// that the producer's whole output is never made (`EpilogueKernel`); its one output is the
/// pooled tensor. A class, so that the fused step holds it by one reference.
protocol PoolingKernel: AnyObject, Kernel {
  /// The pooled tensor of `x`, as the node alone computes its output.
  func pooled(_ x: Tensor) throws(ModelError) -> Tensor
  /// Where the windows lie for an input of `shape`, and the output's shape and size, checked.
  func layout(for shape: [Int]) throws(ModelError) -> PoolLayout
  /// The pooled values of the `count` Float values at `x`, `planes` planes of one spatial
  /// axis laid out as `layout` was made for, into `y`, which has room for `layout.outCount`.
  func poolLine(
    _ x: UnsafePointer<Float>, count: Int, planes: Int, _ layout: PoolLayout, into y: UnsafeMutablePointer<Float>)
}
