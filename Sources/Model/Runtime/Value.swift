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
///
/// The values are stored flat, one row of `keys.count` values per map, so a batch of
/// ten thousand maps is one allocation rather than ten thousand.
public struct SequenceOfMaps: Sendable, Equatable {
  /// The keys every map has, in order.
  public var keys: MapKeys
  /// The maps' values, row-major: `count` rows of `keys.count` values.
  public var values: [Float]

  /// Creates a sequence from flat values.
  public init(keys: MapKeys, values: [Float]) {
    self.keys = keys
    self.values = values
  }

  /// The number of maps.
  public var count: Int { keys.count == 0 ? 0 : values.count / keys.count }

  /// The values of map `index`, aligned with `keys`.
  public func row(_ index: Int) -> ArraySlice<Float> {
    values[(index * keys.count)..<((index + 1) * keys.count)]
  }

  /// Every map's values, one array per map.
  public var rows: [[Float]] { (0..<count).map { Array(row($0)) } }
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
