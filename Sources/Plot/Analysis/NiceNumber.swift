import Foundation

/// 1-2-5 steps: the spacings people read at a glance.
enum NiceNumber {
  /// The smallest 1-2-5 step (1, 2, 5 × 10ᵏ) at or above `value`.
  static func ceiling(_ value: Double) -> Double {
    guard value > 0 && value.isFinite else { return 1 }
    let exponent = NumberFormat.decimalExponent(of: value)
    let base = NumberFormat.power10(exponent)
    for multiple in [1.0, 2, 5, 10] where base * multiple >= value * (1 - 1e-12) {
      return base * multiple
    }
    return base * 10
  }

  /// The 1-2-5 step nearest to `value` on a logarithmic scale.
  static func nearest(_ value: Double) -> Double {
    guard value > 0 && value.isFinite else { return 1 }
    let exponent = NumberFormat.decimalExponent(of: value)
    let base = NumberFormat.power10(exponent)
    var best = base
    for multiple in [1.0, 2, 5, 10] {
      let candidate = base * multiple
      if abs(log10(candidate / value)) < abs(log10(best / value)) { best = candidate }
    }
    return best
  }

  /// The 1-2-5 step just below `step`: 10 → 5 → 2 → 1 → 0.5.
  static func below(_ step: Double) -> Double {
    let exponent = NumberFormat.decimalExponent(of: step)
    let base = NumberFormat.power10(exponent)
    let leading = (step / base).rounded()
    if leading >= 5 { return 2 * base }
    if leading >= 2 { return base }
    return base / 2
  }

  /// The 1-2-5 step just above `step`: 1 → 2 → 5 → 10.
  static func above(_ step: Double) -> Double {
    ceiling(step * 1.000001)
  }
}
