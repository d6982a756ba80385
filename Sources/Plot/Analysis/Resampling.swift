/// Thinning of long series that keeps every column's extremes.
enum Resampling {
  /// The indices to draw from a series whose x positions (as fractions of the
  /// width, ascending) are `fractions`, when it is much longer than the
  /// `columns` pixel columns it is drawn on.
  ///
  /// Each pixel column keeps its first, last, lowest and highest point (the
  /// M4 rule), so the drawn line is identical to drawing every point: no
  /// peak or trough is lost. Unsorted or short series are returned whole.
  static func m4(fractions: [Double], values: [Double], columns: Int) -> [Int]? {
    let n = min(fractions.count, values.count)
    guard columns > 0, n > 4 * columns else { return nil }
    for i in 1..<n where fractions[i] < fractions[i - 1] { return nil }
    var kept: [Int] = []
    kept.reserveCapacity(4 * columns + 4)
    var start = 0
    while start < n {
      let column = bucket(fractions[start], columns)
      var end = start
      var lowest = start
      var highest = start
      while end + 1 < n && bucket(fractions[end + 1], columns) == column {
        end += 1
        if values[end] < values[lowest] { lowest = end }
        if values[end] > values[highest] { highest = end }
      }
      for index in [start, min(lowest, highest), max(lowest, highest), end] where kept.last != index {
        kept.append(index)
      }
      start = end + 1
    }
    return kept
  }

  private static func bucket(_ fraction: Double, _ columns: Int) -> Int {
    Int(flooring: fraction * Double(columns), clampedTo: -1...columns)
  }
}
