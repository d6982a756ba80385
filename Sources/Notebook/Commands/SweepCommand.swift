internal import Model
internal import Plot

/// `sweep FEATURE [from A to B] [steps N]`, and `sweep F1, F2` for a heatmap.
struct SweepCommand: CommandHandler {
  let name = "sweep"
  let usage = "sweep FEATURE [from A to B] [, FEATURE2 [from C to D]] [steps N]"
  let summary = "plot the prediction as one feature varies (two features: a heatmap)"
  let details = """
    The other features keep their current values (or defaults). Without from/to,
    the feature's range from the schema is used. Ranges are not enforced, so a
    sweep may go outside the training range. Ctrl-C stops a long sweep.
      sweep petal_length from 1 to 7 steps 60
      sweep petal_length, petal_width
    The result is a record of lists: s = sweep bmi; plot s.bmi, s.prediction
    """

  struct Axis {
    var feature: Feature
    var from: Double
    var to: Double
  }

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    var axes: [Axis] = [try axis(&arguments, session)]
    if arguments.skip(",") { axes.append(try axis(&arguments, session)) }
    var steps = axes.count == 1 ? 50 : 24
    if arguments.skipWord("steps") {
      let column = arguments.column
      let n = try arguments.number("steps")
      // A heatmap predicts steps² points: 2000 steps would be 4 million rows held at once.
      let most = axes.count == 1 ? 2000 : 200
      guard n >= 2, n <= Double(most), n == n.rounded() else {
        throw NotebookError(
          .usage,
          "steps should be a whole number from 2 to \(most)\(axes.count == 1 ? "" : " for a heatmap"), "
            + "got \(formatNumber(n))", column: column)
      }
      steps = Int(n)
    }
    try arguments.expectEnd(usage: usage)
    if axes.count == 2, axes[0].feature.name == axes[1].feature.name {
      throw NotebookError(.usage, "sweep two different features, not \(axes[0].feature.name) twice")
    }
    return axes.count == 1
      ? try sweep(axes[0], steps: steps, session) : try heatmap(axes[0], axes[1], steps: steps, session)
  }

  private func axis(_ arguments: inout CommandArguments, _ session: Session) throws(NotebookError) -> Axis {
    let (name, column) = try arguments.name("a feature to sweep (usage: \(usage))")
    let signature = session.model.signature
    guard let feature = signature.feature(named: name) else {
      var message = "\(name) is not a feature of \(session.model.name)"
      if let near = nearestName(to: name, in: signature.featureNames) { message += "; did you mean \(near)?" }
      throw NotebookError(
        .unknownName, message + " (features: \(signature.featureNames.joined(separator: ", ")))", column: column)
    }
    switch feature.type {
    case .number, .integer: break
    default:
      throw NotebookError(.usage, "\(name) is \(feature.type.noun); only numeric features can be swept", column: column)
    }
    var from = feature.minimum
    var to = feature.maximum
    if arguments.skipWord("from") {
      from = try arguments.number("from")
      guard arguments.skipWord("to") else {
        throw NotebookError(.usage, "expected to after from A (usage: \(usage))", column: arguments.column)
      }
      to = try arguments.number("to")
    }
    guard let from, let to else {
      throw NotebookError(
        .usage, "\(name) has no range in the schema; give one: sweep \(name) from A to B", column: column)
    }
    // Finite ends whose distance overflows (-1e308 to 1e308) would make every point inf or nan.
    guard from.isFinite, to.isFinite, from != to, (to - from).isFinite else {
      throw NotebookError(
        .usage, "the sweep needs two different finite ends, got \(formatNumber(from)) and \(formatNumber(to))",
        column: column)
    }
    return Axis(feature: feature, from: from, to: to)
  }

  private func points(_ axis: Axis, steps: Int) -> [Double] {
    (0..<steps).map { axis.from + (axis.to - axis.from) * Double($0) / Double(steps - 1) }
  }

  /// Predicts every row in batches, checking for Ctrl-C between batches.
  private func predict(_ rows: [[String: FeatureValue]], _ session: Session) throws(NotebookError) -> [Prediction] {
    var results: [Prediction] = []
    results.reserveCapacity(rows.count)
    let policy = Model.ValidationPolicy(enforceRanges: false, useDefaults: true)
    var start = 0
    while start < rows.count {
      try Interrupt.check()
      let end = min(rows.count, start + 512)
      do {
        results += try session.model.predict(rows: Array(rows[start..<end]), policy: policy)
      } catch {
        throw Session.explain(error, row: error.issues.first?.row)
      }
      start = end
    }
    return results
  }

  private func label(_ feature: Feature) -> String {
    feature.unit.map { "\(feature.name) (\($0))" } ?? feature.name
  }

  private func sweep(_ axis: Axis, steps: Int, _ session: Session) throws(NotebookError) -> SessionValue {
    let xs = points(axis, steps: steps)
    let base = session.featureRow()
    let rows = xs.map { x -> [String: FeatureValue] in
      var row = base
      row[axis.feature.name] = .number(x)
      return row
    }
    let predictions = try predict(rows, session)
    let name = axis.feature.name
    var fields: [(String, SessionValue)] = [(name, .list(xs.map(SessionValue.number)))]
    if session.model.signature.task == .classification, let first = predictions.first, !first.probabilities.isEmpty {
      var series: [Series] = []
      for (i, cls) in first.probabilities.enumerated() {
        let ys = predictions.map { $0.probabilities[i].probability }
        series.append(Series(name: cls.label.description, x: xs, y: ys))
        fields.append((cls.label.description, .list(ys.map(SessionValue.number))))
      }
      session.show(
        Plot(
          kind: .line(series), title: "class probabilities as \(name) varies", xLabel: label(axis.feature),
          yLabel: "probability", yLimits: 0...1), height: 18)
      let labels = predictions.map { $0.label?.description ?? "" }
      fields.append(("label", .list(labels.map(SessionValue.string))))
      var changes: [String] = []
      for i in 1..<labels.count where labels[i] != labels[i - 1] {
        changes.append("\(labels[i - 1]) → \(labels[i]) between \(formatShort(xs[i - 1])) and \(formatShort(xs[i]))")
      }
      session.print(
        changes.isEmpty
          ? "the label stays \(labels.first ?? "") over the sweep"
          : "label changes: " + changes.joined(separator: "; "))
    } else {
      let ys = predictions.map { $0.value ?? .nan }
      fields.append(("prediction", .list(ys.map(SessionValue.number))))
      session.show(
        Plot(
          kind: .line([Series(name: "prediction", x: xs, y: ys)]), title: "prediction as \(name) varies",
          xLabel: label(axis.feature), yLabel: "predicted value"), height: 18)
      if let lo = ys.indices.min(by: { ys[$0] < ys[$1] }), let hi = ys.indices.max(by: { ys[$0] < ys[$1] }) {
        session.print(
          "lowest \(formatShort(ys[lo], significant: 5)) at \(name)=\(formatShort(xs[lo])); "
            + "highest \(formatShort(ys[hi], significant: 5)) at \(name)=\(formatShort(xs[hi]))")
      }
    }
    return .record(Record(kind: "sweep", fields))
  }

  private func heatmap(_ x: Axis, _ y: Axis, steps: Int, _ session: Session) throws(NotebookError) -> SessionValue {
    let xs = points(x, steps: steps)
    let ys = points(y, steps: steps)
    let base = session.featureRow()
    var rows: [[String: FeatureValue]] = []
    for yv in ys {
      for xv in xs {
        var row = base
        row[x.feature.name] = .number(xv)
        row[y.feature.name] = .number(yv)
        rows.append(row)
      }
    }
    let predictions = try predict(rows, session)
    let classification = session.model.signature.task == .classification
    let values = predictions.map { p in
      classification ? (p.probabilities.map(\.probability).max() ?? .nan) : (p.value ?? .nan)
    }
    let grid = (0..<ys.count).map { j in Array(values[(j * xs.count)..<((j + 1) * xs.count)]) }
    let what = classification ? "top-class probability" : "predicted value"
    session.show(
      Plot(
        kind: .heatmap(
          Heatmap(grid, x: .range(x.from...max(x.from, x.to)), y: .range(y.from...max(y.from, y.to)), showValues: false)
        ),
        title: "\(what) over \(x.feature.name) × \(y.feature.name)", xLabel: label(x.feature),
        yLabel: label(y.feature)), height: 22)
    var fields: [(String, SessionValue)] = [
      (x.feature.name, .list(xs.map(SessionValue.number))), (y.feature.name, .list(ys.map(SessionValue.number))),
      (classification ? "probability" : "prediction", .list(grid.map { .list($0.map(SessionValue.number)) })),
    ]
    if classification {
      let labels = predictions.map { $0.label?.description ?? "" }
      var counts: [String: Int] = [:]
      for l in labels { counts[l, default: 0] += 1 }
      let share = counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        .map { "\($0.key) \(formatFixed(Double($0.value) * 100 / Double(labels.count), digits: 0))%" }
      session.print("predicted labels over the grid: " + share.joined(separator: ", "))
      fields.append(
        (
          "label",
          .list(
            stride(from: 0, to: labels.count, by: xs.count).map { j in
              .list(labels[j..<(j + xs.count)].map(SessionValue.string))
            })
        ))
    }
    return .record(Record(kind: "sweep", fields))
  }
}
