/// A class label as the model stores it: an integer or a string.
public enum ClassLabel: Sendable, Hashable, CustomStringConvertible {
  case int(Int64)
  case string(String)

  public var description: String {
    switch self {
    case .int(let v): "\(v)"
    case .string(let v): v
    }
  }
}
