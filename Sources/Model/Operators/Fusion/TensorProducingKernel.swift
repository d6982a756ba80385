/// A kernel whose one output is a tensor it makes, which a fused step takes in hand to change
/// in place (`EpilogueKernel`).
protocol TensorProducingKernel: Kernel {
  func output(_ inputs: KernelInputs) throws(ModelError) -> Tensor
  /// The output with `epilogue` applied to each element as it is computed; nil, having
  /// computed nothing, when this kernel cannot do that for these inputs (the fused step then
  /// applies the epilogue to `output(_:)`'s result).
  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue) throws(ModelError) -> Tensor?
  /// The output with `epilogue` applied and then pooled by `pool`, computed together; nil,
  /// having computed nothing, when this kernel cannot (the fused step then pools the output
  /// it gets as without `pool`).
  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue, pooledBy pool: any PoolingKernel)
    throws(ModelError) -> Tensor?
}

extension TensorProducingKernel {
  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    outputs.set(0, .tensor(try output(inputs)))
  }

  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue) throws(ModelError) -> Tensor? { nil }

  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue, pooledBy pool: any PoolingKernel)
    throws(ModelError) -> Tensor?
  { nil }
}
