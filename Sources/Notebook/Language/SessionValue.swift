internal import Model

/// A value of the session language.
public enum SessionValue: Sendable, Equatable {
  case number(Double)
  case string(String)
  case bool(Bool)
  case list([SessionValue])
  /// Named fields, such as a prediction's `label` and `probabilities`.
  case record(Record)
  case null

  /// What kind of value this is, as a noun for messages ("a number").
  var noun: String {
    switch self {
    case .number: "a number"
    case .string: "a string"
    case .bool: "a boolean"
    case .list: "a list"
    case .record(let r): r.kind == "record" ? "a record" : "a \(r.kind)"
    case .null: "null"
    }
  }

  var number: Double? {
    if case .number(let v) = self { return v }
    return nil
  }

  /// The deepest nesting of lists and records a value may have (see ``nestingDepth``).
  static let maximumDepth = 200
  /// The longest string, in UTF-8 bytes, that `+` makes.
  static let maximumStringLength = 10_000_000

  /// How many lists and records nest in this value, itself included: 0 for a number.
  var nestingDepth: Int {
    switch self {
    case .list(let items): 1 + (items.lazy.map(\.nestingDepth).max() ?? 0)
    case .record(let record): 1 + (record.fields.lazy.map(\.value.nestingDepth).max() ?? 0)
    default: 0
    }
  }

  /// Whether the value holds more than `limit` values in all its lists, counting each
  /// shared copy; stops counting past the limit, so the answer is cheap.
  func holdsMoreValues(than limit: Int) -> Bool {
    var remaining = limit
    var pending: [SessionValue] = [self]
    while let value = pending.popLast() {
      guard case .list(let items) = value else { continue }
      remaining -= items.count
      if remaining < 0 { return true }
      for item in items { if case .list = item { pending.append(item) } }
    }
    return false
  }
}

/// Named fields in order; `kind` says what made them ("prediction", "sweep").
public struct Record: Sendable, Equatable {
  /// One field.
  public struct Field: Sendable, Equatable {
    public var name: String
    public var value: SessionValue
  }

  /// What the record is, such as "prediction".
  public var kind: String
  /// The fields in order.
  public var fields: [Field]

  init(kind: String = "record", _ fields: [(String, SessionValue)]) {
    self.kind = kind
    self.fields = fields.map { Field(name: $0.0, value: $0.1) }
  }

  /// The field named `name`.
  public subscript(name: String) -> SessionValue? {
    fields.first { $0.name == name }?.value
  }

  var names: [String] { fields.map(\.name) }
}

extension SessionValue {
  /// The value as the REPL prints it: strings quoted, long lists shortened.
  var display: String { formatted(depth: 0) }

  private func formatted(depth: Int) -> String {
    switch self {
    case .number(let v): return formatNumber(v)
    case .string(let s): return quoted(s)
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    case .list(let items):
      let limit = 20
      if items.count <= limit {
        return "[" + items.map { $0.formatted(depth: depth + 1) }.joined(separator: ", ") + "]"
      }
      let head = items.prefix(8).map { $0.formatted(depth: depth + 1) }
      let tail = items.suffix(3).map { $0.formatted(depth: depth + 1) }
      return "[" + (head + ["…"] + tail).joined(separator: ", ") + "] (\(items.count) values)"
    case .record(let record):
      let body = record.fields.map { "\($0.name): \($0.value.formatted(depth: depth + 1))" }.joined(separator: ", ")
      return record.kind == "record" ? "{\(body)}" : "\(record.kind) {\(body)}"
    }
  }
}

/// A string in double quotes with quotes and backslashes escaped.
func quoted(_ s: String) -> String {
  var out = "\""
  for c in s {
    switch c {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    default: out.append(c)
    }
  }
  return out + "\""
}

/// Formats a number with exactly `digits` decimals, independent of the locale.
func formatFixed(_ v: Double, digits: Int) -> String {
  if !v.isFinite { return formatNumber(v) }
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let scaled = (abs(v) * scale).rounded()
  guard scaled < 9e15 else { return formatNumber(v) }
  let whole = Int64(scaled)
  let divisor = Int64(scale)
  let integer = whole / divisor
  let fraction = whole % divisor
  let sign = v < 0 && whole != 0 ? "-" : ""
  guard digits > 0 else { return sign + String(integer) }
  let fractionText = String(fraction)
  return sign + String(integer) + "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
}

/// Formats a number with about `significant` significant digits, for tables:
/// `152.133`, `0.0123`, `4.35`.
func formatShort(_ v: Double, significant: Int = 4) -> String {
  if !v.isFinite || v == 0 { return formatNumber(v) }
  if v == v.rounded(), abs(v) < 1e9 { return formatNumber(v) }
  let magnitude = Int((abs(v)).log10Floor)
  let digits = max(0, min(10, significant - 1 - magnitude))
  if abs(v) < 1e-4 || abs(v) >= 1e9 { return formatNumber(v) }
  var text = formatFixed(v, digits: digits)
  if text.contains(".") {
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
  }
  return text
}

extension Double {
  /// ⌊log10(|self|)⌋ without Foundation.
  fileprivate var log10Floor: Double {
    var x = abs(self)
    var e = 0.0
    while x >= 10 {
      x /= 10
      e += 1
    }
    while x < 1 {
      x *= 10
      e -= 1
    }
    return e
  }
}
