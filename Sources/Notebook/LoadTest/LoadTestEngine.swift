internal import Foundation
internal import NIOCore
internal import NIOPosix
internal import NIOSSL
internal import Synchronization

#if canImport(Glibc)
  internal import Glibc
#endif

/// Runs a load test: `connections` keep-alive HTTP/1.1 connections, each a small
/// state machine on an event loop of its own client group (one thread per core,
/// as wrk runs one per core), sending its next request from the handler that
/// read the last answer — no task hop, no pool, nothing between the socket and
/// the clock but NIO's HTTP codec.
///
/// Closed loop by default: each connection sends its next request when the last one
/// is answered. With a rate, open loop: request k is due at `start + k / rate`,
/// any free connection takes it, and its latency counts from when it was due, so a
/// stalled server shows up in the tail instead of slowing the sender
/// (no coordinated omission).
///
/// ```swift
/// let engine = LoadTestEngine(plan: try LoadTestPlan(url: "http://127.0.0.1:8000/predict", connections: 8))
/// let result = await engine.run()
/// print(result.requestsPerSecond, result.latency(atPercentile: 99))
/// ```
final class LoadTestEngine: Sendable {
  /// What a live display shows while the test runs.
  struct Progress: Sendable {
    /// Time since the start.
    var elapsed: Duration
    /// Answers so far.
    var responses: Int
    /// Errors so far.
    var errors: Int
    /// Answers in the last complete second.
    var lastSecondRequests: Int
    /// The 99th percentile latency of the last complete second, in milliseconds.
    var lastSecondP99: Double
  }

  /// The plan this engine runs.
  let plan: LoadTestPlan
  private let stopRequested = Atomic<Bool>(false)
  private let issued = Atomic<Int>(0)
  private let shared = Mutex<LoadTestTally>(LoadTestTally())
  private let startTime = Mutex<NIODeadline?>(nil)
  private let connections = Mutex<[LoadTestConnection]>([])

  /// Creates an engine for `plan`.
  init(plan: LoadTestPlan) {
    self.plan = plan
  }

  /// Stops the test: no request is sent after this, the ones in flight are not waited
  /// for (nor counted), and `run()` returns what was measured.
  func stop() {
    stopRequested.store(true, ordering: .relaxed)
    // Under the lock: `run()` empties the list under it before it shuts the loops down.
    connections.withLock { connections in
      for connection in connections { connection.loop.execute { connection.finish() } }
    }
  }

  /// The counts so far, for a live display.
  func progress() -> Progress {
    let elapsed = startTime.withLock { $0 }.map { Self.duration(NIODeadline.now() - $0) } ?? .zero
    let current = Int(elapsed.seconds)
    return shared.withLock { tally in
      let last = current >= 1 && current - 1 < tally.seconds.count ? tally.seconds[current - 1] : nil
      return Progress(
        elapsed: elapsed, responses: tally.responses, errors: tally.errorCount,
        lastSecondRequests: last?.responses ?? 0,
        lastSecondP99: last?.latencies.milliseconds(atPercentile: 99) ?? 0)
    }
  }

  /// What was measured so far, as a result: for the live picture.
  func snapshot() -> LoadTestResult {
    let elapsed = startTime.withLock { $0 }.map { Self.duration(NIODeadline.now() - $0) } ?? .zero
    return LoadTestResult(plan: plan, elapsed: elapsed, interrupted: false, tally: shared.withLock { $0 })
  }

  /// Runs the test to its duration or request count, a `stop()`, or the task's cancellation.
  /// - Returns: what was measured; failures are counted in it, never thrown.
  func run() async -> LoadTestResult {
    let target = LoadTestTarget(plan: plan)
    let threads = max(1, min(plan.connections, System.coreCount))
    let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    let start = NIODeadline.now()
    startTime.withLock { $0 = start }
    let schedule = LoadTestConnection.Schedule(
      start: start, deadline: start + Self.timeAmount(plan.timeLimit), limit: plan.requests ?? Int.max,
      rate: plan.rate, requestTimeout: Self.timeAmount(plan.requestTimeout))
    let started = (0..<plan.connections).map { _ in
      LoadTestConnection(
        loop: group.next(), target: target, schedule: schedule,
        claim: { [self] in
          stopRequested.load(ordering: .relaxed) ? nil : issued.wrappingAdd(1, ordering: .relaxed).oldValue
        },
        report: { [self] batch in shared.withLock { $0.add(batch) } })
    }
    connections.withLock { $0 = started }
    // A stop that came before the connections existed still counts.
    if stopRequested.load(ordering: .relaxed) { stop() }
    for connection in started { connection.loop.execute { connection.begin() } }
    await withTaskCancellationHandler {
      for connection in started { try? await connection.finished.get() }
    } onCancel: {
      stop()
    }
    let elapsed = Self.duration(NIODeadline.now() - start)
    connections.withLock { $0 = [] }
    try? await group.shutdownGracefully()
    let tally = shared.withLock { $0 }
    return LoadTestResult(
      plan: plan, elapsed: elapsed, interrupted: stopRequested.load(ordering: .relaxed) || Task.isCancelled,
      tally: tally)
  }

  static func timeAmount(_ duration: Duration) -> TimeAmount {
    .nanoseconds(Int64(min(duration.seconds * 1e9, Double(Int64.max / 2))))
  }

  static func duration(_ amount: TimeAmount) -> Duration { .nanoseconds(amount.nanoseconds) }
}

/// Where the requests go and what they are: parsed and encoded once per test.
struct LoadTestTarget: Sendable {
  var host: String
  var port: Int
  /// A TLS context for `https://`, or why none could be made.
  var tls: Result<NIOSSLContext, LoadTestTLSError>?
  /// The whole request as it goes on the wire, encoded once.
  var bytes: ByteBuffer

  init(plan: LoadTestPlan) {
    // The plan normalised the URL, so it parses; the fallbacks only keep this total.
    let components = URLComponents(string: plan.url)
    let secure = components?.scheme?.lowercased() == "https"
    var host = components?.host ?? "127.0.0.1"
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    self.host = host
    port = components?.port ?? (secure ? 443 : 80)
    if secure {
      tls = Result { try NIOSSLContext(configuration: .makeClientConfiguration()) }
        .mapError { LoadTestTLSError(description: "\($0)") }
    }
    var path = components?.percentEncodedPath ?? "/"
    if path.isEmpty { path = "/" }
    if let query = components?.percentEncodedQuery { path += "?" + query }
    let hostHeader = (host.contains(":") ? "[\(host)]" : host) + (components?.port.map { ":\($0)" } ?? "")
    var lines = ["\(plan.method) \(path) HTTP/1.1", "Host: \(hostHeader)", "User-Agent: fathom-loadtest"]
    let body = plan.method == "POST" ? Array(plan.body.utf8) : []
    if plan.method == "POST" {
      lines += ["Content-Type: application/json", "Content-Length: \(body.count)"]
    }
    bytes = ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n\r\n")
    bytes.writeBytes(body)
  }

  /// The name to check the server's certificate against: none for an IP address.
  var serverHostname: String? {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1 ? nil : host
  }
}

/// Why a TLS client context could not be made.
struct LoadTestTLSError: Error, Sendable {
  var description: String
}
