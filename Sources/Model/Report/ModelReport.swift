/// A plain-text account of a model: what `fathom inspect` prints and the REPL's `model` shows.
package struct ModelReport {
  let model: Model

  package init(_ model: Model) { self.model = model }

  package var text: String {
    let s = model.signature
    let info = model.info
    var lines: [String] = []
    lines.append("\(model.name): \(s.task.rawValue)\(s.description.map { " — \($0)" } ?? "")")
    lines.append("  producer   \(info.producer.isEmpty ? "unknown" : info.producer), ONNX IR \(info.irVersion)")
    lines.append(
      "  opsets     " + info.opsets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    lines.append("  size       \(formatBytes(info.byteCount)), sha256 \(info.sha256.prefix(16))…")
    lines.append("")
    lines.append("inputs")
    for i in s.inputs { lines.append("  \(i.name)  \(i.typeDescription)") }
    lines.append("outputs")
    for o in s.outputs { lines.append("  \(o.name)  \(o.typeDescription)") }
    if !s.classLabels.isEmpty {
      lines.append("classes")
      lines.append("  " + s.classLabels.map(\.description).joined(separator: ", "))
    }
    lines.append("features (\(s.features.count))")
    let nameWidth = min(24, s.features.map(\.name.count).max() ?? 0)
    for f in s.features {
      var parts = [f.name.padded(to: nameWidth), f.type.description]
      if f.minimum != nil || f.maximum != nil {
        parts.append("[\(f.minimum.map(formatNumber) ?? "-∞"), \(f.maximum.map(formatNumber) ?? "∞")]")
      }
      if let u = f.unit { parts.append(u) }
      if let d = f.defaultValue { parts.append("default \(d)") }
      if let c = f.categories { parts.append("one of " + c.joined(separator: "|")) }
      if let d = f.description { parts.append("— \(d)") }
      lines.append("  " + parts.joined(separator: "  "))
    }
    lines.append("operators")
    for (key, count) in info.operatorCounts.sorted(by: { $0.key < $1.key }) {
      lines.append("  \(key.description) ×\(count)")
    }
    return lines.joined(separator: "\n")
  }
}

/// A byte count the way people read it: 1.2 KiB, 3.4 MiB.
func formatBytes(_ n: Int) -> String {
  if n < 1024 { return "\(n) B" }
  let units = ["KiB", "MiB", "GiB"]
  var v = Double(n) / 1024
  var u = 0
  while v >= 1024, u < units.count - 1 {
    v /= 1024
    u += 1
  }
  return "\((v * 10).rounded() / 10) \(units[u])"
}

extension String {
  /// Pads with spaces on the right to `width` characters.
  func padded(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
