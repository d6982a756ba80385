import Model

/// Predictions as CSV, for clients that send `Accept: text/csv`.
enum PredictionCSV {
  static func text(_ predictions: [Prediction], model: Model) -> String {
    var out = ""
    if model.signature.task == .classification {
      let classes =
        predictions.first?.probabilities.map(\.label.description) ?? model.signature.classLabels.map(\.description)
      out += (["label"] + classes.map { "p_\($0)" }).map(cell).joined(separator: ",") + "\n"
      for p in predictions {
        out += ([p.label?.description ?? ""] + p.probabilities.map { "\($0.probability)" }).map(cell).joined(
          separator: ",")
        out += "\n"
      }
    } else {
      out += "value\n"
      for p in predictions { out += (p.value.map { "\($0)" } ?? "") + "\n" }
    }
    return out
  }

  private static func cell(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
    return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
  }
}

extension String {
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var out = ""
    for c in self { if c == target { out += replacement } else { out.append(c) } }
    return out
  }
}
