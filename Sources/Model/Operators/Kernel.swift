/// A compiled operator: attributes checked and decoded at load time, run on values.
protocol Kernel: Sendable {
  /// Computes the node's outputs from `inputs` and stores each in `outputs`.
  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError)
}

extension Kernel {
  /// Runs the kernel alone on `inputs`, for work done at load time (folding constants).
  /// - Returns: the `outputCount` outputs, nil where the kernel stored none.
  func run(_ inputs: [Value?], outputCount: Int) throws(ModelError) -> [Value?] {
    var slots = inputs + [Value?](repeating: nil, count: max(outputCount, 1))
    let slotNumbers = Array(slots.indices)
    try slots.withUnsafeMutableBufferPointer { (buffer) throws(ModelError) in
      try slotNumbers.withUnsafeBufferPointer { (numbers) throws(ModelError) in
        guard let base = buffer.baseAddress else { return }
        try run(
          KernelInputs(slots: base, slotIndices: UnsafeBufferPointer(rebasing: numbers[..<inputs.count])),
          KernelOutputs(
            slots: base,
            slotIndices: UnsafeBufferPointer(rebasing: numbers[inputs.count..<(inputs.count + outputCount)])))
      }
    }
    return Array(slots[inputs.count..<(inputs.count + outputCount)])
  }
}

/// A kernel failure before the plan adds the node's name to it.
func kernelError(_ message: String) -> ModelError {
  ModelError(.runtime, message)
}

extension Optional where Wrapped == Value {
  /// The tensor in this input, or an error naming the input's position.
  func tensor(_ position: Int) throws(ModelError) -> Tensor {
    switch self {
    case .some(.tensor(let t)): return t
    case .some(.sequenceOfMaps): throw kernelError("input \(position) is a sequence of maps, expected a tensor")
    case .none: throw kernelError("input \(position) is missing")
    }
  }
}
