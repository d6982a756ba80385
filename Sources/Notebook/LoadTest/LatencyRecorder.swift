internal import Histogram

/// Latencies in an HdrHistogram: microsecond resolution, three significant
/// digits, up to an hour; percentiles read back in milliseconds.
struct LatencyRecorder: Sendable {
  /// The largest latency kept apart from the others; longer ones are recorded as this.
  static let highestMicroseconds: UInt64 = 3_600_000_000

  private var histogram: Histogram<UInt64>

  /// Creates an empty recorder.
  /// - Parameter precise: three significant digits (the whole run), or two (the per-second ones, smaller).
  init(precise: Bool = true) {
    histogram = Histogram(
      lowestDiscernibleValue: 1, highestTrackableValue: Self.highestMicroseconds,
      numberOfSignificantValueDigits: precise ? .three : .two)
  }

  /// How many latencies were recorded.
  var count: Int { Int(histogram.totalCount) }

  /// Records one latency.
  mutating func record(microseconds: UInt64) {
    _ = histogram.record(min(max(microseconds, 1), Self.highestMicroseconds))
  }

  /// Adds every latency of `other`.
  mutating func add(_ other: LatencyRecorder) { histogram.add(other.histogram) }

  /// The latency at `percentile` (0 to 100), in milliseconds; 0 when nothing was recorded.
  func milliseconds(atPercentile percentile: Double) -> Double {
    guard histogram.totalCount > 0 else { return 0 }
    return Double(histogram.valueAtPercentile(percentile)) / 1000
  }

  /// The largest latency recorded, in milliseconds.
  var maximumMilliseconds: Double {
    histogram.totalCount > 0 ? Double(histogram.max) / 1000 : 0
  }

  /// The mean latency, in milliseconds.
  var meanMilliseconds: Double {
    histogram.totalCount > 0 ? histogram.mean / 1000 : 0
  }

  /// About `limit` latencies in milliseconds with the recorded distribution, for a histogram plot:
  /// each recorded value repeated in proportion to its count.
  func sample(limit: Int) -> [Double] {
    let total = Double(histogram.totalCount)
    guard total > 0 else { return [] }
    let scale = min(1, Double(limit) / total)
    var values: [Double] = []
    var carried = 0.0
    for item in histogram.recordedValues() {
      carried += Double(item.count) * scale
      let copies = Int(carried)
      carried -= Double(copies)
      if copies > 0 {
        values += repeatElement(Double(histogram.medianEquivalentForValue(item.value)) / 1000, count: copies)
      }
    }
    return values
  }
}
