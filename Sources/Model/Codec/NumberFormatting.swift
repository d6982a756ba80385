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
