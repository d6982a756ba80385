internal import Foundation
internal import Plot
#if canImport(Glibc)
  internal import Glibc
#endif

/// Runs a load test from synchronous code (the REPL, `fathom loadtest`): waits for
/// it, bounded by the plan's time limit; redraws a one-line status each second on
/// a terminal; stops cleanly on Ctrl-C and keeps what was measured.
public enum LoadTestRunner {
  /// Runs `plan` and waits for it.
  /// - Parameters:
  ///   - plan: what to run.
  ///   - live: whether to redraw a status line on standard output each second.
  /// - Returns: the result, also after Ctrl-C; `nil` only if the test did not return in time.
  static func run(_ plan: LoadTestPlan, live: Bool) -> LoadTestResult? {
    let engine = LoadTestEngine(plan: plan)
    var lastDrawn = 0
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
          write("\r\u{1B}[K" + statusLine(engine.progress()))
        }
        return .wait
      },
      { await engine.run() })
    if live && lastDrawn > 0 { write("\r\u{1B}[K") }
    return result
  }

  /// `  3 s: 12345 responses, 4115 req/s, p99 1.2 ms, 0 errors`.
  static func statusLine(_ progress: LoadTestEngine.Progress) -> String {
    "  \(Int(progress.elapsed.seconds)) s: \(progress.responses) responses, \(progress.lastSecondRequests) req/s, "
      + "p99 \(formatShort(progress.lastSecondP99)) ms, \(progress.errors) errors (Ctrl-C stops)"
  }

  /// `fathom loadtest`: runs `plan`, prints the summary and the plots, and gives the exit status
  /// (1 when no request was answered).
  /// - Parameters:
  ///   - plan: what to run.
  ///   - plots: whether to draw the latency histogram and the timeline.
  public static func runFromCommandLine(_ plan: LoadTestPlan, plots: Bool = true) -> Int32 {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in Interrupt.request() }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
    let terminal = isatty(STDOUT_FILENO) == 1
    write("loadtest \(plan.url): \(plan.summary)\n")
    guard let result = run(plan, live: terminal) else {
      write("fathom: the load test did not finish in time\n")
      return 1
    }
    var text = LoadTestReport.summary(result).dropFirst().joined(separator: "\n") + "\n"
    if plots {
      let size = TerminalSize.current()
      let options = RenderOptions(
        width: min(size.columns, 100), height: nil, colorMode: terminal ? .detect() : .none)
      for (plot, height) in LoadTestReport.plots(result) {
        var sized = options
        sized.height = height
        text += TextRenderer(options: sized).render(plot) + "\n"
      }
    }
    write(text)
    return result.responses > 0 ? 0 : 1
  }

  private static func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}
