extension TextRenderer {
  /// Eighth blocks growing from the left, for bar ends finer than a cell.
  static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]

  /// A horizontal bar chart: labels right-aligned at the left, a bar per
  /// value, the value printed at the end of its bar.
  func barLines(_ plot: Plot, _ bars: [Bar], size: CanvasSize) -> [StyledLine] {
    let width = size.width
    let vertical: Character = plot.canvas == .ascii ? "|" : "┤"
    let corners = plot.canvas == .ascii ? ("+", "+", "+", "+") : ("┌", "┐", "└", "┘")
    var skipped = SkippedValues()
    for bar in bars { _ = skipped.countIfNotFinite(bar.value) }
    let finite = bars.map(\.value).filter(\.isFinite)
    let maximum = max(0, finite.max() ?? 0)
    let minimum = min(0, finite.min() ?? 0)

    var notes = skipped.notes(noun: "value", verb: "no bar for")
    if bars.isEmpty { notes.append("no data") }
    let showTitle = !(plot.title ?? "").isEmpty
    let decoration = (showTitle ? 1 : 0) + 2 + (plot.xLabel.map { $0.isEmpty ? 0 : 1 } ?? 0)
    let roomForBars = max(1, size.height - decoration - notes.count)
    var shown = bars
    if bars.count > roomForBars {
      let hidden = bars.count - roomForBars + 1
      shown = Array(bars.prefix(roomForBars - 1))
      notes.append("… \(hidden) more \(hidden == 1 ? "bar" : "bars") not shown")
    }

    let valueTexts = shown.map { NumberFormat.compact($0.value) }
    let valueWidth = valueTexts.map(\.displayWidth).max() ?? 0
    let labelWidth = min(shown.map(\.label.displayWidth).max() ?? 0, max(1, width / 3))
    // label, space, axis, bars (negative part, positive part), space, value
    let barArea = max(1, width - labelWidth - 2 - 1 - valueWidth)
    let span = maximum - minimum
    let scale = span > 0 ? Double(barArea) / span : 0
    let zero = Int(flooring: -minimum * scale + 0.5, clampedTo: 0...barArea)

    var lines: [StyledLine] = []
    let left = labelWidth + 1
    let total = left + 1 + barArea + 1 + valueWidth
    if showTitle, let title = plot.title {
      let text = title.truncated(toWidth: width)
      var line = StyledLine()
      line.appendSpaces(
        max(0, min(width - text.displayWidth, left + (total - left - text.displayWidth) / 2)))
      line.append(text, style: .title)
      lines.append(line)
    }
    var top = StyledLine()
    top.appendSpaces(left)
    top.append(corners.0, style: .frame)
    top.appendSpaces(total - left - 2)
    top.append(corners.1, style: .frame)
    lines.append(top)

    for (bar, valueText) in zip(shown, valueTexts) {
      var line = StyledLine()
      line.append(bar.label.truncated(toWidth: labelWidth).padded(left: labelWidth))
      line.appendSpaces(1)
      line.append(vertical, style: .frame)
      if bar.value.isFinite && bar.value < 0 {
        let length = Int(flooring: -bar.value * scale + 0.5, clampedTo: 0...zero)
        line.appendSpaces(zero - length)
        line.append(
          String(repeating: plot.canvas == .ascii ? "#" : "█", count: length), style: .series(0))
      } else {
        line.appendSpaces(zero)
        if bar.value.isFinite && bar.value > 0 {
          line.append(
            Self.barBody(eighthCount: bar.value * scale * 8, ascii: plot.canvas == .ascii),
            style: .series(0))
        }
      }
      line.appendSpaces(1)
      line.append(valueText)
      lines.append(line)
    }
    var bottom = StyledLine()
    bottom.appendSpaces(left)
    bottom.append(corners.2, style: .frame)
    bottom.appendSpaces(total - left - 2)
    bottom.append(corners.3, style: .frame)
    lines.append(bottom)
    if let xLabel = plot.xLabel, !xLabel.isEmpty {
      let text = xLabel.truncated(toWidth: width)
      var line = StyledLine()
      line.appendSpaces(
        max(0, min(width - text.displayWidth, left + (total - left - text.displayWidth) / 2)))
      line.append(text)
      lines.append(line)
    }
    for note in notes {
      let indent = note.displayWidth + left <= width ? left : 0
      var line = StyledLine()
      line.appendSpaces(indent)
      line.append(note.truncated(toWidth: width - indent))
      lines.append(line)
    }
    return lines
  }

  /// A bar of `eighthCount` eighths of a cell: full blocks and one partial block.
  /// A positive value too small to see still gets the thinnest block.
  static func barBody(eighthCount: Double, ascii: Bool) -> String {
    let count = Int(flooring: eighthCount + 0.5, clampedTo: 1...1_000_000)
    if ascii { return String(repeating: "#", count: max(1, (count + 4) / 8)) }
    var text = String(repeating: "█", count: count / 8)
    if count % 8 != 0 { text.append(eighths[count % 8 - 1]) }
    return text
  }
}
