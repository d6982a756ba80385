import Foundation

/// The bins of a histogram: edges, counts and the rule that chose them.
struct Binning: Equatable {
  /// `counts.count + 1` increasing edges; bin `i` is `[edges[i], edges[i+1])`,
  /// the last bin closed.
  var edges: [Double]
  /// The number of values in each bin.
  var counts: [Int]
  /// How the bin width was chosen, for the note under the plot.
  var rule: String

  /// The width of every bin.
  var width: Double { edges.count > 1 ? edges[1] - edges[0] : 1 }

  /// Bins `values` (finite, any order) by `rule`, with at most `maxBins` bins.
  static func make(_ values: [Double], bins: Histogram.Bins, maxBins: Int) -> Binning {
    let maxBins = max(1, maxBins)
    guard let low = values.min(), let high = values.max() else {
      return Binning(edges: [0, 1], counts: [0], rule: "no values")
    }
    switch bins {
    case .count(let requested):
      let count = max(1, min(requested, 10_000))
      var lowEdge = low
      var highEdge = high
      if highEdge <= lowEdge {
        lowEdge -= 0.5
        highEdge += 0.5
      }
      let width = (highEdge - lowEdge) / Double(count)
      let edges = (0...count).map { $0 == count ? highEdge : lowEdge + Double($0) * width }
      return Binning(
        edges: edges, counts: tally(values, low: lowEdge, width: width, count: count),
        rule: "\(count) bins")
    case .automatic:
      let (width, rule) = automaticWidth(values, low: low, high: high)
      var step = NiceNumber.nearest(width)
      while true {
        let lowEdge = Foundation.floor(low / step) * step
        var count = Int(
          flooring: Foundation.ceil((high - lowEdge) / step - 1e-9), clampedTo: 1...1_000_000)
        // A value exactly on the upper edge belongs to the closed last bin, but
        // floating point can leave the largest value just past it.
        if lowEdge + Double(count) * step < high { count += 1 }
        if count <= maxBins {
          let edges = (0...count).map { lowEdge + Double($0) * step }
          return Binning(
            edges: edges, counts: tally(values, low: lowEdge, width: step, count: count), rule: rule
          )
        }
        step = NiceNumber.above(step)
      }
    }
  }

  /// The Freedman–Diaconis width, or Sturges' when the quartiles coincide.
  private static func automaticWidth(_ values: [Double], low: Double, high: Double) -> (
    Double, String
  ) {
    let n = values.count
    if high <= low {
      return (low == 0 ? 1 : abs(low) * 0.1, "one distinct value")
    }
    let sorted = values.sorted()
    let iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25)
    if iqr > 0 && n >= 4 {
      return (2 * iqr / cbrt(Double(n)), "Freedman–Diaconis")
    }
    let sturges = Foundation.ceil(log2(Double(n))) + 1
    return ((high - low) / max(1, sturges), "Sturges")
  }

  /// The `q` quantile of sorted values, interpolating linearly.
  static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let position = q * Double(sorted.count - 1)
    let below = Int(position)
    let above = min(sorted.count - 1, below + 1)
    let t = position - Double(below)
    return sorted[below] + (sorted[above] - sorted[below]) * t
  }

  private static func tally(_ values: [Double], low: Double, width: Double, count: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: count)
    for value in values {
      let position = (value - low) / width
      let index = Int(flooring: position, clampedTo: 0...(count - 1))
      counts[index] += 1
    }
    return counts
  }
}
