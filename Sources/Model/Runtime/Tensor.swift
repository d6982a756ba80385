/// The element type of a tensor, as ONNX names it.
public enum ElementType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  case float, double, int64, int32, bool, string

  public var description: String { rawValue }

  /// The name NumPy and the Open Inference Protocol use for this type.
  public var inferenceProtocolName: String {
    switch self {
    case .float: "FP32"
    case .double: "FP64"
    case .int64: "INT64"
    case .int32: "INT32"
    case .bool: "BOOL"
    case .string: "BYTES"
    }
  }
}

/// A dense, row-major tensor.
public struct Tensor: Sendable, Equatable {
  /// The element storage, one case per supported element type.
  public enum Storage: Sendable, Equatable {
    case float([Float])
    case double([Double])
    case int64([Int64])
    case int32([Int32])
    case bool([Bool])
    case string([String])
  }

  /// The dimensions, outermost first.
  public var shape: [Int]
  /// The elements in row-major order.
  public var storage: Storage

  /// Creates a tensor; the element count must equal the product of `shape`.
  /// - Throws: `ModelError` when the counts disagree.
  public init(shape: [Int], storage: Storage) throws(ModelError) {
    let expected = shape.reduce(1, *)
    guard shape.allSatisfy({ $0 >= 0 }), expected == storage.count else {
      throw ModelError(
        .invalidInput,
        "a tensor of shape \(shape) needs \(max(expected, 0)) elements, got \(storage.count)")
    }
    self.shape = shape
    self.storage = storage
  }

  /// Creates a tensor without checking; callers guarantee the count.
  init(unchecked shape: [Int], _ storage: Storage) {
    self.shape = shape
    self.storage = storage
  }

  /// Creates a float tensor.
  public init(shape: [Int], floats: [Float]) throws(ModelError) {
    try self.init(shape: shape, storage: .float(floats))
  }

  /// The element type.
  public var elementType: ElementType { storage.elementType }
  /// The number of elements.
  public var count: Int { storage.count }
  /// The number of dimensions.
  public var rank: Int { shape.count }
}

extension Tensor.Storage {
  /// The element type of this storage.
  public var elementType: ElementType {
    switch self {
    case .float: .float
    case .double: .double
    case .int64: .int64
    case .int32: .int32
    case .bool: .bool
    case .string: .string
    }
  }

  /// The number of elements.
  public var count: Int {
    switch self {
    case .float(let v): v.count
    case .double(let v): v.count
    case .int64(let v): v.count
    case .int32(let v): v.count
    case .bool(let v): v.count
    case .string(let v): v.count
    }
  }

  /// The elements as doubles, or nil for strings.
  public var doubles: [Double]? {
    switch self {
    case .float(let v): v.map(Double.init)
    case .double(let v): v
    case .int64(let v): v.map(Double.init)
    case .int32(let v): v.map(Double.init)
    case .bool(let v): v.map { $0 ? 1 : 0 }
    case .string: nil
    }
  }

  /// The elements as strings, for labels and display.
  public var strings: [String] {
    switch self {
    case .float(let v): v.map { "\($0)" }
    case .double(let v): v.map { "\($0)" }
    case .int64(let v): v.map { "\($0)" }
    case .int32(let v): v.map { "\($0)" }
    case .bool(let v): v.map { "\($0)" }
    case .string(let v): v
    }
  }
}

extension Tensor.Storage {
  /// Calls `body` on the float elements, in place when they are not shared; does nothing for
  /// other types.
  mutating func updateFloats(_ body: (inout [Float]) -> Void) {
    guard case .float(var v) = self else { return }
    self = .bool([])
    body(&v)
    self = .float(v)
  }

  /// Calls `body` on the double elements, in place when they are not shared; does nothing
  /// for other types.
  mutating func updateDoubles(_ body: (inout [Double]) -> Void) {
    guard case .double(var v) = self else { return }
    self = .bool([])
    body(&v)
    self = .double(v)
  }
}
