import Foundation

/// One labelled position on an axis.
struct AxisTick: Equatable {
  /// The position in scaled coordinates (log10 of the value on a log axis).
  var position: Double
  /// The formatted value.
  var label: String
}

/// An axis with its limits, ticks and labels worked out for a given length.
///
/// Positions are in *scaled* coordinates: the value itself on a linear axis,
/// its base-10 logarithm on a log axis. The renderer only maps positions to
/// cells; everything a reader sees as a number is decided here.
struct ResolvedAxis: Equatable {
  var scale: AxisScale
  /// The lower limit, scaled.
  var low: Double
  /// The upper limit, scaled.
  var high: Double
  /// The label at the lower corner.
  var lowLabel: String
  /// The label at the upper corner.
  var highLabel: String
  /// Intermediate ticks strictly between the limits.
  var ticks: [AxisTick]

  /// The scaled coordinate of `value`, or `nil` when the scale cannot show it.
  static func scaled(_ value: Double, _ scale: AxisScale) -> Double? {
    guard value.isFinite else { return nil }
    switch scale {
    case .linear: return value
    case .log10: return value > 0 ? log10(value) : nil
    }
  }

  /// Where `position` falls between the limits: 0 at `low`, 1 at `high`.
  func fraction(_ position: Double) -> Double {
    // Halving first keeps the difference finite for limits near ±Double.max.
    let span = high / 2 - low / 2
    return span > 0 ? (position / 2 - low / 2) / span : 0.5
  }

  /// The cell (0 ..< `cells`) that `position` falls in, or `nil` outside the limits.
  func cell(_ position: Double, cells: Int) -> Int? {
    let f = fraction(position)
    guard f >= -1e-9 && f <= 1 + 1e-9 else { return nil }
    return Int(flooring: f * Double(cells), clampedTo: 0...(cells - 1))
  }
}

extension ResolvedAxis {
  /// Resolves an axis for data spanning `dataRange` (scaled), drawn over `cells`
  /// character cells with about one tick every `cellsPerTick` cells.
  ///
  /// Without explicit limits, the limits round outward to the coarsest 1-2-5
  /// multiple that still keeps the smallest and largest values in the first
  /// and last cell, so the extremes of the data always touch the border.
  static func resolve(
    dataRange: ClosedRange<Double>?,
    explicit: ClosedRange<Double>?,
    scale: AxisScale,
    cells: Int,
    cellsPerTick: Int
  ) -> ResolvedAxis {
    let cells = max(1, cells)
    var low: Double
    var high: Double
    var roundingStep: Double
    if let explicit, let l = scaled(explicit.lowerBound, scale),
      let h = scaled(explicit.upperBound, scale),
      h > l
    {
      (low, high) = (l, h)
      roundingStep = NumberFormat.power10(NumberFormat.decimalExponent(of: h - l) - 2)
    } else if let dataRange, dataRange.upperBound > dataRange.lowerBound {
      (low, high, roundingStep) = roundOutward(dataRange, cells: cells)
    } else {
      // No data, or a single value: a window around it, rounded to a step.
      let centre = dataRange?.lowerBound ?? (scale == .log10 ? 0.5 : 0.5)
      let halfWidth: Double
      if dataRange == nil {
        halfWidth = 0.5
      } else if scale == .log10 {
        halfWidth = 0.5
      } else {
        halfWidth = centre == 0 ? 1 : abs(centre) * 0.1
      }
      roundingStep = NiceNumber.ceiling(halfWidth)
      low = Foundation.floor((centre - halfWidth) / roundingStep) * roundingStep
      high = Foundation.ceil((centre + halfWidth) / roundingStep) * roundingStep
      if high <= low { high = low + roundingStep }
    }
    var axis = ResolvedAxis(
      scale: scale, low: low, high: high, lowLabel: "", highLabel: "", ticks: [])
    axis.label(roundingStep: roundingStep, targetTicks: max(2, cells / max(1, cellsPerTick)))
    return axis
  }

  /// Outward-rounded limits that keep the data extremes in the outer cells.
  private static func roundOutward(_ range: ClosedRange<Double>, cells: Int) -> (
    Double, Double, Double
  ) {
    let dataLow = range.lowerBound
    let dataHigh = range.upperBound
    let span = dataHigh - dataLow
    guard span.isFinite && span > 0 else { return (dataLow, dataHigh, 1) }
    var step = NumberFormat.power10(NumberFormat.decimalExponent(of: span) + 1)
    for _ in 0..<60 {
      let low = Foundation.floor(dataLow / step) * step
      let high = Foundation.ceil(dataHigh / step) * step
      let width = high - low
      if width > 0 && width.isFinite {
        let lowCell = (dataLow - low) / width * Double(cells)
        let highCell = (dataHigh - low) / width * Double(cells)
        if lowCell < 1 - 1e-9 && highCell >= Double(cells - 1) + 1e-9 || cells == 1 {
          return (low, high, step)
        }
      }
      step = NiceNumber.below(step)
      if step <= span * 1e-12 { break }
    }
    return (dataLow, dataHigh, NumberFormat.power10(NumberFormat.decimalExponent(of: span) - 3))
  }

  /// Fills in the corner labels and the intermediate ticks.
  private mutating func label(roundingStep: Double, targetTicks: Int) {
    let span = high - low
    var positions: [Double] = []
    var tickStep = NiceNumber.nearest(span / Double(targetTicks))
    switch scale {
    case .linear:
      positions = Self.multiples(of: tickStep, in: low, high)
    case .log10:
      if span >= 2 {
        tickStep = max(1, NiceNumber.nearest(span / Double(2 * targetTicks)).rounded(.up))
        positions = Self.multiples(of: tickStep, in: low, high)
      } else {
        // Under two decades, ticks at round values rather than round exponents.
        let lowValue = pow(10, low)
        let highValue = pow(10, high)
        tickStep = NiceNumber.nearest((highValue - lowValue) / Double(targetTicks))
        positions = Self.multiples(of: tickStep, in: lowValue, highValue).map { log10($0) }
      }
    }
    let values = ([low, high] + positions).map { scale == .log10 ? pow(10, $0) : $0 }
    let style = NumberFormat.style(forMagnitude: values.map(abs).max() ?? 0)
    switch scale {
    case .linear:
      lowLabel = NumberFormat.label(low, step: roundingStep, style: style)
      highLabel = NumberFormat.label(high, step: roundingStep, style: style)
      ticks = positions.map {
        AxisTick(position: $0, label: NumberFormat.label($0, step: tickStep, style: style))
      }
    case .log10:
      lowLabel = NumberFormat.compact(pow(10, low))
      highLabel = NumberFormat.compact(pow(10, high))
      ticks = positions.map { AxisTick(position: $0, label: NumberFormat.compact(pow(10, $0))) }
    }
  }

  /// The multiples of `step` strictly inside `low ... high`.
  private static func multiples(of step: Double, in low: Double, _ high: Double) -> [Double] {
    guard step > 0, step.isFinite, (high - low) / step < 1000 else { return [] }
    var result: [Double] = []
    var k = Foundation.ceil(low / step)
    while k * step < high - step * 1e-9 {
      let value = k * step
      if value > low + step * 1e-9 { result.append(value == 0 ? 0 : value) }
      k += 1
    }
    return result
  }
}
