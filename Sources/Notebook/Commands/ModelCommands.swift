internal import Foundation
internal import Model

/// Opens a model file or a built-in model by reference.
enum ModelOpener {
  /// Opens `reference`: a built-in name (unless a file of that name exists) or a path.
  static func open(_ reference: String) throws(NotebookError) -> Model {
    do {
      if Model.builtInNames.contains(reference), !FileManager.default.fileExists(atPath: reference) {
        return try Model.builtIn(named: reference)
      }
      let path = UserPath.expanded(reference)
      return try Model(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw NotebookError(.model, error.message)
    }
  }
}

/// `load PATH|iris|diabetes`.
struct LoadCommand: CommandHandler {
  let name = "load"
  let usage = "load PATH | iris | diabetes"
  let summary = "open another model (variables are kept)"

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    let reference = try arguments.path("a model: a .onnx path, or \(Model.builtInNames.joined(separator: " or "))")
    let model: Model
    do {
      model = try ModelOpener.open(reference)
    } catch {
      throw error.at(arguments.call.rawColumn)
    }
    session.model = model
    session.modelReference = reference
    session.print("loaded \(model.name): \(ModelCommand.summaryLine(model))")
    return nil
  }
}

/// `model`: the signature.
struct ModelCommand: CommandHandler {
  let name = "model"
  let usage = "model"
  let summary = "the model's signature: inputs, outputs, features, classes, task, producer, opsets"

  static func summaryLine(_ model: Model) -> String {
    let signature = model.signature
    var text = "\(signature.task.rawValue), \(signature.features.count) features"
    if signature.task == .classification {
      text +=
        ", \(signature.classLabels.count) classes (\(signature.classLabels.map(\.description).joined(separator: ", ")))"
    }
    return text
  }

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    try arguments.expectEnd(usage: usage)
    let model = session.model
    let signature = model.signature
    var lines = ["model \(model.name) (\(session.modelReference), sha256 \(model.info.sha256.prefix(12))…)"]
    if let description = signature.description { lines.append("  \(description)") }
    lines.append("  task:     \(signature.task.rawValue)")
    if !signature.classLabels.isEmpty {
      lines.append("  classes:  \(signature.classLabels.map(\.description).joined(separator: ", "))")
    }
    lines.append("  features: \(signature.featureNames.joined(separator: ", "))")
    for input in signature.inputs { lines.append("  input:    \(input.name) \(input.typeDescription)") }
    for output in signature.outputs { lines.append("  output:   \(output.name) \(output.typeDescription)") }
    lines.append("  producer: \(model.info.producer)")
    let opsets = model.info.opsets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
    lines.append("  opsets:   \(opsets.joined(separator: ", "))")
    session.print(lines.joined(separator: "\n"))
    return nil
  }
}

/// `inputs`: the features with their current values.
struct InputsCommand: CommandHandler {
  let name = "inputs"
  let usage = "inputs"
  let summary = "a table of the features: current value, range, unit, description"

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    try arguments.expectEnd(usage: usage)
    var rows = [["feature", "value", "range", "unit", "description"]]
    var unset = 0
    var missing: [String] = []
    for feature in session.model.signature.features {
      let value: String
      if let v = session.variable(feature.name) {
        value = v.display
      } else if let d = feature.defaultValue {
        value = "(default \(d))"
        unset += 1
      } else {
        value = "MISSING"
        missing.append(feature.name)
      }
      var range = ""
      if let categories = feature.categories {
        range = categories.joined(separator: "|")
      } else if feature.minimum != nil || feature.maximum != nil {
        range = "\(feature.minimum.map(formatNumber) ?? "…") to \(feature.maximum.map(formatNumber) ?? "…")"
      }
      rows.append([feature.name, value, range, feature.unit ?? "", feature.description ?? ""])
    }
    var text = TextTable.render(rows)
    if unset > 0 { text += "\n\(unset) unset: predict uses the defaults shown in brackets" }
    if !missing.isEmpty {
      text += "\nMISSING (no default): \(missing.joined(separator: ", ")); set them, e.g. \(missing[0]) = …"
    }
    session.print(text)
    return nil
  }
}

/// Left-aligned columns separated by two spaces.
enum TextTable {
  static func render(_ rows: [[String]]) -> String {
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    return rows.map { row in
      var line = ""
      for (i, cell) in row.enumerated() {
        line += i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
      }
      return line.trimmingWhitespace.isEmpty ? "" : String(line.reversed().drop { $0 == " " }.reversed())
    }.joined(separator: "\n")
  }
}
