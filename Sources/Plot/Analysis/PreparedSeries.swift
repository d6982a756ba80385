/// A series reduced to what can be drawn: finite points in scaled
/// coordinates, with the places where a line must break.
struct PreparedSeries {
  var name: String
  /// Scaled x coordinates of the drawable points.
  var x: [Double] = []
  /// Scaled y coordinates of the drawable points.
  var y: [Double] = []
  /// Indices into `x`/`y` where a new run starts (after a skipped point).
  var runStarts: [Int] = []

  /// Keeps the finite points of `series` that `xScale` and `yScale` can
  /// show, counting the others in `skipped`.
  init(_ series: Series, xScale: AxisScale, yScale: AxisScale, skipped: inout SkippedValues) {
    name = series.name
    let count = series.count
    x.reserveCapacity(count)
    y.reserveCapacity(count)
    var broken = true
    let linear = xScale == .linear && yScale == .linear
    for index in 0..<count {
      let rawX = series.x[index]
      let rawY = series.y[index]
      // Fast path for the common case: finite values on linear axes.
      if linear && rawX.isFinite && rawY.isFinite {
        if broken {
          runStarts.append(x.count)
          broken = false
        }
        x.append(rawX)
        y.append(rawY)
        continue
      }
      if skipped.countIfNotFinite(rawX) || skipped.countIfNotFinite(rawY) {
        broken = true
        continue
      }
      guard let sx = ResolvedAxis.scaled(rawX, xScale), let sy = ResolvedAxis.scaled(rawY, yScale)
      else {
        skipped.nonPositive += 1
        broken = true
        continue
      }
      if broken {
        runStarts.append(x.count)
        broken = false
      }
      x.append(sx)
      y.append(sy)
    }
  }

  /// The range of a coordinate over several series, or `nil` when empty.
  static func range(_ values: [[Double]]) -> ClosedRange<Double>? {
    var low = Double.infinity
    var high = -Double.infinity
    for list in values {
      for value in list {
        if value < low { low = value }
        if value > high { high = value }
      }
    }
    return low <= high ? low...high : nil
  }
}
