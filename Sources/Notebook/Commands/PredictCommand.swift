internal import Model
internal import Plot

extension SessionValue {
  /// The value as a model input.
  var featureValue: FeatureValue {
    switch self {
    case .number(let v): .number(v)
    case .string(let s): .string(s)
    case .bool(let b): .bool(b)
    case .null: .null
    case .list: .unsupported("a list")
    case .record: .unsupported("a record")
    }
  }

  init(_ label: ClassLabel) {
    switch label {
    case .int(let i): self = .number(Double(i))
    case .string(let s): self = .string(s)
    }
  }

  init(_ feature: FeatureValue) {
    switch feature {
    case .number(let v): self = .number(v)
    case .string(let s): self = .string(s)
    case .bool(let b): self = .bool(b)
    case .null, .unsupported: self = .null
    }
  }
}

extension Session {
  /// The features set as variables, as a model input row.
  func featureRow() -> [String: FeatureValue] {
    var row: [String: FeatureValue] = [:]
    for name in model.signature.featureNames {
      if let value = variables[name] { row[name] = value.featureValue }
    }
    return row
  }

  /// A model error as a notebook error, every validation problem on its own line.
  static func explain(_ error: ModelError, row: Int? = nil) -> NotebookError {
    guard !error.issues.isEmpty else { return NotebookError(.model, error.message) }
    var issues = error.issues
    if let row { issues = issues.filter { $0.row == row || $0.row == nil } }
    let lines = issues.map { "  - \($0.feature) \($0.reason)" }
    let heading =
      issues.count == 1 ? "the model cannot predict: 1 problem" : "the model cannot predict: \(issues.count) problems"
    return NotebookError(.model, ([heading] + lines).joined(separator: "\n"))
  }
}

/// `predict [feature=value ...]`.
struct PredictCommand: CommandHandler {
  let name = "predict"
  let usage = "predict [feature=value ...]"
  let summary = "predict from the variables named after the features (defaults for the rest)"
  let details = """
    The inputs are the variables named after the model's features; feature=value
    arguments override them for this prediction only. Features left unset take the
    schema's default, and the output says which. The result is a value:
      r = predict; r.label; r.probabilities.setosa
    """

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    var row = session.featureRow()
    let features = session.model.signature.featureNames
    while !arguments.isAtEnd {
      let (feature, column) = try arguments.name("feature=value")
      guard features.contains(feature) else {
        var message = "\(feature) is not a feature of \(session.model.name)"
        if let near = nearestName(to: feature, in: features) { message += "; did you mean \(near)?" }
        throw NotebookError(.unknownName, message + " (features: \(features.joined(separator: ", ")))", column: column)
      }
      guard arguments.skip("=") else {
        throw NotebookError(.usage, "expected = after \(feature) (usage: \(usage))", column: arguments.column)
      }
      row[feature] = try arguments.value().featureValue
      _ = arguments.skip(",")
    }
    let prediction: Prediction
    do {
      prediction = try session.model.predict(row)
    } catch {
      throw Session.explain(error)
    }
    report(prediction, row: row, in: session)
    return Self.value(prediction, row: row, model: session.model)
  }

  private func report(_ prediction: Prediction, row: [String: FeatureValue], in session: Session) {
    if let label = prediction.label {
      let p = prediction.probability(of: label).map { " (probability \(formatFixed($0, digits: 3)))" } ?? ""
      session.print("predicted: \(label)\(p)")
    } else if prediction.values.count == 1, let value = prediction.value {
      session.print("predicted: \(formatShort(value, significant: 6))")
    } else {
      session.print("predicted: " + prediction.values.map { formatShort($0, significant: 6) }.joined(separator: ", "))
    }
    if !prediction.defaultsUsed.isEmpty {
      let features = session.model.signature
      let used = prediction.defaultsUsed.map { name in
        "\(name)=\(features.feature(named: name)?.defaultValue?.description ?? "?")"
      }
      session.print("defaults used: \(used.joined(separator: ", "))")
    }
    if !prediction.probabilities.isEmpty {
      let bars = prediction.probabilities.map { Bar($0.label.description, $0.probability) }
      session.show(Plot(kind: .bar(bars)), height: bars.count + 2)
    }
  }

  /// The prediction as a record: label, probability, probabilities, value, inputs, defaults_used.
  static func value(_ prediction: Prediction, row: [String: FeatureValue], model: Model) -> SessionValue {
    var fields: [(String, SessionValue)] = []
    if let label = prediction.label {
      fields.append(("label", SessionValue(label)))
      if let p = prediction.probability(of: label) { fields.append(("probability", .number(p))) }
    }
    if !prediction.probabilities.isEmpty {
      let probabilities = prediction.probabilities.map { ($0.label.description, SessionValue.number($0.probability)) }
      fields.append(("probabilities", .record(Record(probabilities))))
    }
    if let value = prediction.value {
      fields.append(("value", .number(value)))
      if prediction.values.count > 1 { fields.append(("values", .list(prediction.values.map(SessionValue.number)))) }
    }
    var inputs: [(String, SessionValue)] = []
    for feature in model.signature.features {
      if let given = row[feature.name] {
        inputs.append((feature.name, SessionValue(given)))
      } else if let d = feature.defaultValue {
        inputs.append((feature.name, SessionValue(d)))
      }
    }
    fields.append(("inputs", .record(Record(inputs))))
    fields.append(("defaults_used", .list(prediction.defaultsUsed.map(SessionValue.string))))
    return .record(Record(kind: "prediction", fields))
  }
}
