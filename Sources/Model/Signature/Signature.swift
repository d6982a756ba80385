/// A dimension of a declared tensor shape.
public enum Dimension: Sendable, Hashable, CustomStringConvertible {
  case fixed(Int)
  /// A named or unnamed dynamic dimension, such as the batch.
  case dynamic(String?)

  public var description: String {
    switch self {
    case .fixed(let n): "\(n)"
    case .dynamic(let name): name ?? "?"
    }
  }
}

/// A declared graph input or output.
public struct TensorInfo: Sendable, Hashable {
  /// What the value is.
  public enum Kind: Sendable, Hashable {
    case tensor(ElementType, [Dimension])
    /// A sequence of maps from `key` to `value`, as ZipMap writes.
    case sequenceOfMaps(key: ElementType, value: ElementType)
  }

  /// The graph's name for the value.
  public var name: String
  /// Its type and shape.
  public var kind: Kind

  /// The element type, for tensors.
  public var elementType: ElementType? {
    if case .tensor(let t, _) = kind { return t }
    return nil
  }

  /// The declared shape, for tensors.
  public var shape: [Dimension]? {
    if case .tensor(_, let s) = kind { return s }
    return nil
  }

  /// The type in ONNX's notation, such as `tensor(float)[?, 4]`.
  public var typeDescription: String {
    switch kind {
    case .tensor(let t, let shape):
      "tensor(\(t))[" + shape.map(\.description).joined(separator: ", ") + "]"
    case .sequenceOfMaps(let k, let v):
      "seq(map(\(k), \(v)))"
    }
  }
}

/// What a model does with its inputs.
public enum Task: String, Sendable, Hashable {
  case classification
  case regression
}

/// What a model needs and gives: the contract the REPL and the server build on.
public struct Signature: Sendable {
  /// The graph's inputs.
  public var inputs: [TensorInfo]
  /// The graph's outputs.
  public var outputs: [TensorInfo]
  /// The named features, in the order the model takes them.
  public var features: [Feature]
  /// Classification or regression.
  public var task: Task
  /// The classes, in the order of the probability columns; empty for regressors.
  public var classLabels: [ClassLabel]
  /// A description of the model, from its metadata or schema.
  public var description: String?

  /// The feature with this name.
  public func feature(named name: String) -> Feature? {
    features.first { $0.name == name }
  }

  /// The feature names in order.
  public var featureNames: [String] { features.map(\.name) }
}
