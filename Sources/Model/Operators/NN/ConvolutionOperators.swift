/// Convolution and max pooling over any number of spatial axes (N, C, spatial…): Conv, MaxPool.
enum ConvolutionOperators {
  static var definitions: [OperatorDefinition] {
    [convolution(), maxPool()]
  }

  /// Conv: cross-correlation with groups, strides, dilations, padding and an optional bias.
  /// Sums run over input channels then kernel positions with fused multiply-add, the order of
  /// onnxruntime's im2col + SGEMM, and the bias is added last.
  private static func convolution() -> OperatorDefinition {
    OperatorRegistry.define("", "Conv") { (ctx) throws(ModelError) in
      let window = try WindowAttributes(ctx, kernelRequired: false)
      let group = try ctx.int("group", default: 1)
      guard group >= 1 else { throw ctx.error("group must be at least 1, got \(group)") }
      return ConvKernel(
        window: window, group: group, constants: ctx.constantInputs, inputCount: ctx.node.input.count)
    }
  }

  /// MaxPool: the largest element of each window (padding never wins), and optionally the
  /// flat index of that element in the input (row-major, or column-major for 2-D with storage_order=1).
  private static func maxPool() -> OperatorDefinition {
    OperatorRegistry.define("", "MaxPool") { (ctx) throws(ModelError) in try MaxPoolKernel(ctx) }
  }
}
