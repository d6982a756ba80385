/// Writes predictions as JSON Lines or CSV, for batch scoring.
package struct PredictionWriter {
  package enum Format: Sendable { case jsonl, csv }

  let model: Model
  let format: Format

  package init(model: Model, format: Format) {
    self.model = model
    self.format = format
  }

  /// The CSV header, or nothing for JSON Lines.
  package var header: String {
    guard format == .csv else { return "" }
    if model.signature.task == .classification {
      return (["label"] + model.signature.classLabels.map { "p_\($0.description)" }).map(csvCell).joined(separator: ",")
        + "\n"
    }
    return "value\n"
  }

  /// One prediction as a line.
  package func line(_ p: Prediction) -> String {
    switch format {
    case .jsonl:
      var out = "{"
      if let label = p.label {
        out += "\"label\":" + jsonLabel(label) + ",\"probabilities\":{"
        out += p.probabilities.map { jsonString($0.label.description) + ":" + jsonNumber($0.probability) }.joined(
          separator: ",")
        out += "}"
      } else {
        out +=
          "\"value\":"
          + (p.values.count == 1
            ? jsonNumber(p.values[0]) : "[" + p.values.map(jsonNumber).joined(separator: ",") + "]")
      }
      return out + "}\n"
    case .csv:
      if let label = p.label {
        return ([csvCell(label.description)] + p.probabilities.map { jsonNumber($0.probability) }).joined(
          separator: ",") + "\n"
      }
      return p.values.map(jsonNumber).joined(separator: ",") + "\n"
    }
  }
}

/// A label as JSON: a number for integer labels, a string otherwise.
package func jsonLabel(_ label: ClassLabel) -> String {
  switch label {
  case .int(let v): "\(v)"
  case .string(let s): jsonString(s)
  }
}

/// A JSON number; non-finite values, which JSON cannot hold, become null.
package func jsonNumber(_ v: Double) -> String {
  guard v.isFinite else { return "null" }
  if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
  return "\(v)"
}

/// A JSON string literal with the escapes RFC 8259 requires.
package func jsonString(_ s: String) -> String {
  var out = "\""
  out.reserveCapacity(s.utf8.count + 2)
  for scalar in s.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case let c where c.value < 0x20:
      let hex = String(c.value, radix: 16)
      out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}

private func csvCell(_ s: String) -> String {
  guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
  return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
}
