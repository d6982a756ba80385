/// MatMul: the matrix product with NumPy's rules for 1-D and batched operands (`matmul`).
struct MatMulKernel: TensorProducingKernel {
  /// B when it is a constant (a layer's weights), held here: read from its slot, it was copied
  /// and released on every run.
  let constantB: Tensor?

  init(_ ctx: NodeContext) {
    constantB = ctx.constantInputs.count > 1 ? ctx.constantInputs[1] : nil
  }

  func output(_ inputs: KernelInputs) throws(ModelError) -> Tensor {
    if let constantB { return try matmul(try inputs.tensor(0), constantB) }
    return try matmul(try inputs.tensor(0), try inputs.tensor(1))
  }

  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue) throws(ModelError) -> Tensor? {
    if let constantB { return try matmul(try inputs.tensor(0), constantB, epilogue: epilogue) }
    return try matmul(try inputs.tensor(0), try inputs.tensor(1), epilogue: epilogue)
  }
}
