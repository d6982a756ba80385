import ArgumentParser
import Foundation
import Notebook

#if canImport(Glibc)
  import Glibc
#endif

/// `fathom loadtest URL`: requests/s and latency percentiles of an HTTP server.
struct LoadTest: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "loadtest",
    abstract: "Load-test an HTTP server: requests/s, latency percentiles, errors by kind, plots.",
    discussion: """
      Keep-alive connections, closed loop by default (each connection sends its next request when \
      the last is answered). --rate sends that many requests per second in all (open loop) and \
      measures each latency from when the request was due. Bounded: at most 300 s, 10,000,000 \
      requests, 1024 connections; Ctrl-C stops and reports what was measured. URL defaults to \
      http:// and the /predict path: fathom loadtest 127.0.0.1:8000.
      """)

  @Argument(help: "The target, such as http://127.0.0.1:8000/predict.")
  var url: String

  @Option(name: [.short, .long], help: "Keep-alive connections (1 to 1024).")
  var connections: Int = 64

  @Option(name: [.short, .long], help: "Seconds to run (at most 300; default 10 unless --requests is given).")
  var duration: Double?

  @Option(name: [.short, .long], help: "Requests to send (at most 10000000).")
  var requests: Int?

  @Option(help: "Requests per second in all (open loop).")
  var rate: Double?

  @Option(help: "The JSON body of each POST.")
  var body: String = "{}"

  /// `--method POST|GET`, in any case.
  enum Method: String, ExpressibleByArgument, CaseIterable {
    case post = "POST"
    case get = "GET"

    init?(argument: String) { self.init(rawValue: argument.uppercased()) }
  }

  @Option(help: "The HTTP method (the body is sent with POST).")
  var method: Method = .post

  @Option(help: "Seconds one request may take before it counts as a timeout (at most 300).")
  var timeout: Double = 10

  @Flag(help: "Print only the summary, without plots.")
  var noPlots = false

  func validate() throws {
    if duration != nil && requests != nil { throw ValidationError("give --duration or --requests, not both") }
    if let duration, !(duration > 0 && duration <= 300) {
      throw ValidationError("--duration must be more than 0 and at most 300")
    }
  }

  func run() throws {
    let plan: LoadTestPlan
    do {
      plan = try LoadTestPlan(
        url: url, method: method.rawValue, body: body, connections: connections,
        duration: duration.map { .milliseconds(Int64(($0 * 1000).rounded())) }, requests: requests, rate: rate,
        requestTimeout: .milliseconds(Int64((min(max(timeout, 0), 1e6) * 1000).rounded())))
    } catch {
      throw ValidationError(error.message)
    }
    let terminal = isatty(STDOUT_FILENO) == 1
    write(plan.headline + "\n")
    guard let result = LoadTestRunner.run(plan, live: terminal) else {
      write("fathom: the load test did not finish in time\n")
      throw ExitCode(1)
    }
    write(result.report(plots: !noPlots, terminal: terminal))
    // Exit status 1 when no request was answered: nothing was measured.
    if result.responses == 0 { throw ExitCode(1) }
  }

  private func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}
