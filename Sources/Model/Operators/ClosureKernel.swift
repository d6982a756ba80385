/// A kernel whose work is a closure: for operators whose attributes fit in a capture.
struct ClosureKernel: Kernel {
  let body: @Sendable ([Value?]) throws(ModelError) -> [Value]

  init(_ body: @escaping @Sendable ([Value?]) throws(ModelError) -> [Value]) {
    self.body = body
  }

  func run(_ inputs: [Value?]) throws(ModelError) -> [Value] {
    try body(inputs)
  }
}

/// A kernel with one tensor output.
func tensorKernel(_ body: @escaping @Sendable ([Value?]) throws(ModelError) -> Tensor) -> ClosureKernel {
  ClosureKernel { (inputs) throws(ModelError) in [.tensor(try body(inputs))] }
}
