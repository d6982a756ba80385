internal import Foundation
internal import Plot

/// A load test's result as the notebook prints it, and as a session value.
///
/// The value is read back from the printed summary, so a replayed transcript
/// (which prints the recorded summary instead of re-running the test) gives
/// the same value as the live run did:
///
/// ```
/// loadtest http://127.0.0.1:8000/predict: 64 connections, closed loop, for 10 s
///   responses 183214, errors 0, seconds 10, req/s 18318, bytes 14290692
///   latency ms: p50 3.41, p90 4.12, p99 6.02, p99.9 9.4, max 21.3
/// ```
enum LoadTestReport {
  /// The summary lines: the plan, counts and rate, latencies, errors by kind.
  static func summary(_ result: LoadTestResult) -> [String] {
    var lines = ["loadtest \(result.plan.url): \(result.plan.summary)"]
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
      plots.append(
        (
          Plot(kind: .histogram(Histogram(sample)), title: "latency", xLabel: "ms", xScale: .log10),
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

  /// The session value of a printed summary (the live one or a recorded one); `nil` when there is none.
  ///
  /// Fields: `url`, `connections`, `requests` (answers), `errors`, `seconds`, `rps`, `bytes`,
  /// latencies in milliseconds `p50`, `p90`, `p99`, `p99_9`, `max`, and `error_kinds` (a record).
  static func value(fromSummary text: String) -> SessionValue? {
    var url: String?
    var connections: Double?
    var counts: [String: Double] = [:]
    var latencies: [String: Double] = [:]
    var kinds: [(String, SessionValue)] = []
    for rawLine in text.split(separator: "\n") {
      let line = String(rawLine).trimmingWhitespace
      if line.hasPrefix("loadtest "), url == nil, let colon = line.range(of: ": ") {
        url = String(line[line.index(line.startIndex, offsetBy: 9)..<colon.lowerBound])
        connections = line[colon.upperBound...].split(separator: " ").first.flatMap { Double($0) }
      } else if line.hasPrefix("responses ") {
        counts = pairs(line)
      } else if line.hasPrefix("latency ms: ") {
        latencies = pairs(String(line.dropFirst("latency ms: ".count)))
      } else if line.hasPrefix("errors by kind: ") {
        kinds = pairs(String(line.dropFirst("errors by kind: ".count))).sorted { $0.key < $1.key }
          .map { ($0.key, .number($0.value)) }
      }
    }
    guard let url, let responses = counts["responses"] else { return nil }
    let fields: [(String, SessionValue)] = [
      ("url", .string(url)),
      ("connections", .number(connections ?? 0)),
      ("requests", .number(responses)),
      ("errors", .number(counts["errors"] ?? 0)),
      ("seconds", .number(counts["seconds"] ?? 0)),
      ("rps", .number(counts["req/s"] ?? 0)),
      ("bytes", .number(counts["bytes"] ?? 0)),
      ("p50", .number(latencies["p50"] ?? 0)),
      ("p90", .number(latencies["p90"] ?? 0)),
      ("p99", .number(latencies["p99"] ?? 0)),
      ("p99_9", .number(latencies["p99.9"] ?? 0)),
      ("max", .number(latencies["max"] ?? 0)),
      ("error_kinds", .record(Record(kind: "record", kinds))),
    ]
    return .record(Record(kind: "loadtest", fields))
  }

  /// `name value, name value` as a dictionary.
  private static func pairs(_ text: String) -> [String: Double] {
    var result: [String: Double] = [:]
    for item in text.split(separator: ",") {
      let words = item.split(separator: " ")
      guard words.count >= 2, let value = Double(words[words.count - 1]) else { continue }
      result[words[0..<(words.count - 1)].joined(separator: " ")] = value
    }
    return result
  }
}
