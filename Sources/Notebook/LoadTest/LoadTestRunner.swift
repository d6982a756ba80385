internal import Foundation
internal import Plot

#if canImport(Glibc)
  internal import Glibc
#endif

/// The load tester's entry point, for the notebook's `loadtest` and `fathom loadtest`:
/// a ``LoadTestPlan`` in, a ``LoadTestResult`` out. The rest of `LoadTest/` (the engine,
/// its connections, the response parser, the tallies) is machinery behind it.
///
/// Runs the test from synchronous code and waits for it, bounded by the plan's time
/// limit; redraws a one-line status each second on a terminal; stops cleanly on Ctrl-C
/// and keeps what was measured.
///
/// ```swift
/// let plan = try LoadTestPlan(url: "127.0.0.1:8000", connections: 8, requests: 1000)
/// if let result = LoadTestRunner.run(plan, live: false) { print(result.report(plots: false, terminal: false)) }
/// ```
public enum LoadTestRunner {
  /// Runs `plan` and waits for it; Ctrl-C meanwhile stops it.
  /// - Parameters:
  ///   - plan: what to run.
  ///   - live: whether to redraw, each second on standard output, requests per second so far
  ///     as a plot (when the terminal is tall enough) and a status line.
  /// - Returns: the result, also after Ctrl-C; `nil` only if the test did not return in time.
  public static func run(_ plan: LoadTestPlan, live: Bool) -> LoadTestResult? {
    // Ctrl-C stops the test rather than the process, for as long as it runs.
    let interrupt = SignalHandler.interruptOnControlC()
    defer { interrupt.restore() }
    let engine = LoadTestEngine(plan: plan)
    var lastDrawn = 0
    var frameLines = 0
    let size = TerminalSize.current()
    let options = RenderOptions(width: min(size.columns, 100), height: 8, colorMode: .detect())
    let limit = plan.timeLimit + plan.requestTimeout + .seconds(5)
    let result = BlockingWait.run(
      limit: limit,
      poll: { waited in
        if Interrupt.requested {
          engine.stop()
          return .cancel
        }
        let whole = Int(waited.seconds)
        if live, whole > lastDrawn {
          lastDrawn = whole
          let frame = liveFrame(engine.snapshot(), engine.progress(), options: options, rows: size.rows)
          write(erase(lines: frameLines) + frame)
          frameLines = frame.split(separator: "\n", omittingEmptySubsequences: false).count
        }
        return .wait
      },
      { await engine.run() })
    if live && frameLines > 0 { write(erase(lines: frameLines)) }
    return result
  }

  /// The live picture: requests per second so far (once there are two seconds of them, and
  /// the terminal has room) above the status line. No newline at the end: the cursor stays
  /// on the status line, so the next frame can replace this one.
  static func liveFrame(
    _ sofar: LoadTestResult, _ progress: LoadTestEngine.Progress, options: RenderOptions, rows: Int
  ) -> String {
    // Whole seconds only, and not the one just ended: connections report their counts every
    // quarter second, so its last moments may still be on their way.
    let timeline = sofar.timeline.filter { $0.time == $0.time.rounded() && $0.time <= sofar.elapsed.seconds - 0.3 }
    var frame = ""
    if timeline.count >= 2, rows >= 16 {
      let plot = Plot(
        kind: .line([Series(name: "req/s", x: timeline.map(\.time), y: timeline.map(\.requestsPerSecond))]),
        title: "requests per second (live)", xLabel: "s")
      frame = TextRenderer(options: options).render(plot) + "\n"
    }
    return frame + statusLine(progress)
  }

  /// Moves the cursor to the start of a frame of `lines` lines drawn last, and clears it and below.
  static func erase(lines: Int) -> String {
    guard lines > 0 else { return "" }
    return "\r" + (lines > 1 ? "\u{1B}[\(lines - 1)A" : "") + "\u{1B}[J"
  }

  /// `  3 s: 12345 responses, 4115 req/s, p99 1.2 ms, 0 errors`.
  static func statusLine(_ progress: LoadTestEngine.Progress) -> String {
    "  \(Int(progress.elapsed.seconds)) s: \(progress.responses) responses, \(progress.lastSecondRequests) req/s, "
      + "p99 \(formatShort(progress.lastSecondP99)) ms, \(progress.errors) errors (Ctrl-C stops)"
  }

  private static func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}
