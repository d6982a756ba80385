/// Formats a number the shortest way that reads back to the same value, the same in every
/// locale: `4`, `0.25`, `1e-07`. Non-finite values are spelled as JSON parsers that accept
/// them (Python's `json`, `JSONParser`) and `Double(_:)` read them: `NaN`, `Infinity`,
/// `-Infinity`.
///
/// The one number rule of the wire format: JSON numbers (`JSONWriter.number`, where
/// non-finite values become `null`), CSV cells, error messages and the notebook all use it.
package func formatNumber(_ v: Double) -> String {
  guard v.isFinite else { return v.isNaN ? "NaN" : (v < 0 ? "-Infinity" : "Infinity") }
  if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
  return v.description
}

/// Reads a number as people and CSV writers write it: decimal notation (`16`, `-1.5e3`, `.5`),
/// or `NaN` and `Infinity`/`inf` as `formatNumber` and pandas spell them. `Double(_:)` alone
/// would also read hexadecimal (`0x10` as 16) and `nan(…)`, which nobody writing a cell means;
/// limited to these characters, it reads only decimal notation.
package func parseNumber(_ text: String) -> Double? {
  let decimal = text.utf8.allSatisfy { b in
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e")
      || b == UInt8(ascii: "E") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
  }
  if decimal { return Double(text) }
  switch text.lowercased() {
  case "nan", "+nan", "-nan": return .nan
  case "inf", "+inf", "infinity", "+infinity": return .infinity
  case "-inf", "-infinity": return -.infinity
  default: return nil
  }
}

/// A count with its noun, singular for one: `1 cell`, `3 cells`, `0 problems`.
/// - Parameters:
///   - plural: the plural when it is not the noun plus `s`.
package func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
  "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
}
