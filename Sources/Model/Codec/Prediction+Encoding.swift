/// The one wire form of a prediction, in JSON and CSV: what `POST /predict` answers and
/// what `fathom predict` prints, byte for byte.
///
/// JSON: a classifier gives `"label":L,"probabilities":{"class":p,…}`, a regressor
/// `"value":v`, and a regressor with several targets `"value":v0,"values":[v0,v1,…]` (so
/// `value` is a number for every regressor). CSV: a header `label,p_class,…` or `value`
/// (`value_0,value_1,…` for several targets), then one record per prediction.
extension Prediction {
  /// Writes the prediction's members without braces, so callers can add their own after it
  /// (the server's `"model"` and `"version"`).
  package func writeJSONMembers(to w: inout JSONWriter) {
    if let label {
      w.raw(#""label":"#)
      w.label(label)
      w.raw(#","probabilities":{"#)
      var first = true
      for c in probabilities {
        w.separator(&first)
        w.key(c.label.description)
        w.number(c.probability)
      }
      w.raw("}")
    } else {
      w.raw(#""value":"#)
      w.number(value ?? .nan)
      if values.count > 1 {
        w.raw(#","values":["#)
        var first = true
        for v in values {
          w.separator(&first)
          w.number(v)
        }
        w.raw("]")
      }
    }
  }

  /// Writes the prediction as a JSON object: a batch's element, a JSON Lines line.
  package func writeJSON(to w: inout JSONWriter) {
    w.raw("{")
    writeJSONMembers(to: &w)
    w.raw("}")
  }

  /// The CSV columns of predictions like `first`, or, when there is none, of what `signature`
  /// promises: `label` and `p_CLASS…`, `value`, or `value_0…` for several targets.
  package static func csvColumns(like first: Prediction?, signature: Signature) -> [String] {
    let classification = first.map { $0.label != nil } ?? (signature.task == .classification)
    if classification {
      let classes = first.map { $0.probabilities.map(\.label) } ?? signature.classLabels
      return ["label"] + classes.map { "p_" + $0.description }
    }
    if let count = first?.values.count, count > 1 { return (0..<count).map { "value_\($0)" } }
    return ["value"]
  }

  /// Writes the CSV header of `csvColumns(like:signature:)`, then `extraColumns`.
  package static func writeCSVHeader(
    like first: Prediction?, signature: Signature, to w: inout CSVWriter, then extraColumns: [String] = []
  ) {
    for name in csvColumns(like: first, signature: signature) + extraColumns { w.field(name) }
    w.endRecord()
  }

  /// Writes the prediction as one CSV record, in the columns of `writeCSVHeader`, then `extraCells`.
  package func writeCSVRecord(to w: inout CSVWriter, then extraCells: [String] = []) {
    if let label {
      w.field(label.description)
      for c in probabilities { w.number(c.probability) }
    } else if values.isEmpty {
      w.number(.nan)
    } else {
      for v in values { w.number(v) }
    }
    for cell in extraCells { w.field(cell) }
    w.endRecord()
  }

  /// Predictions as a CSV document: the header, then one record each.
  package static func csv(_ predictions: [Prediction], signature: Signature) -> [UInt8] {
    var w = CSVWriter(capacity: 64 * predictions.count + 64)
    writeCSVHeader(like: predictions.first, signature: signature, to: &w)
    for p in predictions { p.writeCSVRecord(to: &w) }
    return w.bytes
  }
}
