import Foundation
import Model
import Plot
import Testing

@testable import Notebook

@Suite("load test statistics")
struct LoadTestStatisticsTests {
  /// A tally of `count` answers taking 1, 2, … `count` milliseconds, spread over `seconds` seconds.
  func tally(count: Int, seconds: Int) -> LoadTestTally {
    var tally = LoadTestTally()
    for i in 1...count {
      tally.record(.response(status: 200, microseconds: UInt64(i) * 1000, bytes: 10), second: (i - 1) * seconds / count)
    }
    return tally
  }

  @Test("percentiles of 1…1000 ms are read back within the histogram's three significant digits")
  func percentiles() throws {
    let result = LoadTestResult(
      plan: try LoadTestPlan(url: "127.0.0.1:1"), elapsed: .seconds(4), interrupted: false,
      tally: tally(count: 1000, seconds: 4))
    for (percentile, expected) in [(50.0, 500.0), (90.0, 900.0), (99.0, 990.0), (99.9, 999.0)] {
      let measured = result.latency(atPercentile: percentile)
      #expect(abs(measured - expected) <= expected * 0.001 + 0.001, "p\(percentile): \(measured) ms")
    }
    #expect(abs(result.maximumLatency - 1000) <= 1)
    #expect(result.responses == 1000)
    #expect(result.bytes == 10_000)
  }

  @Test("requests per second are answers over the elapsed time, per second in the timeline")
  func requestsPerSecond() throws {
    let result = LoadTestResult(
      plan: try LoadTestPlan(url: "127.0.0.1:1"), elapsed: .milliseconds(4000), interrupted: false,
      tally: tally(count: 1000, seconds: 4))
    #expect(result.requestsPerSecond == 250)
    #expect(result.timeline.map(\.requestsPerSecond) == [250, 250, 250, 250])
    #expect(result.timeline.map(\.time) == [1, 2, 3, 4])
    // The last second's p99 is of 751…1000 ms (two significant digits per second).
    let lastP99 = result.timeline.last?.p99 ?? 0
    #expect(abs(lastP99 - 997.5) < 15, "\(lastP99)")
  }

  @Test("errors are counted by kind: failures are not answers, non-2xx answers are both")
  func errorCounting() throws {
    var tally = LoadTestTally()
    for _ in 0..<3 { tally.record(.failure(.connect), second: 0) }
    tally.record(.failure(.timeout), second: 0)
    for _ in 0..<2 { tally.record(.response(status: 503, microseconds: 100, bytes: 5), second: 0) }
    tally.record(.response(status: 422, microseconds: 100, bytes: 5), second: 1)
    tally.record(.response(status: 200, microseconds: 100, bytes: 5), second: 1)
    let result = LoadTestResult(
      plan: try LoadTestPlan(url: "127.0.0.1:1"), elapsed: .seconds(2), interrupted: false, tally: tally)
    #expect(result.responses == 4)
    #expect(result.errorCount == 7)
    #expect(result.errors.map(\.kind) == ["connect", "timeout", "status_422", "status_503"])
    #expect(result.errors.map(\.count) == [3, 1, 1, 2])
    #expect(result.requestsPerSecond == 2)
  }

  @Test("merging worker batches gives the same counts as one tally")
  func merging() {
    var whole = LoadTestTally()
    var a = LoadTestTally()
    var b = LoadTestTally()
    for i in 0..<100 {
      let outcome = RequestOutcome.response(status: i % 10 == 0 ? 500 : 200, microseconds: UInt64(i * 37 + 1), bytes: i)
      whole.record(outcome, second: i / 30)
      if i % 2 == 0 { a.record(outcome, second: i / 30) } else { b.record(outcome, second: i / 30) }
    }
    a.add(b)
    #expect(a.responses == whole.responses && a.bytes == whole.bytes && a.errors == whole.errors)
    #expect(a.latencies.milliseconds(atPercentile: 99) == whole.latencies.milliseconds(atPercentile: 99))
    #expect(a.seconds.map(\.responses) == whole.seconds.map(\.responses))
  }

  @Test("the printed summary reads back as the session value, to the printed digits")
  func summaryRoundTrip() throws {
    var tally = LoadTestTally()
    for i in 1...500 { tally.record(.response(status: 200, microseconds: UInt64(i * 7), bytes: 77), second: 0) }
    tally.record(.failure(.closed), second: 0)
    let plan = try LoadTestPlan(url: "http://127.0.0.1:8000/predict", connections: 4, requests: 501)
    let result = LoadTestResult(plan: plan, elapsed: .milliseconds(321), interrupted: false, tally: tally)
    let summary = LoadTestReport.summary(result).joined(separator: "\n")
    #expect(summary.hasPrefix("loadtest http://127.0.0.1:8000/predict: 4 connections, closed loop, 501 requests\n"))
    guard case .record(let record)? = LoadTestCommand.value(fromSummary: summary) else {
      Issue.record("no value from \(summary)")
      return
    }
    #expect(record.kind == "loadtest")
    #expect(record["url"] == .string("http://127.0.0.1:8000/predict"))
    #expect(record["connections"] == .number(4))
    #expect(record["requests"] == .number(500))
    #expect(record["errors"] == .number(1))
    #expect(record["rps"] == .number(1558))
    #expect(record["p50"]?.number.map { abs($0 - 1.75) < 0.01 } == true)
    #expect(record["error_kinds"] == .record(Record(kind: "record", [("closed", .number(1))])))
  }

  @Test("plans are bounded: connections, duration, requests and rate; only http(s) URLs")
  func bounds() {
    let cases: [(String, () throws(NotebookError) -> LoadTestPlan)] = [
      (
        "connections should be between 1 and 1024, got 0",
        { () throws(NotebookError) -> LoadTestPlan in try LoadTestPlan(url: "127.0.0.1:1", connections: 0) }
      ),
      (
        "connections should be between 1 and 1024, got 1025",
        { () throws(NotebookError) -> LoadTestPlan in try LoadTestPlan(url: "127.0.0.1:1", connections: 1025) }
      ),
      (
        "duration should be more than 0 s and at most 300 s, got 301 s",
        { () throws(NotebookError) -> LoadTestPlan in try LoadTestPlan(url: "127.0.0.1:1", duration: .seconds(301)) }
      ),
      (
        "requests should be between 1 and 10000000, got 10000001",
        { () throws(NotebookError) -> LoadTestPlan in try LoadTestPlan(url: "127.0.0.1:1", requests: 10_000_001) }
      ),
      (
        "rate should be between 0 and 1000000 requests per second, got -1",
        { () throws(NotebookError) -> LoadTestPlan in try LoadTestPlan(url: "127.0.0.1:1", rate: -1) }
      ),
      (
        "timeout should be more than 0 s and at most 300 s, got 0 s",
        { () throws(NotebookError) -> LoadTestPlan in try LoadTestPlan(url: "127.0.0.1:1", requestTimeout: .zero) }
      ),
      (
        "ftp://example.org is not an http:// URL (such as http://127.0.0.1:8000/predict)",
        { () throws(NotebookError) -> LoadTestPlan in try LoadTestPlan(url: "ftp://example.org") }
      ),
    ]
    for (message, make) in cases {
      #expect(throws: NotebookError(.usage, message)) { try make() }
    }
  }

  @Test("a URL gets http:// and /predict when they are missing; a test by count stops at 300 s")
  func urls() throws {
    #expect(try LoadTestPlan(url: "127.0.0.1:8000").url == "http://127.0.0.1:8000/predict")
    #expect(try LoadTestPlan(url: "http://localhost:9/").url == "http://localhost:9/predict")
    #expect(try LoadTestPlan(url: "http://127.0.0.1:9/health", method: "get").url == "http://127.0.0.1:9/health")
    #expect(try LoadTestPlan(url: "127.0.0.1:1").duration == .seconds(10))
    let counted = try LoadTestPlan(url: "127.0.0.1:1", requests: 5)
    #expect(counted.duration == nil && counted.timeLimit == .seconds(300))
  }

  @Test("loadtest arguments: key=value words, quotes only around whole values")
  func words() throws {
    #expect(
      try LoadTestCommand.words(#"http://127.0.0.1:1 body='{"a": 1}' requests=5"#)
        == ["http://127.0.0.1:1", #"body={"a": 1}"#, "requests=5"])
    #expect(try LoadTestCommand.words(#"body={"a":1}"#) == [#"body={"a":1}"#])
    #expect(LoadTestPlan.parseDuration("500ms") == .milliseconds(500))
    #expect(LoadTestPlan.parseDuration("2m") == .seconds(120))
    #expect(LoadTestPlan.parseDuration("1.5") == .milliseconds(1500))
  }
}

/// Whether an executable is on the PATH.
func executableOnPath(_ name: String) -> String? {
  let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
  return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Runs `body` on a thread of its own and awaits it: the notebook's commands block their
/// thread while the server works, which must not be one of the few threads of the task pool.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread { continuation.resume(with: Result { try body() }) }.start()
  }
}

let runningOnCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false

@Suite("load tests against a live server", .serialized)
struct LoadTestLiveTests {
  /// A session on iris with `serve` and `loadtest`, logging to a temporary directory.
  static func session() throws -> Session {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-loadtest-\(getpid())").path
    return Session(model: try Model.builtIn(named: "iris"), modelReference: "iris", stateDirectory: directory)
  }

  static func text(_ output: CellOutput) -> String { output.rendered(width: 80, colorMode: .none) }

  @Test("serve 0, loadtest requests=200 connections=4, r.p99 > 0, serve stop")
  func replSession() async throws {
    try await onOwnThread {
      let session = try Self.session()
      let served = Self.text(session.run("serve 0"))
      #expect(served.hasPrefix("serving iris at http://127.0.0.1:"), "\(served)")
      #expect(!served.contains("127.0.0.1:0 "))
      let report = Self.text(session.run("r = loadtest requests=200 connections=4"))
      #expect(report.contains("4 connections, closed loop, 200 requests"), "\(report)")
      #expect(report.contains("latency ms: p50 "))
      #expect(Self.text(session.run("r.p99 > 0")) == "true")
      #expect(Self.text(session.run("r.requests")) == "200")
      #expect(Self.text(session.run("r.errors")) == "0")
      let status = Self.text(session.run("serve status"))
      #expect(status.contains("200 requests"), "\(status)")
      #expect(Self.text(session.run("serve stop")).hasPrefix("stopped serving at http://127.0.0.1:"))
      #expect(Self.text(session.run("loadtest")).contains("no server is running"))
    }
  }

  @Test("the notebook's server logs no line per request, and a log past 1 MiB is moved aside at the next serve")
  func serverLog() async throws {
    try await onOwnThread {
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-log-\(getpid())").path
      defer { try? FileManager.default.removeItem(atPath: directory) }
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      let log = directory + "/server.log"
      let old = String(repeating: "an old line\n", count: (1 << 20) / 12 + 10)
      try old.write(toFile: log, atomically: false, encoding: .utf8)
      let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris", stateDirectory: directory)
      _ = session.run("serve 0")
      _ = session.run("loadtest requests=200 connections=4")
      _ = session.run("serve stop")
      let written = try String(contentsOfFile: log, encoding: .utf8)
      #expect(!written.contains("POST /predict"), "\(written.prefix(300))")
      #expect(written.contains("listening on 127.0.0.1:"))
      #expect(written.utf8.count < 10_000)
      #expect(try String(contentsOfFile: log + ".1", encoding: .utf8) == old)
    }
  }

  @Test("load swaps the served model; serve twice is refused")
  func swap() async throws {
    try await onOwnThread {
      let session = try Self.session()
      _ = session.run("serve 0")
      defer { _ = session.run("serve stop") }
      #expect(Self.text(session.run("serve 0")).contains("already serving at"))
      _ = session.run("load diabetes")
      let status = Self.text(session.run("serve status"))
      #expect(status.contains("serving diabetes"), "\(status)")
    }
  }

  @Test("a saved session with serve and loadtest replays with --check: the recorded outputs are kept")
  func replay() async throws {
    try await onOwnThread {
      let session = try Self.session()
      let path = FileManager.default.temporaryDirectory.appendingPathComponent("loadtest-\(getpid()).fathom").path
      defer { try? FileManager.default.removeItem(atPath: path) }
      for line in [
        "serve 0", "r = loadtest requests=50 connections=2", "r.rps > 0", "r.p50", "serve stop", "save \(path)",
      ] {
        _ = session.run(line)
      }
      let outcome = TranscriptReplayer.replay(path: path, mode: .check)
      #expect(outcome.exitStatus == 0, "\(outcome.output)\(outcome.messages)")
      #expect(outcome.messages.contains("loadtest not re-run on replay"), "\(outcome.messages)")
    }
  }

  /// A session handed between threads, used by one at a time.
  final class SharedSession: @unchecked Sendable {
    let session: Session
    init(_ session: Session) { self.session = session }
  }

  @Test(
    "fathom's loadtest and wrk against the same server, 2 s and 8 connections: both run and give sane numbers",
    .enabled(if: executableOnPath("wrk") != nil || runningOnCI, "wrk is not installed (apt-get install wrk)"))
  func againstWrk() async throws {
    guard let wrk = executableOnPath("wrk") else {
      Issue.record("wrk is not installed, and CI is set: make test installs it")
      return
    }
    let shared = try await onOwnThread { SharedSession(try Self.session()) }
    let (base, body) = try await onOwnThread { () throws -> (String?, String) in
      _ = shared.session.run("serve 0")
      let url = (shared.session.commands["loadtest"] as? LoadTestCommand)?.server.url
      return (url, try LoadTestCommand.body(for: shared.session))
    }
    guard let base else {
      Issue.record("the server did not start")
      return
    }
    let url = base + "/predict"
    let plan = try LoadTestPlan(url: url, body: body, connections: 8, duration: .seconds(2))
    let ours = await LoadTestEngine(plan: plan).run()

    let script = FileManager.default.temporaryDirectory.appendingPathComponent("wrk-\(getpid()).lua").path
    try """
    wrk.method = "POST"
    wrk.body = '\(body)'
    wrk.headers["Content-Type"] = "application/json"
    """.write(toFile: script, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: script) }
    let output = try await onOwnThread { try Self.run(wrk, ["-t2", "-c8", "-d2s", "--latency", "-s", script, url]) }
    _ = try await onOwnThread { Self.text(shared.session.run("serve stop")) }

    #expect(ours.responses > 0)
    #expect(ours.errorCount == 0, "\(ours.errors)")
    #expect(ours.latency(atPercentile: 50) > 0)
    #expect(ours.latency(atPercentile: 50) <= ours.latency(atPercentile: 99))
    let wrkResult = WrkOutput(output)
    #expect(wrkResult.requestsPerSecond > 0, "\(output)")
    #expect(wrkResult.p50 > 0, "\(output)")
    #expect(wrkResult.non2xx == 0, "\(output)")
    print(
      "loadtest-vs-wrk (2 s, 8 connections): fathom \(formatShort(ours.requestsPerSecond)) req/s, "
        + "p50 \(formatShort(ours.latency(atPercentile: 50))) ms; wrk \(formatShort(wrkResult.requestsPerSecond)) req/s, "
        + "p50 \(formatShort(wrkResult.p50)) ms")
  }

  /// Runs a program to its end; returns its standard output.
  static func run(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    // Waiting on a semaphore, not Process.waitUntilExit, which spins its run loop.
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    exited.wait()
    return String(decoding: data, as: UTF8.self)
  }
}

/// The figures of wrk's report: `Requests/sec:` and the 50% line of `--latency`.
struct WrkOutput {
  var requestsPerSecond = 0.0
  var p50 = 0.0
  var p99 = 0.0
  var non2xx = 0

  init(_ text: String) {
    for line in text.split(separator: "\n") {
      let words = line.split(separator: " ")
      if words.first == "Requests/sec:", words.count > 1 { requestsPerSecond = Double(words[1]) ?? 0 }
      if words.first == "50%", words.count > 1 { p50 = Self.milliseconds(String(words[1])) }
      if words.first == "99%", words.count > 1 { p99 = Self.milliseconds(String(words[1])) }
      if line.contains("Non-2xx"), let last = words.last { non2xx = Int(last) ?? 0 }
    }
  }

  /// `123.45us`, `1.20ms`, `2.00s` in milliseconds.
  static func milliseconds(_ text: String) -> Double {
    for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(suffix) {
      return (Double(text.dropLast(suffix.count)) ?? 0) * scale
    }
    return 0
  }
}
