/// A compiled operator: attributes checked and decoded at load time, run on values.
protocol Kernel: Sendable {
  /// Computes the node's outputs. An absent optional input is nil.
  func run(_ inputs: [Value?]) throws(ModelError) -> [Value]
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

extension Array where Element == Value? {
  /// The tensor at `position`, or an error when it is absent.
  func tensor(_ position: Int) throws(ModelError) -> Tensor {
    guard position < count else { throw kernelError("input \(position) is missing") }
    return try self[position].tensor(position)
  }

  /// The tensor at `position`, or nil when the optional input is absent.
  func optionalTensor(_ position: Int) throws(ModelError) -> Tensor? {
    guard position < count, self[position] != nil else { return nil }
    return try self[position].tensor(position)
  }
}
