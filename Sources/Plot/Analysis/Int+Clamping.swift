extension Int {
  /// `value` rounded down and clamped to `range`; NaN gives the lower bound.
  ///
  /// `Int(_: Double)` traps on NaN and out-of-range values; data paths use
  /// this instead so that no input can crash a render.
  init(flooring value: Double, clampedTo range: ClosedRange<Int>) {
    if !(value >= Double(range.lowerBound)) {
      self = range.lowerBound
    } else if value >= Double(range.upperBound) {
      self = range.upperBound
    } else {
      self = Int(value.rounded(.down))
    }
  }
}
