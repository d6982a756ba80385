extension TextRenderer {
  /// Characters that tell series apart without colour: drawn at the end of
  /// each line (or at every point of a plain scatter plot) and in the legend.
  static let seriesMarkers: [Character] = ["o", "x", "+", "*", "#", "@", "%", "&", "="]

  /// A line plot (`connected`) or scatter plot of `series`.
  func seriesLines(_ plot: Plot, _ series: [Series], connected: Bool, size: CanvasSize)
    -> [StyledLine]
  {
    var skipped = SkippedValues()
    let prepared = series.map {
      PreparedSeries($0, xScale: plot.xAxis.scale, yScale: plot.yAxis.scale, skipped: &skipped)
    }
    let xRange = PreparedSeries.range(prepared.map(\.x))
    let yRange = PreparedSeries.range(prepared.map(\.y))
    if let xLimits = plot.xAxis.limits, let yLimits = plot.yAxis.limits {
      skipped.outsideLimits = series.reduce(0) { total, s in
        total
          + (0..<s.count).filter {
            !xLimits.contains(s.x[$0]) && s.x[$0].isFinite
              || !yLimits.contains(s.y[$0]) && s.y[$0].isFinite
          }.count
      }
    } else if let limits = plot.xAxis.limits ?? plot.yAxis.limits {
      let useX = plot.xAxis.limits != nil
      skipped.outsideLimits = series.reduce(0) { total, s in
        let values = useX ? s.x : s.y
        return total + values.prefix(s.count).filter { $0.isFinite && !limits.contains($0) }.count
      }
    }
    var notes = skipped.notes(noun: "point")
    if prepared.allSatisfy({ $0.x.isEmpty }) { notes.insert("no data", at: 0) }

    let many = series.count > 1
    let plainMarkers = many && (size.colorMode == .none)
    let legend = series.enumerated().compactMap { index, s -> LegendEntry? in
      guard many || !s.name.isEmpty else { return nil }
      let marker = Self.seriesMarkers[index % Self.seriesMarkers.count]
      return LegendEntry(
        swatch: many ? StyledLine(String(marker), style: .series(index)) : StyledLine(),
        text: s.name, style: .series(index))
    }
    let layout = FrameLayout(
      title: plot.title, xLabel: plot.xLabel, yLabel: plot.yLabel, legend: legend, notes: notes,
      canvasStyle: plot.canvas)
    var yAxis = ResolvedAxis.resolve(
      dataRange: yRange, explicit: plot.yAxis.limits, scale: plot.yAxis.scale, cells: 1,
      cellsPerTick: 4)
    return layout.lines(
      size: size,
      yLabels: { rows in
        yAxis = ResolvedAxis.resolve(
          dataRange: yRange, explicit: plot.yAxis.limits, scale: plot.yAxis.scale, cells: rows,
          cellsPerTick: 4)
        return Self.verticalLabels(yAxis, rows: rows)
      },
      body: { columns, rows in
        let xAxis = ResolvedAxis.resolve(
          dataRange: xRange, explicit: plot.xAxis.limits, scale: plot.xAxis.scale, cells: columns,
          cellsPerTick: 12)
        var canvas = DotCanvas(style: plot.canvas, columns: columns, rows: rows)
        Self.drawZeroAxes(&canvas, xAxis: xAxis, yAxis: yAxis)
        var markers: [Int: Int] = [:]
        for (index, s) in prepared.enumerated() {
          let color = UInt8(truncatingIfNeeded: index % 254 + 1)
          let last = Self.draw(
            s, on: &canvas, xAxis: xAxis, yAxis: yAxis, connected: connected, color: color)
          if plainMarkers && !connected {
            for cell in Self.cellsOf(s, canvas: canvas, xAxis: xAxis, yAxis: yAxis) {
              markers[cell] = index
            }
          } else if many && connected, let last {
            markers[last] = index
          }
        }
        let cells = (0..<rows).map { row in
          (0..<columns).map { column -> StyledCell in
            if let index = markers[row * columns + column] {
              return StyledCell(
                character: Self.seriesMarkers[index % Self.seriesMarkers.count],
                style: .series(index))
            }
            return Self.cell(canvas, column: column, row: row)
          }
        }
        return FrameBody(
          columns: columns, cells: cells, xLabels: Self.horizontalLabels(xAxis, columns: columns))
      })
  }

  /// The styled cell of a dot canvas; colour 255 is the frame (zero axes).
  static func cell(_ canvas: DotCanvas, column: Int, row: Int) -> StyledCell {
    let character = canvas.glyph(column: column, row: row)
    if character == " " { return .blank }
    let color = canvas.color(column: column, row: row)
    switch color {
    case 0: return StyledCell(character: character, style: .plain)
    case 255: return StyledCell(character: character, style: .frame)
    default: return StyledCell(character: character, style: .series(Int(color) - 1))
    }
  }

  /// Corner and tick labels of a vertical axis, by row from the top.
  static func verticalLabels(_ axis: ResolvedAxis, rows: Int) -> [AxisLabel] {
    var labels = [AxisLabel(position: 0, text: axis.highLabel)]
    if rows > 1 { labels.append(AxisLabel(position: rows - 1, text: axis.lowLabel)) }
    var used: Set<Int> = [0, rows - 1]
    for tick in axis.ticks {
      guard let row = rowOf(tick.position, axis: axis, rows: rows) else { continue }
      // A tick needs its own row, and a free row between it and the corners.
      if used.contains(row) || row <= 0 || row >= rows - 1 { continue }
      if used.contains(row - 1) && row - 1 == 0 || used.contains(row + 1) && row + 1 == rows - 1 {
        continue
      }
      used.insert(row)
      labels.append(AxisLabel(position: row, text: tick.label))
    }
    return labels
  }

  /// The canvas row (from the top) that `position` falls in, matching where
  /// dots are drawn; `nil` outside the limits.
  static func rowOf(_ position: Double, axis: ResolvedAxis, rows: Int) -> Int? {
    let f = axis.fraction(position)
    guard f >= -1e-9 && f <= 1 + 1e-9 else { return nil }
    return Int(flooring: (1 - f) * Double(rows), clampedTo: 0...(rows - 1))
  }

  /// Corner and tick labels of a horizontal axis, by column.
  static func horizontalLabels(_ axis: ResolvedAxis, columns: Int) -> [AxisLabel] {
    var labels = [
      AxisLabel(position: -1, text: axis.lowLabel, alignment: .leading, marked: false),
      AxisLabel(position: columns, text: axis.highLabel, alignment: .trailing, marked: false),
    ]
    for tick in axis.ticks {
      guard let column = axis.cell(tick.position, cells: columns), column > 0, column < columns - 1
      else { continue }
      labels.append(AxisLabel(position: column, text: tick.label))
    }
    return labels
  }

  /// Dotted lines at x = 0 and y = 0 when zero lies inside the limits.
  static func drawZeroAxes(_ canvas: inout DotCanvas, xAxis: ResolvedAxis, yAxis: ResolvedAxis) {
    if yAxis.scale == .linear, yAxis.low < 0, yAxis.high > 0 {
      let y = dotY(yAxis.fraction(0), canvas.height)
      if y / canvas.dotsDown > 0 && y / canvas.dotsDown < canvas.rows - 1 {
        for x in stride(from: 0, to: canvas.width, by: 2) { canvas.set(x: x, y: y, color: 255) }
      }
    }
    if xAxis.scale == .linear, xAxis.low < 0, xAxis.high > 0 {
      let x = dotX(xAxis.fraction(0), canvas.width)
      if x / canvas.dotsAcross > 0 && x / canvas.dotsAcross < canvas.columns - 1 {
        for y in stride(from: 0, to: canvas.height, by: 2) { canvas.set(x: x, y: y, color: 255) }
      }
    }
  }

  /// The dot column of a horizontal fraction; 1 lands in the last column.
  @inline(__always)
  static func dotX(_ fraction: Double, _ width: Int) -> Int {
    Int(flooring: fraction * Double(width), clampedTo: 0...(width - 1))
  }

  /// The dot row (from the top) of a vertical fraction; 0 lands in the last row.
  @inline(__always)
  static func dotY(_ fraction: Double, _ height: Int) -> Int {
    Int(flooring: (1 - fraction) * Double(height), clampedTo: 0...(height - 1))
  }

  /// Draws one series; returns the cell index of its last drawn point.
  static func draw(
    _ series: PreparedSeries, on canvas: inout DotCanvas, xAxis: ResolvedAxis, yAxis: ResolvedAxis,
    connected: Bool, color: UInt8
  ) -> Int? {
    let count = series.x.count
    guard count > 0 else { return nil }
    let width = Double(canvas.width)
    let height = Double(canvas.height)
    let inside = -1e-9...(1 + 1e-9)
    var last: Int?
    if !connected {
      // The hot loop of a large scatter plot: two multiplications and a bit set per point.
      let xSpan = xAxis.high / 2 - xAxis.low / 2
      let ySpan = yAxis.high / 2 - yAxis.low / 2
      for index in 0..<count {
        let fx = xSpan > 0 ? (series.x[index] / 2 - xAxis.low / 2) / xSpan : 0.5
        let fy = ySpan > 0 ? (series.y[index] / 2 - yAxis.low / 2) / ySpan : 0.5
        guard inside.contains(fx), inside.contains(fy) else { continue }
        let x = dotX(fx, canvas.width)
        let y = dotY(fy, canvas.height)
        canvas.set(x: x, y: y, color: color)
        last = (y / canvas.dotsDown) * canvas.columns + x / canvas.dotsAcross
      }
      return last
    }
    let fx = series.x.map { xAxis.fraction($0) }
    let fy = series.y.map { yAxis.fraction($0) }
    let runEnds = Array(series.runStarts.dropFirst()) + [count]
    for (start, end) in zip(series.runStarts, runEnds) {
      let runX = Array(fx[start..<end])
      let runY = Array(fy[start..<end])
      let indices =
        Resampling.m4(fractions: runX, values: runY, columns: canvas.width) ?? Array(runX.indices)
      if indices.count == 1, let only = indices.first {
        if inside.contains(runX[only]) && inside.contains(runY[only]) {
          let x = dotX(runX[only], canvas.width)
          let y = dotY(runY[only], canvas.height)
          canvas.set(x: x, y: y, color: color)
          last = (y / canvas.dotsDown) * canvas.columns + x / canvas.dotsAcross
        }
        continue
      }
      for (a, b) in zip(indices, indices.dropFirst()) {
        guard let (p, q) = clip((runX[a], runY[a]), (runX[b], runY[b])) else { continue }
        let start = (x: min(p.0 * width, width - 1e-6), y: min((1 - p.1) * height, height - 1e-6))
        let end = (x: min(q.0 * width, width - 1e-6), y: min((1 - q.1) * height, height - 1e-6))
        canvas.line(from: start, to: end, color: color)
        last =
          (Int(flooring: end.y, clampedTo: 0...(canvas.height - 1)) / canvas.dotsDown)
          * canvas.columns
          + Int(flooring: end.x, clampedTo: 0...(canvas.width - 1)) / canvas.dotsAcross
      }
    }
    return last
  }

  /// The cells a series' points fall in (for plain scatter markers).
  static func cellsOf(
    _ series: PreparedSeries, canvas: DotCanvas, xAxis: ResolvedAxis, yAxis: ResolvedAxis
  ) -> [Int] {
    var cells: [Int] = []
    for (x, y) in zip(series.x, series.y) {
      guard let column = xAxis.cell(x, cells: canvas.columns),
        let row = rowOf(y, axis: yAxis, rows: canvas.rows)
      else { continue }
      cells.append(row * canvas.columns + column)
    }
    return cells
  }

  /// The part of the segment p–q inside the unit square (Liang–Barsky), or nil.
  static func clip(_ p: (Double, Double), _ q: (Double, Double)) -> (
    (Double, Double), (Double, Double)
  )? {
    let eps = 1e-9
    var t0 = 0.0
    var t1 = 1.0
    let dx = q.0 - p.0
    let dy = q.1 - p.1
    for (edgeP, edgeQ) in [
      (-dx, p.0 + eps), (dx, 1 + eps - p.0), (-dy, p.1 + eps), (dy, 1 + eps - p.1),
    ] {
      if edgeP == 0 {
        if edgeQ < 0 { return nil }
      } else {
        let r = edgeQ / edgeP
        if edgeP < 0 {
          if r > t1 { return nil }
          if r > t0 { t0 = r }
        } else {
          if r < t0 { return nil }
          if r < t1 { t1 = r }
        }
      }
    }
    func clamp(_ v: Double) -> Double { min(1, max(0, v)) }
    return (
      (clamp(p.0 + t0 * dx), clamp(p.1 + t0 * dy)), (clamp(p.0 + t1 * dx), clamp(p.1 + t1 * dy))
    )
  }
}
