/// One feature's value as a caller gives it: from JSON, CSV or the REPL.
public enum FeatureValue: Sendable, Hashable, CustomStringConvertible {
  case number(Double)
  case string(String)
  case bool(Bool)
  case null
  /// A value of a kind no feature takes (a JSON array or object); the payload names the kind.
  case unsupported(String)

  public var description: String {
    switch self {
    case .number(let v): formatNumber(v)
    case .string(let s): "\"\(s)\""
    case .bool(let b): b ? "true" : "false"
    case .null: "null"
    case .unsupported(let kind): kind
    }
  }
}
