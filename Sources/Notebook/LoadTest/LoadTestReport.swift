internal import Foundation
internal import Plot

/// A load test's result as text and plots: what the notebook's `loadtest` and `fathom loadtest` print.
///
/// ```
/// loadtest http://127.0.0.1:8000/predict: 64 connections, closed loop, for 10 s
///   responses 183214, errors 0, seconds 10, req/s 18318, bytes 14290692
///   latency ms: p50 3.41, p90 4.12, p99 6.02, p99.9 9.4, max 21.3
/// ```
enum LoadTestReport {
  /// The summary lines: the plan, counts and rate, latencies, errors by kind.
  static func summary(_ result: LoadTestResult) -> [String] {
    var lines = [result.plan.headline]
    if result.interrupted {
      lines.append(
        "  interrupted (Ctrl-C) after \(formatShort(result.elapsed.seconds)) s: what was measured until then")
    }
    lines.append(
      "  responses \(result.responses), errors \(result.errorCount), seconds \(formatShort(result.elapsed.seconds)), "
        + "req/s \(formatShort(result.requestsPerSecond)), bytes \(result.bytes)")
    let percentiles = [("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("p99.9", 99.9)]
      .map { "\($0.0) \(formatShort(result.latency(atPercentile: $0.1)))" }
    lines.append(
      "  latency ms: " + (percentiles + ["max \(formatShort(result.maximumLatency))"]).joined(separator: ", "))
    if !result.errors.isEmpty {
      lines.append("  errors by kind: " + result.errors.map { "\($0.kind) \($0.count)" }.joined(separator: ", "))
    }
    return lines
  }

  /// The pictures: the latency distribution (log x axis), then requests/s and p99 per second.
  static func plots(_ result: LoadTestResult) -> [(Plot, height: Int)] {
    var plots: [(Plot, height: Int)] = []
    let sample = result.tally.latencies.sample(limit: 20_000)
    if !sample.isEmpty {
      // Past 20,000 answers the bars are drawn from a proportional sample; the caption's
      // count is the sample's, so the title says so.
      let answers = result.tally.latencies.count
      let title =
        sample.count < answers
        ? "latency (\(sample.count) of \(answers) answers, in proportion)" : "latency"
      plots.append(
        (
          Plot(kind: .histogram(Histogram(sample)), title: title, xLabel: "ms", xScale: .log10),
          height: 12
        ))
    }
    let timeline = result.timeline
    if timeline.count >= 2 {
      let times = timeline.map(\.time)
      plots.append(
        (
          Plot(
            kind: .line([Series(name: "req/s", x: times, y: timeline.map(\.requestsPerSecond))]),
            title: "requests per second", xLabel: "s"),
          height: 10
        ))
      plots.append(
        (
          Plot(
            kind: .line([Series(name: "p99 ms", x: times, y: timeline.map(\.p99))]), title: "p99 latency (ms)",
            xLabel: "s"),
          height: 10
        ))
    }
    return plots
  }
}
