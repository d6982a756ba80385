extension TextRenderer {
  /// Shades for heatmaps without colour, lightest first.
  static let shades: [Character] = [" ", "░", "▒", "▓", "█"]
  /// The ASCII equivalent, by increasing ink.
  static let asciiShades: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

  /// A heatmap: the grid drawn as colours (shades in plain text), with a
  /// colour scale on the right.
  func heatmapLines(_ plot: Plot, _ heatmap: Heatmap, size: CanvasSize) -> [StyledLine] {
    let grid = HeatmapGrid(heatmap)
    let colorMode = size.colorMode
    let legend = colorScaleLegend(
      grid, canvas: plot.canvas, colorMode: colorMode, rows: max(1, size.height - 6))
    var notes: [String] = []
    if grid.rowCount == 0 || grid.columnCount == 0 { notes.append("no data") }
    notes += grid.skipped.notes(noun: "cell")
    let layout = FrameLayout(
      title: plot.title, xLabel: plot.xLabel, yLabel: plot.yLabel, legend: legend, notes: notes,
      canvasStyle: plot.canvas)
    let valueWidth =
      grid.valueTexts.joined().isEmpty
      ? 0 : grid.valueTexts.flatMap { $0 }.map(\.displayWidth).max() ?? 0
    var rowBands = GridBands(count: grid.rowCount, axis: heatmap.y, cells: 1, flipped: false)
    return layout.lines(
      size: size,
      yLabels: { rows in
        rowBands = GridBands(count: grid.rowCount, axis: heatmap.y, cells: rows, flipped: true)
        return rowBands.labels(vertical: true)
      },
      body: { offered, rows in
        let columnBands = GridBands(
          count: grid.columnCount, axis: heatmap.x, cells: offered, flipped: false)
        let columns = columnBands.usedCells
        let showValues =
          heatmap.showValues
          ?? (columnBands.isBanded && rowBands.isBanded && columnBands.bandSize >= valueWidth + 2
            && grid.rowCount <= 30 && grid.columnCount <= 30)
        let halfBlocks =
          !showValues && plot.canvas != .ascii && (colorMode == .ansi256 || colorMode == .trueColor)
        var cells = [[StyledCell]](
          repeating: [StyledCell](repeating: .blank, count: columns), count: rows)
        for row in 0..<rows {
          for column in 0..<columns {
            guard let j = columnBands.item(at: column) else { continue }
            if halfBlocks {
              let top = rowBands.item(at: row, half: 0).flatMap { grid.level(row: $0, column: j) }
              let bottom = rowBands.item(at: row, half: 1).flatMap {
                grid.level(row: $0, column: j)
              }
              cells[row][column] = Self.halfBlockCell(top: top, bottom: bottom)
            } else if let i = rowBands.item(at: row), let level = grid.level(row: i, column: j) {
              cells[row][column] = Self.shadeCell(
                level, canvas: plot.canvas, colorMode: colorMode, background: showValues)
            }
          }
        }
        if showValues {
          for i in 0..<grid.rowCount {
            for j in 0..<grid.columnCount {
              guard let row = rowBands.centre(of: i), let (start, end) = columnBands.span(of: j)
              else { continue }
              let text = " " + grid.valueTexts[i][j] + " "
              let textWidth = text.displayWidth
              guard textWidth <= end - start + 1 else { continue }
              let level = grid.level(row: i, column: j)
              let style =
                colorMode == .none || level == nil
                ? TextStyle.plain
                : TextStyle(foreground: .contrast(level ?? 0), background: .heat(level ?? 0))
              var column = start + (end - start + 1 - textWidth) / 2
              for character in text where column <= end {
                cells[row][column] = StyledCell(character: character, style: style)
                column += 1
              }
            }
          }
        }
        return FrameBody(
          columns: columns, cells: cells, xLabels: columnBands.labels(vertical: false),
          rows: rowBands.usedCells)
      })
  }

  /// A cell shaded by level: a shade character (coloured in 16 colours), or
  /// a coloured background when values are printed on it.
  static func shadeCell(
    _ level: Double, canvas: CanvasStyle, colorMode: ColorMode, background: Bool
  ) -> StyledCell {
    if colorMode != .none && (background || colorMode != .ansi16) {
      return StyledCell(character: " ", style: TextStyle(background: .heat(level)))
    }
    let ramp = canvas == .ascii ? asciiShades : shades
    let index = Int(flooring: level * Double(ramp.count - 1) + 0.5, clampedTo: 0...(ramp.count - 1))
    let style = colorMode == .none ? TextStyle.plain : TextStyle(foreground: .heat(level))
    return StyledCell(character: ramp[index], style: style)
  }

  /// Two grid rows in one character: the upper half block in the top colour
  /// over a background of the bottom colour.
  static func halfBlockCell(top: Double?, bottom: Double?) -> StyledCell {
    switch (top, bottom) {
    case (let top?, let bottom?):
      return StyledCell(
        character: "▀", style: TextStyle(foreground: .heat(top), background: .heat(bottom)))
    case (let top?, nil):
      return StyledCell(character: "▀", style: TextStyle(foreground: .heat(top)))
    case (nil, let bottom?):
      return StyledCell(character: "▄", style: TextStyle(foreground: .heat(bottom)))
    case (nil, nil):
      return .blank
    }
  }

  /// The colour scale: a column of swatches from the highest value (top) to
  /// the lowest, labelled at both ends and in the middle.
  func colorScaleLegend(_ grid: HeatmapGrid, canvas: CanvasStyle, colorMode: ColorMode, rows: Int)
    -> [LegendEntry]
  {
    guard let range = grid.range else { return [] }
    let steps = max(2, min(9, rows))
    return (0..<steps).map { step in
      let level = 1 - Double(step) / Double(steps - 1)
      let span = range.upperBound - range.lowerBound
      var value = range.lowerBound + span * level
      if abs(value) < span * 1e-9 { value = 0 }
      var swatch = StyledLine()
      let cell = Self.shadeCell(level, canvas: canvas, colorMode: colorMode, background: false)
      swatch.append(String(repeating: cell.character, count: 2), style: cell.style)
      let labelled =
        step == 0 || step == steps - 1
        || (steps >= 5 && step == (steps - 1) / 2 && (steps - 1) % 2 == 0)
      let step = NiceNumber.nearest(span / 100)
      let style = NumberFormat.style(
        forMagnitude: max(abs(range.lowerBound), abs(range.upperBound)))
      return LegendEntry(
        swatch: swatch, text: labelled ? NumberFormat.label(value, step: step, style: style) : "")
    }
  }
}

/// A heatmap's values with their colour levels and printed forms.
struct HeatmapGrid {
  var values: [[Double]]
  var rowCount: Int
  var columnCount: Int
  /// The values at the ends of the colour scale, or `nil` with no finite value.
  var range: ClosedRange<Double>?
  var valueTexts: [[String]]
  var skipped = SkippedValues()

  init(_ heatmap: Heatmap) {
    rowCount = heatmap.values.count
    let width = heatmap.values.map(\.count).max() ?? 0
    columnCount = width
    values = heatmap.values.map { $0 + [Double](repeating: .nan, count: width - $0.count) }
    let finite = values.joined().filter(\.isFinite)
    for value in values.joined() { _ = skipped.countIfNotFinite(value) }
    if let colorRange = heatmap.colorRange {
      range = colorRange
    } else if let low = finite.min(), let high = finite.max() {
      range = low...high
    }
    let allIntegers = finite.allSatisfy { $0 == $0.rounded() && abs($0) < 1e15 }
    valueTexts = values.map { row in
      row.map { value in
        if !value.isFinite { return "" }
        return allIntegers
          ? NumberFormat.fixed(value, decimals: 0)
          : NumberFormat.compact(value, significantDigits: 2)
      }
    }
  }

  /// The colour level (0...1) of a cell, or `nil` for a missing value.
  func level(row: Int, column: Int) -> Double? {
    guard row >= 0, row < rowCount, column >= 0, column < columnCount, let range else { return nil }
    let value = values[row][column]
    guard value.isFinite else { return nil }
    let span = range.upperBound - range.lowerBound
    guard span > 0 else { return 0.5 }
    return min(1, max(0, (value - range.lowerBound) / span))
  }
}

/// How the rows or columns of a grid map onto character cells.
///
/// Categories and indices get equal bands of whole cells when there are no
/// more of them than cells; otherwise, and for numeric ranges, each cell
/// shows the grid item nearest to its centre.
struct GridBands {
  var count: Int
  var axis: Heatmap.Axis
  var cells: Int
  /// Whether item 0 is at the far end (the bottom, for a numeric y axis).
  var reversed: Bool
  var bandSize: Int
  var isBanded: Bool

  init(count: Int, axis: Heatmap.Axis, cells: Int, flipped: Bool) {
    self.count = count
    self.axis = axis
    self.cells = max(1, cells)
    if case .range = axis { reversed = flipped } else { reversed = false }
    var banded = count > 0 && count <= self.cells
    if case .range = axis { banded = banded && count * 2 <= self.cells }
    isBanded = banded
    bandSize = banded ? self.cells / max(1, count) : 1
  }

  /// The cells actually used.
  var usedCells: Int { isBanded ? bandSize * count : cells }

  /// The grid item shown in `cell`, `half` 0 or 1 splitting it in two.
  func item(at cell: Int, half: Int? = nil) -> Int? {
    guard count > 0, cell >= 0, cell < usedCells else { return nil }
    var index: Int
    if isBanded {
      index = cell / bandSize
    } else {
      let position = half.map { Double(cell) + (Double($0) + 0.5) / 2 } ?? Double(cell) + 0.5
      index = Int(
        flooring: position / Double(usedCells) * Double(count), clampedTo: 0...(count - 1))
    }
    if reversed { index = count - 1 - index }
    return index
  }

  /// The first and last cell of item `index`.
  func span(of index: Int) -> (Int, Int)? {
    guard isBanded, index >= 0, index < count else { return nil }
    let position = reversed ? count - 1 - index : index
    return (position * bandSize, position * bandSize + bandSize - 1)
  }

  /// The middle cell of item `index`.
  func centre(of index: Int) -> Int? {
    span(of: index).map { ($0.0 + $0.1) / 2 }
  }

  /// Labels for the items: every category that fits, or numeric ticks.
  func labels(vertical: Bool) -> [AxisLabel] {
    switch axis {
    case .range(let range):
      let axisInfo = ResolvedAxis.resolve(
        dataRange: nil, explicit: range, scale: .linear, cells: usedCells,
        cellsPerTick: vertical ? 4 : 12)
      return vertical
        ? TextRenderer.verticalLabels(axisInfo, rows: usedCells)
        : TextRenderer.horizontalLabels(axisInfo, columns: usedCells)
    case .indices, .categories:
      let names: [String]
      if case .categories(let given) = axis {
        names = (0..<count).map { $0 < given.count ? given[$0] : String($0) }
      } else {
        names = (0..<count).map { String($0) }
      }
      var labels: [AxisLabel] = []
      for index in 0..<count {
        let cell: Int
        if let centre = centre(of: index) {
          cell = centre
        } else {
          cell = Int(
            flooring: (Double(index) + 0.5) / Double(count) * Double(usedCells),
            clampedTo: 0...(usedCells - 1))
        }
        let room = vertical ? Int.max : max(1, bandSize - 1)
        labels.append(
          AxisLabel(
            position: cell, text: names[index].truncated(toWidth: room),
            marked: vertical ? false : false))
      }
      return labels
    }
  }
}
