extension TextRenderer {
  /// Eighth blocks growing from the bottom, for bar tops finer than a cell.
  static let lowerEighths: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  /// A histogram: one vertical bar per bin over an x axis of bin edges.
  func histogramLines(_ plot: Plot, _ histogram: Histogram, size: CanvasSize) -> [StyledLine] {
    var skipped = SkippedValues()
    var values: [Double] = []
    values.reserveCapacity(histogram.values.count)
    for value in histogram.values where !skipped.countIfNotFinite(value) {
      if plot.xAxis.scale == .log10 && value <= 0 {
        skipped.nonPositive += 1
      } else {
        values.append(plot.xAxis.scale == .log10 ? ResolvedAxis.scaled(value, .log10) ?? 0 : value)
      }
    }
    // Bins are made for the widest canvas this size allows; if the canvas
    // ends up narrower, a column shows the tallest of the bins it covers.
    let binning = Binning.make(values, bins: histogram.bins, maxBins: max(1, size.width - 12))
    let total = Double(max(1, values.count))
    let heights = binning.counts.map { count -> Double in
      histogram.normalization == .density ? Double(count) / (total * binning.width) : Double(count)
    }
    let tallest = heights.max() ?? 0

    var notes: [String] = []
    if values.isEmpty {
      notes.append("no data")
    } else {
      let widthText = NumberFormat.compact(binning.width, significantDigits: 4)
      let scaleText = plot.xAxis.scale == .log10 ? " (log10)" : ""
      notes.append(
        "\(values.count) values, \(binning.counts.count) bins of width \(widthText)\(scaleText) (\(binning.rule))"
      )
    }
    notes += skipped.notes(noun: "value")
    let layout = FrameLayout(
      title: plot.title, xLabel: plot.xLabel,
      yLabel: plot.yLabel ?? (histogram.normalization == .density ? "density" : "count"),
      legend: [], notes: notes, canvasStyle: plot.canvas)
    var yAxis = ResolvedAxis.resolve(
      dataRange: nil, explicit: nil, scale: .linear, cells: 1, cellsPerTick: 4)
    let firstEdge = binning.edges.first ?? 0
    let lastEdge = binning.edges.last ?? 1
    let scaledLimits =
      plot.xAxis.scale == .log10 ? pow10Range(firstEdge...lastEdge) : firstEdge...lastEdge
    return layout.lines(
      size: size,
      yLabels: { rows in
        yAxis = ResolvedAxis.resolve(
          dataRange: tallest > 0 ? 0...tallest : nil, explicit: plot.yAxis.limits, scale: .linear,
          cells: rows,
          cellsPerTick: 4)
        return Self.verticalLabels(yAxis, rows: rows)
      },
      body: { offered, rows in
        let binCount = binning.counts.count
        // Whole columns per bin keep every bar the same width, unless that
        // would waste more than a quarter of the width.
        var perBin = max(1, offered / max(1, binCount))
        if perBin * binCount * 4 < offered * 3 { perBin = 0 }
        let columns = perBin > 0 && binCount <= offered ? perBin * binCount : offered
        let xAxis = ResolvedAxis.resolve(
          dataRange: nil, explicit: scaledLimits, scale: plot.xAxis.scale, cells: columns,
          cellsPerTick: 12)
        var columnHeights = [Double](repeating: 0, count: columns)
        for (bin, height) in heights.enumerated() {
          let first: Int
          let last: Int
          if perBin > 0 && binCount <= offered {
            (first, last) = (bin * perBin, bin * perBin + perBin - 1)
          } else {
            // Bins spread over the columns; where several share a column, the tallest shows.
            first = bin * columns / binCount
            last = max(first, (bin + 1) * columns / binCount - 1)
          }
          for column in first...min(last, columns - 1) where height > columnHeights[column] {
            columnHeights[column] = height
          }
        }
        let span = yAxis.high - yAxis.low
        var cells = [[StyledCell]](
          repeating: [StyledCell](repeating: .blank, count: columns), count: rows)
        for (column, height) in columnHeights.enumerated() where height > 0 && span > 0 {
          let eighthCount = Int(
            flooring: (height - yAxis.low) / span * Double(rows * 8) + 0.5,
            clampedTo: 1...(rows * 8))
          let full = eighthCount / 8
          for level in 0..<full {
            cells[rows - 1 - level][column] = Self.histogramCell(8, plot.canvas)
          }
          if eighthCount % 8 != 0 && full < rows {
            cells[rows - 1 - full][column] = Self.histogramCell(eighthCount % 8, plot.canvas)
          }
        }
        return FrameBody(
          columns: columns, cells: cells, xLabels: Self.horizontalLabels(xAxis, columns: columns))
      })
  }

  private static func histogramCell(_ eighthCount: Int, _ canvas: CanvasStyle) -> StyledCell {
    let character: Character
    if canvas == .ascii {
      character = eighthCount >= 4 ? "#" : "."
    } else {
      character = lowerEighths[max(1, min(8, eighthCount)) - 1]
    }
    return StyledCell(character: character, style: .series(0))
  }

  /// Limits for a log axis given in log10 units, back in data units.
  private func pow10Range(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
    let low = NumberFormat.power10Exact(range.lowerBound)
    let high = NumberFormat.power10Exact(range.upperBound)
    return low < high ? low...high : low...(low * 10)
  }
}
