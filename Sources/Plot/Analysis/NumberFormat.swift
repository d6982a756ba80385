import Foundation

/// Locale-independent, compact number formatting for axis labels and values.
///
/// Formatting is done here rather than with `NumberFormatter` or `%g` so that
/// a plot reads the same on every machine: session transcripts store plots
/// and are compared byte for byte.
enum NumberFormat {
  /// How every label on one axis is written, chosen once so labels agree.
  enum Style: Equatable {
    /// Plain decimals: `0.25`, `-3`, `1200`.
    case plain
    /// A metric suffix: `15k`, `2.5M`; the divisor and the suffix.
    case suffix(Double, String)
    /// Scientific notation: `3.4e-05`.
    case scientific
  }

  /// The style for labels whose largest magnitude is `maxAbs`.
  static func style(forMagnitude maxAbs: Double) -> Style {
    if !maxAbs.isFinite || maxAbs >= 1e15 || (maxAbs > 0 && maxAbs < 1e-3) { return .scientific }
    if maxAbs >= 1e12 { return .suffix(1e12, "T") }
    if maxAbs >= 1e9 { return .suffix(1e9, "G") }
    if maxAbs >= 1e6 { return .suffix(1e6, "M") }
    if maxAbs >= 1e4 { return .suffix(1e3, "k") }
    return .plain
  }

  /// A label for `value`, one of a set of labels spaced `step` apart.
  ///
  /// The label shows as many decimals as `step` needs, and no trailing zeros.
  static func label(_ value: Double, step: Double, style: Style) -> String {
    guard value.isFinite else { return nonFinite(value) }
    let step = step > 0 && step.isFinite ? step : max(abs(value), 1)
    if value == 0 || abs(value) < step * 1e-9 { return "0" }
    switch style {
    case .plain:
      return fixed(value, decimals: decimals(for: step))
    case .suffix(let divisor, let suffix):
      return fixed(value / divisor, decimals: decimals(for: step / divisor)) + suffix
    case .scientific:
      let exponent = decimalExponent(of: value)
      let digits = max(1, min(6, exponent - decimalExponent(of: step) + 1))
      return scientific(value, significantDigits: digits)
    }
  }

  /// A value on its own (a bar's length, a colour scale end), with at most
  /// `significantDigits` significant digits: `0.973`, `1.2k`, `3.4e-05`.
  static func compact(_ value: Double, significantDigits: Int = 3) -> String {
    guard value.isFinite else { return nonFinite(value) }
    if value == 0 { return "0" }
    let magnitude = abs(value)
    let style = style(forMagnitude: magnitude)
    switch style {
    case .scientific:
      return scientific(value, significantDigits: significantDigits)
    case .plain:
      let exponent = decimalExponent(of: magnitude)
      return fixed(value, decimals: max(0, significantDigits - 1 - exponent))
    case .suffix(let divisor, let suffix):
      let scaled = value / divisor
      let exponent = decimalExponent(of: abs(scaled))
      return fixed(scaled, decimals: max(0, significantDigits - 1 - exponent)) + suffix
    }
  }

  /// An integer count, exactly: `12`, `1500`, `25000`.
  static func count(_ value: Int) -> String { String(value) }

  /// `value` with `decimals` digits after the point, trailing zeros removed.
  static func fixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return nonFinite(value) }
    let decimals = max(0, min(15, decimals))
    let scale = power10(decimals)
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9e15 else { return scientific(value, significantDigits: 3) }
    let units = UInt64(scaled)
    let divisor = UInt64(scale)
    let integerPart = units / divisor
    var fraction = units % divisor
    var text = value < 0 && units != 0 ? "-" : ""
    text += String(integerPart)
    if decimals > 0 && fraction != 0 {
      var digits = decimals
      while fraction % 10 == 0 {
        fraction /= 10
        digits -= 1
      }
      let fractionText = String(fraction)
      text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
    return text
  }

  /// `value` in scientific notation with a two-digit exponent: `3.4e-05`.
  static func scientific(_ value: Double, significantDigits: Int) -> String {
    guard value.isFinite else { return nonFinite(value) }
    if value == 0 { return "0" }
    var exponent = decimalExponent(of: value)
    var mantissa = abs(value) / power10(exponent)
    let decimals = max(0, significantDigits - 1)
    let rounding = power10(decimals)
    mantissa = (mantissa * rounding).rounded(.toNearestOrAwayFromZero) / rounding
    if mantissa >= 10 {
      mantissa /= 10
      exponent += 1
    }
    let sign = value < 0 ? "-" : ""
    let exponentSign = exponent < 0 ? "-" : "+"
    let exponentDigits = String(abs(exponent))
    let paddedExponent = exponentDigits.count < 2 ? "0" + exponentDigits : exponentDigits
    return sign + fixed(mantissa, decimals: decimals) + "e" + exponentSign + paddedExponent
  }

  /// The number of decimals a label needs when labels are `step` apart.
  static func decimals(for step: Double) -> Int {
    guard step > 0 && step.isFinite else { return 0 }
    return max(0, -Int(Foundation.floor(log10(step) + 1e-9)))
  }

  /// `floor(log10(|value|))`, exact at powers of ten.
  static func decimalExponent(of value: Double) -> Int {
    let magnitude = abs(value)
    guard magnitude > 0 && magnitude.isFinite else { return 0 }
    var exponent = Int(Foundation.floor(log10(magnitude)))
    // log10 can land a hair below an exact power of ten; correct it.
    if power10(exponent + 1) <= magnitude { exponent += 1 }
    if power10(exponent) > magnitude { exponent -= 1 }
    return exponent
  }

  /// 10 raised to `exponent`, exact for the exponents labels use.
  static func power10(_ exponent: Int) -> Double {
    if exponent >= 0 && exponent <= 22 {
      var result = 1.0
      for _ in 0..<exponent { result *= 10 }
      return result
    }
    if exponent < 0 && exponent >= -22 { return 1 / power10(-exponent) }
    return pow(10, Double(exponent))
  }

  private static func nonFinite(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    return value < 0 ? "-Inf" : "Inf"
  }
}

extension NumberFormat {
  /// 10 raised to a fractional exponent.
  static func power10Exact(_ exponent: Double) -> Double { pow(10, exponent) }
}
