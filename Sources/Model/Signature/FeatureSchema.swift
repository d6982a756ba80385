public import Foundation

/// The sidecar `MODEL.schema.json`: what the ONNX file cannot say about its features.
///
/// ```json
/// {"description": "Iris species", "features": [
///   {"name": "sepal_length", "type": "number", "unit": "cm", "description": "Sepal length",
///    "min": 4.3, "max": 7.9, "default": 5.8},
///   {"name": "region", "type": "category", "categories": ["north", "south"]}]}
/// ```
public struct FeatureSchema: Sendable, Hashable, Codable {
  /// One feature's entry.
  public struct Entry: Sendable, Hashable, Codable {
    public var name: String
    /// "number", "integer", "boolean", "string" or "category".
    public var type: String?
    public var unit: String?
    public var description: String?
    public var min: Double?
    public var max: Double?
    public var `default`: DefaultValue?
    public var categories: [String]?

    /// Creates an entry.
    public init(
      name: String, type: String? = nil, unit: String? = nil, description: String? = nil,
      min: Double? = nil, max: Double? = nil, default: DefaultValue? = nil,
      categories: [String]? = nil
    ) {
      self.name = name
      self.type = type
      self.unit = unit
      self.description = description
      self.min = min
      self.max = max
      self.default = `default`
      self.categories = categories
    }
  }

  /// A default: a number, a string or a boolean.
  public enum DefaultValue: Sendable, Hashable, Codable {
    case number(Double)
    case string(String)
    case bool(Bool)

    public init(from decoder: any Decoder) throws {
      let c = try decoder.singleValueContainer()
      if let b = try? c.decode(Bool.self) {
        self = .bool(b)
      } else if let d = try? c.decode(Double.self) {
        self = .number(d)
      } else {
        self = .string(try c.decode(String.self))
      }
    }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.singleValueContainer()
      switch self {
      case .number(let d): try c.encode(d)
      case .string(let s): try c.encode(s)
      case .bool(let b): try c.encode(b)
      }
    }

    var featureValue: FeatureValue {
      switch self {
      case .number(let d): .number(d)
      case .string(let s): .string(s)
      case .bool(let b): .bool(b)
      }
    }
  }

  /// What the model does, for people.
  public var description: String?
  /// The features, in the model's column order when the model does not name them.
  public var features: [Entry]

  /// Creates a schema.
  public init(description: String? = nil, features: [Entry]) {
    self.description = description
    self.features = features
  }

  /// Decodes a schema from JSON.
  /// - Throws: `ModelError` with code `.invalidSchema`, naming the problem.
  public init(json data: Data, source: String = "schema") throws(ModelError) {
    do {
      self = try JSONDecoder().decode(FeatureSchema.self, from: data)
    } catch let error as DecodingError {
      throw ModelError(.invalidSchema, "\(source) is not a valid feature schema: \(explain(error))")
    } catch {
      throw ModelError(.invalidSchema, "\(source) is not a valid feature schema: \(error)")
    }
    let allowed: Set<String> = ["number", "integer", "boolean", "string", "category"]
    for entry in features {
      if let t = entry.type, !allowed.contains(t) {
        throw ModelError(
          .invalidSchema,
          "\(source): feature \(entry.name) has type \"\(t)\"; use one of "
            + allowed.sorted().joined(separator: ", "))
      }
      if let lo = entry.min, let hi = entry.max, lo > hi {
        throw ModelError(.invalidSchema, "\(source): feature \(entry.name) has min \(lo) above max \(hi)")
      }
    }
  }
}

private func explain(_ error: DecodingError) -> String {
  func path(_ c: DecodingError.Context) -> String {
    let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    return p.isEmpty ? "" : " at \(p)"
  }
  switch error {
  case .dataCorrupted(let c): return "malformed JSON\(path(c))"
  case .keyNotFound(let key, let c): return "missing key \"\(key.stringValue)\"\(path(c))"
  case .typeMismatch(_, let c): return "\(c.debugDescription)\(path(c))"
  case .valueNotFound(_, let c): return "missing value\(path(c))"
  @unknown default: return "\(error)"
  }
}
