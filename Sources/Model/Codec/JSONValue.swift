/// A parsed JSON value, members of objects kept in the order they were sent (so errors
/// and echoes follow the client's text).
package enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  package static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): true
    case (.bool(let x), .bool(let y)): x == y
    case (.number(let x), .number(let y)): x == y
    case (.string(let x), .string(let y)): x == y
    case (.array(let x), .array(let y)): x == y
    case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: false
    }
  }

  /// The value as a feature value; arrays and objects are unsupported kinds.
  package var featureValue: FeatureValue {
    switch self {
    case .null: .null
    case .bool(let b): .bool(b)
    case .number(let d): .number(d)
    case .string(let s): .string(s)
    case .array: .unsupported("an array")
    case .object: .unsupported("an object")
    }
  }

  /// The member named `key` of an object.
  package subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }
}
