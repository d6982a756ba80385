package import Model

/// A plain-text account of a model: what `fathom inspect` prints and the notebook's `model` shows.
///
/// ```
/// iris: classification — Iris species from sepal and petal measurements
///   source     built-in
///   producer   skl2onnx 1.20.0, ONNX IR 8
/// …
/// features (4)
///   sepal_length  number  [4.3, 7.9]  cm  default 5.8  Sepal length
/// ```
package struct ModelSummary {
  let model: Model
  let reference: String

  /// A summary of `model`, opened as `reference` (a path or a built-in name).
  package init(_ model: Model, reference: String) {
    self.model = model
    self.reference = reference
  }

  /// The summary: the facts of the file, then inputs, outputs, classes, features and operators,
  /// each list in aligned columns.
  package var text: String {
    let signature = model.signature
    let info = model.info
    var lines = ["\(model.name): \(signature.task.rawValue)\(signature.description.map { " — \($0)" } ?? "")"]
    let source = Model.builtInNames.contains(reference) && reference == model.name ? "built-in" : reference
    let opsets = info.opsets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
    lines += Self.table([
      ["source", source],
      ["producer", "\(info.producer.isEmpty ? "unknown" : info.producer), ONNX IR \(info.irVersion)"],
      ["opsets", opsets.joined(separator: ", ")],
      ["size", "\(Self.bytes(info.byteCount)), sha256 \(info.sha256.prefix(16))…"],
    ])
    lines.append("")
    lines.append("inputs")
    lines += Self.table(signature.inputs.map { [$0.name, $0.typeDescription] })
    lines.append("outputs")
    lines += Self.table(signature.outputs.map { [$0.name, $0.typeDescription] })
    if !signature.classLabels.isEmpty {
      lines.append("classes")
      lines.append("  " + signature.classLabels.map(\.description).joined(separator: ", "))
    }
    lines.append("features (\(signature.features.count))")
    lines += Self.table(
      signature.features.map { feature in
        var range = ""
        if feature.minimum != nil || feature.maximum != nil {
          range = "[\(feature.minimum.map(formatNumber) ?? "-∞"), \(feature.maximum.map(formatNumber) ?? "∞")]"
        }
        return [
          feature.name, feature.type.description, range, feature.unit ?? "",
          feature.defaultValue.map { "default \($0)" } ?? "",
          feature.categories.map { "one of " + $0.joined(separator: "|") } ?? "", feature.description ?? "",
        ]
      })
    lines.append("operators")
    lines += Self.table(info.operatorCounts.sorted { $0.key < $1.key }.map { [$0.key.description, "×\($0.value)"] })
    return lines.joined(separator: "\n")
  }

  /// Rows in left-aligned columns, indented by two spaces; columns empty in every row are left out.
  static func table(_ rows: [[String]]) -> [String] {
    guard let width = rows.map(\.count).max() else { return [] }
    let kept = (0..<width).filter { column in rows.contains { column < $0.count && !$0[column].isEmpty } }
    let cells = rows.map { row in kept.map { $0 < row.count ? row[$0] : "" } }
    return TextTable.render(cells).split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
  }

  /// A byte count the way people read it: `312 B`, `1.2 KiB`, `3.4 MiB`.
  static func bytes(_ count: Int) -> String {
    if count < 1024 { return "\(count) B" }
    let units = ["KiB", "MiB", "GiB"]
    var value = Double(count) / 1024
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return "\(formatFixed(value, digits: 1)) \(units[unit])"
  }
}
