internal import Plot

/// What a load test measured.
public struct LoadTestResult: Sendable {
  /// One point of the timeline: a second of the run.
  public struct Point: Sendable, Equatable {
    /// Seconds since the start, at the end of this interval.
    public var time: Double
    /// Answers per second in this interval.
    public var requestsPerSecond: Double
    /// The 99th percentile latency of this interval, in milliseconds.
    public var p99: Double
  }

  /// The plan that ran.
  public var plan: LoadTestPlan
  /// From the first request sent to the last answer.
  public var elapsed: Duration
  /// Whether Ctrl-C (or a stop) ended the test early.
  public var interrupted: Bool
  var tally: LoadTestTally

  init(plan: LoadTestPlan, elapsed: Duration, interrupted: Bool, tally: LoadTestTally) {
    self.plan = plan
    self.elapsed = elapsed
    self.interrupted = interrupted
    self.tally = tally
  }

  /// Answers received, of any status.
  public var responses: Int { tally.responses }
  /// Answers per second over the whole run.
  public var requestsPerSecond: Double {
    let seconds = elapsed.seconds
    return seconds > 0 ? Double(tally.responses) / seconds : 0
  }
  /// Errors of every kind: failed requests and non-2xx answers.
  public var errorCount: Int { tally.errorCount }
  /// Errors by kind: `connect`, `timeout`, `closed`, `other`, `status_NNN`.
  public var errors: [(kind: String, count: Int)] {
    tally.errors.sorted { $0.key < $1.key }.map { (kind: $0.key.name, count: $0.value) }
  }
  /// Response body bytes received.
  public var bytes: Int { tally.bytes }
  /// The latency at `percentile` (0 to 100), in milliseconds.
  public func latency(atPercentile percentile: Double) -> Double {
    tally.latencies.milliseconds(atPercentile: percentile)
  }
  /// The largest latency, in milliseconds.
  public var maximumLatency: Double { tally.latencies.maximumMilliseconds }

  /// The report `fathom loadtest` prints below the plan's ``LoadTestPlan/headline``: counts and
  /// rate, latency percentiles, errors by kind, then (with `plots`) the latency histogram and
  /// the timeline.
  /// - Parameters:
  ///   - plots: whether to draw the plots.
  ///   - terminal: whether standard output is a terminal, which gets colours. Plots take the
  ///     terminal's width (`COLUMNS`, else 80), at most 100 columns.
  /// - Returns: the lines, each ending in a newline.
  public func report(plots: Bool, terminal: Bool) -> String {
    var text = LoadTestReport.summary(self).dropFirst().joined(separator: "\n") + "\n"
    guard plots else { return text }
    let size = TerminalSize.current()
    let options = RenderOptions(width: min(size.columns, 100), height: nil, colorMode: terminal ? .detect() : .none)
    for (plot, height) in LoadTestReport.plots(self) {
      var sized = options
      sized.height = height
      text += TextRenderer(options: sized).render(plot) + "\n"
    }
    return text
  }

  /// Requests per second and p99, one point per second of the run; a last partial
  /// second counts when it is at least a fifth of a second long.
  public var timeline: [Point] {
    let total = elapsed.seconds
    var points: [Point] = []
    for (i, second) in tally.seconds.enumerated() {
      let length = min(1, total - Double(i))
      guard length >= 0.2 else { break }
      points.append(
        Point(
          time: Double(i) + length, requestsPerSecond: Double(second.responses) / length,
          p99: second.latencies.milliseconds(atPercentile: 99)))
    }
    return points
  }
}
