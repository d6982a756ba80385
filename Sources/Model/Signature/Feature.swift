/// The type of value a feature takes.
public enum FeatureType: Sendable, Hashable, CustomStringConvertible {
  case number
  case integer
  case boolean
  case string
  /// One of a fixed list of strings.
  case category([String])

  /// The JSON Schema type name.
  public var jsonType: String {
    switch self {
    case .number: "number"
    case .integer: "integer"
    case .boolean: "boolean"
    case .string, .category: "string"
    }
  }

  /// The type with an article, for messages ("a number").
  public var noun: String {
    switch self {
    case .number: "a number"
    case .integer: "an integer"
    case .boolean: "a boolean"
    case .string: "a string"
    case .category: "a string category"
    }
  }

  public var description: String {
    switch self {
    case .category: "category"
    default: jsonType
    }
  }
}

/// One named input variable of a model, with what the schema says about it.
public struct Feature: Sendable, Hashable {
  /// The name callers use.
  public var name: String
  /// The type of its values.
  public var type: FeatureType
  /// The smallest allowed value, if bounded.
  public var minimum: Double?
  /// The largest allowed value, if bounded.
  public var maximum: Double?
  /// The value used when a caller gives none.
  public var defaultValue: FeatureValue?
  /// What the feature means.
  public var description: String?
  /// The unit of measure.
  public var unit: String?
  /// Where the value goes: which graph input, and which column of it.
  package var binding: Binding

  /// Where a feature's value is placed in the graph's inputs.
  package struct Binding: Sendable, Hashable {
    package var input: Int
    package var column: Int
  }

  /// The allowed categories, for categorical features.
  public var categories: [String]? {
    if case .category(let c) = type { return c }
    return nil
  }
}
