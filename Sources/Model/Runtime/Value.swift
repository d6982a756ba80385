/// The keys of the maps that `ZipMap` produces: class labels.
public enum MapKeys: Sendable, Equatable {
  case int64([Int64])
  case string([String])

  /// The number of keys.
  public var count: Int {
    switch self {
    case .int64(let k): k.count
    case .string(let k): k.count
    }
  }

  /// The keys as class labels.
  public var labels: [ClassLabel] {
    switch self {
    case .int64(let k): k.map(ClassLabel.int)
    case .string(let k): k.map(ClassLabel.string)
    }
  }
}

/// A sequence of maps that all share the same keys, as `ZipMap` writes them.
public struct SequenceOfMaps: Sendable, Equatable {
  /// The keys every map has, in order.
  public var keys: MapKeys
  /// One row of values per map, aligned with `keys`.
  public var rows: [[Float]]
}

/// A value that flows along the graph: a tensor or a sequence of maps.
public enum Value: Sendable, Equatable {
  case tensor(Tensor)
  case sequenceOfMaps(SequenceOfMaps)

  /// The tensor, when this value is one.
  public var tensor: Tensor? {
    if case .tensor(let t) = self { return t }
    return nil
  }
}
