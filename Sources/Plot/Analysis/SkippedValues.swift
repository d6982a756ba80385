/// A count of the values a plot could not draw, for the note under it.
struct SkippedValues: Equatable {
  var nan = 0
  var positiveInfinity = 0
  var negativeInfinity = 0
  /// Values at or below zero on a logarithmic axis.
  var nonPositive = 0
  /// Finite values outside explicit limits.
  var outsideLimits = 0

  /// Counts `value` if it is not finite; returns whether it was.
  mutating func countIfNotFinite(_ value: Double) -> Bool {
    if value.isNaN {
      nan += 1
    } else if value == .infinity {
      positiveInfinity += 1
    } else if value == -.infinity {
      negativeInfinity += 1
    } else {
      return false
    }
    return true
  }

  var total: Int { nan + positiveInfinity + negativeInfinity + nonPositive }

  /// "skipped 3 points: 2 NaN, 1 -Inf", or nothing when all were drawn.
  func notes(noun: String, verb: String = "skipped") -> [String] {
    var notes: [String] = []
    var parts: [String] = []
    if nan > 0 { parts.append("\(nan) NaN") }
    if positiveInfinity > 0 { parts.append("\(positiveInfinity) +Inf") }
    if negativeInfinity > 0 { parts.append("\(negativeInfinity) -Inf") }
    if nonPositive > 0 { parts.append("\(nonPositive) ≤ 0 on a log axis") }
    if total > 0 {
      notes.append(
        "\(verb) \(total) \(total == 1 ? noun : noun + "s"): " + parts.joined(separator: ", "))
    }
    if outsideLimits > 0 {
      notes.append("\(outsideLimits) \(outsideLimits == 1 ? noun : noun + "s") outside the limits")
    }
    return notes
  }
}
