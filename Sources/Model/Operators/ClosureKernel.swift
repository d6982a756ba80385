/// A kernel whose work is a closure: for operators whose attributes fit in a capture.
struct ClosureKernel: Kernel {
  let body: @Sendable (KernelInputs, KernelOutputs) throws(ModelError) -> Void

  init(_ body: @escaping @Sendable (KernelInputs, KernelOutputs) throws(ModelError) -> Void) {
    self.body = body
  }

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    try body(inputs, outputs)
  }
}

/// A kernel with one tensor output.
func tensorKernel(_ body: @escaping @Sendable (KernelInputs) throws(ModelError) -> Tensor) -> ClosureKernel {
  ClosureKernel { (inputs, outputs) throws(ModelError) in outputs.set(0, .tensor(try body(inputs))) }
}
