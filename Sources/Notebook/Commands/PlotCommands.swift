internal import Plot

extension CommandArguments {
  /// Reads comma-separated expressions to the end.
  mutating func values() throws(NotebookError) -> [(SessionValue, Int)] {
    var result: [(SessionValue, Int)] = []
    while !isAtEnd {
      let column = self.column
      result.append((try value(), column))
      if !skip(",") { break }
    }
    return result
  }

  /// A value that must be a list of numbers.
  static func numbers(_ value: SessionValue, column: Int, what: String) throws(NotebookError) -> [Double] {
    guard case .list(let items) = value else {
      throw NotebookError(.type, "\(what) should be a list of numbers, got \(value.noun)", column: column)
    }
    do {
      return try Builtins.numbers(items)
    } catch {
      throw NotebookError(.type, "\(what): \(error.message)", column: column)
    }
  }
}

/// `plot xs, ys` and `scatter xs, ys`.
struct PlotCommand: CommandHandler {
  enum Kind { case line, scatter }
  let kind: Kind
  var name: String { kind == .line ? "plot" : "scatter" }
  var usage: String { "\(name) ys | \(name) xs, ys [, ys2 ...]" }
  var summary: String { kind == .line ? "line plot of lists of numbers" : "scatter plot of lists of numbers" }

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    let items = try arguments.values()
    try arguments.expectEnd(usage: usage)
    guard !items.isEmpty else { throw NotebookError(.usage, "nothing to plot (usage: \(usage))") }
    var series: [Series] = []
    if items.count == 1 {
      series = [Series(name: "y", y: try CommandArguments.numbers(items[0].0, column: items[0].1, what: "ys"))]
    } else {
      let xs = try CommandArguments.numbers(items[0].0, column: items[0].1, what: "xs")
      for (i, item) in items.dropFirst().enumerated() {
        let ys = try CommandArguments.numbers(item.0, column: item.1, what: "ys")
        guard ys.count == xs.count else {
          throw NotebookError(.type, "xs has \(xs.count) values but ys has \(ys.count)", column: item.1)
        }
        series.append(Series(name: items.count == 2 ? "y" : "y\(i + 1)", x: xs, y: ys))
      }
    }
    session.show(Plot(kind: kind == .line ? .line(series) : .scatter(series)), height: 16)
    return nil
  }
}

/// `bar values`, `bar labels, values`, `bar record`.
struct BarCommand: CommandHandler {
  let name = "bar"
  let usage = "bar values | bar labels, values | bar record"
  let summary = "horizontal bar chart (e.g. bar r.probabilities)"

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    let items = try arguments.values()
    try arguments.expectEnd(usage: usage)
    var bars: [Bar] = []
    switch items.count {
    case 1:
      if case .record(let record) = items[0].0 {
        for field in record.fields {
          guard case .number(let v) = field.value else {
            throw NotebookError(.type, "field \(field.name) is \(field.value.noun), not a number", column: items[0].1)
          }
          bars.append(Bar(field.name, v))
        }
      } else {
        let values = try CommandArguments.numbers(items[0].0, column: items[0].1, what: "values")
        bars = values.enumerated().map { Bar(String($0.offset), $0.element) }
      }
    case 2:
      guard case .list(let labels) = items[0].0 else {
        throw NotebookError(.type, "labels should be a list, got \(items[0].0.noun)", column: items[0].1)
      }
      let values = try CommandArguments.numbers(items[1].0, column: items[1].1, what: "values")
      guard labels.count == values.count else {
        throw NotebookError(.type, "\(labels.count) labels but \(values.count) values", column: items[1].1)
      }
      bars = zip(labels, values).map { label, value in
        if case .string(let s) = label { return Bar(s, value) }
        return Bar(label.display, value)
      }
    default:
      throw NotebookError(.usage, "usage: \(usage)")
    }
    session.show(Plot(kind: .bar(bars)), height: min(40, bars.count + 3))
    return nil
  }
}

/// `hist xs [, bins]`.
struct HistCommand: CommandHandler {
  let name = "hist"
  let usage = "hist xs [, bins]"
  let summary = "histogram of a list of numbers"

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    let items = try arguments.values()
    try arguments.expectEnd(usage: usage)
    guard (1...2).contains(items.count) else { throw NotebookError(.usage, "usage: \(usage)") }
    let xs = try CommandArguments.numbers(items[0].0, column: items[0].1, what: "xs")
    var bins = Histogram.Bins.automatic
    if items.count == 2 {
      guard case .number(let n) = items[1].0, n >= 1, n <= 200, n == n.rounded() else {
        throw NotebookError(.type, "bins should be a whole number from 1 to 200", column: items[1].1)
      }
      bins = .count(Int(n))
    }
    session.show(Plot(kind: .histogram(Histogram(xs, bins: bins))), height: 16)
    return nil
  }
}
