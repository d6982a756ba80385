/// A label at a row or column of the canvas.
struct AxisLabel {
  enum Alignment { case leading, centered, trailing }
  /// The canvas row (from the top) or column the label belongs to.
  var position: Int
  var text: String
  var alignment: Alignment = .centered
  /// Whether the border gets a tick mark at this position.
  var marked = true
}

/// One entry right of the canvas: a coloured swatch and a text.
struct LegendEntry {
  var swatch: StyledLine
  var text: String
  var style: TextStyle = .plain
}

/// One character cell of a canvas, with its style.
struct StyledCell {
  var character: Character
  var style: TextStyle

  static let blank = StyledCell(character: " ", style: .plain)
}

/// What a plot kind draws inside the border, for a given canvas size.
struct FrameBody {
  /// The columns actually used (at most those offered).
  var columns: Int
  /// `rows × columns` cells, top row first.
  var cells: [[StyledCell]]
  /// Labels under the bottom border; positions are canvas columns, where
  /// -1 is the left border and `columns` the right one.
  var xLabels: [AxisLabel]
  /// The rows actually used, when fewer than offered (equal bands of a heatmap).
  var rows: Int? = nil
}

/// The common frame of line, scatter, histogram and heatmap plots, after
/// UnicodePlots: title centred above, a box border, y labels left, x labels
/// under the corners and at ticks, the legend right, notes under the plot.
struct FrameLayout {
  var title: String?
  var xLabel: String?
  var yLabel: String?
  var legend: [LegendEntry]
  var notes: [String]
  var canvasStyle: CanvasStyle

  private var border:
    (
      topLeft: String, topRight: String, bottomLeft: String, bottomRight: String,
      horizontal: Character, vertical: Character, leftTick: Character, bottomTick: Character
    )
  {
    canvasStyle == .ascii
      ? ("+", "+", "+", "+", "-", "|", "+", "+")
      : ("┌", "┐", "└", "┘", "─", "│", "┤", "┬")
  }

  /// Lays the plot out in `size`: asks for the y labels once the canvas
  /// height is known, then for the body once its width is known.
  func lines(
    size: CanvasSize,
    yLabels: (_ rows: Int) -> [AxisLabel],
    body: (_ columns: Int, _ rows: Int) -> FrameBody
  ) -> [StyledLine] {
    let width = size.width
    var notes = notes
    var showTitle = title.map { !$0.isEmpty } ?? false
    var showXLabel = xLabel.map { !$0.isEmpty } ?? false
    func fixedRows() -> Int { (showTitle ? 1 : 0) + 3 + (showXLabel ? 1 : 0) + notes.count }
    // Give up notes, then the x label, then the title before squeezing the canvas below 3 rows.
    while size.height - fixedRows() < 3 {
      if !notes.isEmpty {
        notes.removeLast()
      } else if showXLabel {
        showXLabel = false
      } else if showTitle {
        showTitle = false
      } else {
        break
      }
    }
    let rows = max(1, size.height - fixedRows())

    let yAxisLabels = yLabels(rows).filter { $0.position >= 0 && $0.position < rows }
    let tickWidth = min(yAxisLabels.map { $0.text.displayWidth }.max() ?? 0, max(1, width / 3))
    var yTitle = yLabel ?? ""
    if !yTitle.isEmpty { yTitle = yTitle.truncated(toWidth: max(1, width / 5)) }
    let yTitleWidth = yTitle.isEmpty ? 0 : yTitle.displayWidth + 1
    let left = yTitleWidth + tickWidth + (tickWidth > 0 ? 1 : 0)
    let inner = max(1, width - left - 2)

    // The legend takes at most a third of what is left of the border; longer names are cut.
    let legendRoom = inner / 3
    let legendEntries = legend.map { entry -> StyledLine in
      var line = StyledLine()
      line.append(entry.swatch)
      if entry.swatch.width > 0 && !entry.text.isEmpty { line.appendSpaces(1) }
      let room = legendRoom - 1 - line.width
      line.append(entry.text.truncated(toWidth: max(0, room)), style: entry.style)
      return line
    }
    let legendWidth = legendEntries.map(\.width).max() ?? 0
    let legendPart = legendWidth > 0 && legendRoom >= 2 ? legendWidth + 1 : 0
    let frame = body(max(1, inner - legendPart), rows)
    let columns = frame.columns
    let shownRows = max(1, min(rows, frame.rows ?? rows))

    var output: [StyledLine] = []
    if showTitle, let title {
      let text = title.truncated(toWidth: width)
      let offset = max(
        0, min(width - text.displayWidth, left + (columns + 2 - text.displayWidth) / 2))
      var line = StyledLine()
      line.appendSpaces(offset)
      line.append(text, style: .title)
      output.append(line)
    }

    var top = StyledLine()
    top.appendSpaces(left)
    top.append(
      border.topLeft + String(repeating: border.horizontal, count: columns) + border.topRight,
      style: .frame)
    output.append(top)

    var labelByRow: [Int: AxisLabel] = [:]
    for label in yAxisLabels where labelByRow[label.position] == nil {
      labelByRow[label.position] = label
    }
    let legendShown: [StyledLine]
    if legendPart == 0 {
      legendShown = []
    } else if legendEntries.count > shownRows {
      let more = legendEntries.count - shownRows + 1
      legendShown =
        Array(legendEntries.prefix(shownRows - 1)) + [
          StyledLine("… \(more) more".truncated(toWidth: legendWidth))
        ]
    } else {
      legendShown = legendEntries
    }
    for row in 0..<shownRows {
      var line = StyledLine()
      if yTitleWidth > 0 {
        line.append(row == shownRows / 2 ? yTitle : "")
        line.pad(to: yTitleWidth)
      }
      let label = labelByRow[row]
      if tickWidth > 0 {
        line.append((label?.text ?? "").truncated(toWidth: tickWidth).padded(left: tickWidth))
        line.appendSpaces(1)
      }
      line.append(label?.marked == true ? border.leftTick : border.vertical, style: .frame)
      let cells = row < frame.cells.count ? frame.cells[row] : []
      for column in 0..<columns {
        let cell = column < cells.count ? cells[column] : .blank
        line.append(cell.character, style: cell.style)
      }
      line.append(border.vertical, style: .frame)
      if row < legendShown.count {
        line.appendSpaces(1)
        line.append(legendShown[row])
      }
      output.append(line)
    }

    var bottom = StyledLine()
    bottom.appendSpaces(left)
    var rule = [Character](repeating: border.horizontal, count: columns)
    for label in frame.xLabels where label.marked && label.position >= 0 && label.position < columns {
      rule[label.position] = border.bottomTick
    }
    bottom.append(border.bottomLeft + String(rule) + border.bottomRight, style: .frame)
    output.append(bottom)
    output.append(xLabelLine(frame.xLabels, left: left, columns: columns, width: width))

    if showXLabel, let xLabel {
      let text = xLabel.truncated(toWidth: width)
      let offset = max(
        0, min(width - text.displayWidth, left + (columns + 2 - text.displayWidth) / 2))
      var line = StyledLine()
      line.appendSpaces(offset)
      line.append(text)
      output.append(line)
    }
    for note in notes {
      let indent = note.displayWidth + left <= width ? left : 0
      var line = StyledLine()
      line.appendSpaces(indent)
      line.append(note.truncated(toWidth: width - indent))
      output.append(line)
    }
    return output
  }

  /// The line of x labels: corner labels first, then ticks where they fit
  /// with a space on each side.
  private func xLabelLine(_ labels: [AxisLabel], left: Int, columns: Int, width: Int) -> StyledLine {
    var slots = [Character?](repeating: nil, count: width)
    var taken = [Bool](repeating: false, count: width)
    // Corner labels (leading/trailing) take precedence over centred ticks.
    let ordered =
      labels.filter { $0.alignment != .centered } + labels.filter { $0.alignment == .centered }
    for label in ordered {
      let text = Array(label.text)
      let textWidth = label.text.displayWidth
      let anchor = left + 1 + label.position
      var start: Int
      switch label.alignment {
      case .leading: start = anchor
      case .trailing: start = anchor - textWidth + 1
      case .centered: start = anchor - (textWidth - 1) / 2
      }
      if label.alignment != .centered { start = max(0, min(width - textWidth, start)) }
      let end = start + textWidth
      guard start >= 0, end <= width else { continue }
      let guardStart = max(0, start - 1)
      let guardEnd = min(width, end + 1)
      if taken[guardStart..<guardEnd].contains(true) { continue }
      var column = start
      for character in text {
        slots[column] = character
        let w = DisplayWidth.of(character)
        for offset in 0..<max(1, w) where column + offset < width { taken[column + offset] = true }
        if w == 2 && column + 1 < width { slots[column + 1] = "\u{0}" }
        column += max(1, w)
      }
    }
    var text = ""
    for slot in slots {
      switch slot {
      case .none: text.append(" ")
      case .some("\u{0}"): continue
      case .some(let character): text.append(character)
      }
    }
    while text.last == " " { text.removeLast() }
    return StyledLine(text)
  }
}
