internal import AsyncHTTPClient
internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import Synchronization

/// Runs a load test: one keep-alive connection per worker, all workers in a
/// task group, over one `HTTPClient` whose pool holds `connections` connections.
///
/// Closed loop by default: each worker sends its next request when the last one
/// is answered. With a rate, open loop: request k is due at `start + k / rate`,
/// any free worker takes it, and its latency counts from when it was due, so a
/// stalled server shows up in the tail instead of slowing the sender
/// (no coordinated omission).
///
/// ```swift
/// let engine = LoadTestEngine(plan: try LoadTestPlan(url: "http://127.0.0.1:8000/predict", connections: 8))
/// let result = await engine.run()
/// print(result.requestsPerSecond, result.latency(atPercentile: 99))
/// ```
public final class LoadTestEngine: Sendable {
  /// What a live display shows while the test runs.
  public struct Progress: Sendable {
    /// Time since the start.
    public var elapsed: Duration
    /// Answers so far.
    public var responses: Int
    /// Errors so far.
    public var errors: Int
    /// Answers in the last complete second.
    public var lastSecondRequests: Int
    /// The 99th percentile latency of the last complete second, in milliseconds.
    public var lastSecondP99: Double
  }

  /// The plan this engine runs.
  public let plan: LoadTestPlan
  private let stopRequested = Atomic<Bool>(false)
  private let issued = Atomic<Int>(0)
  private let shared = Mutex<LoadTestTally>(LoadTestTally())
  private let startTime = Mutex<ContinuousClock.Instant?>(nil)

  /// Creates an engine for `plan`.
  public init(plan: LoadTestPlan) {
    self.plan = plan
  }

  /// Asks the workers to stop after the requests in flight; `run()` then returns what was measured.
  public func stop() { stopRequested.store(true, ordering: .relaxed) }

  /// The counts so far, for a live display.
  public func progress() -> Progress {
    let clock = ContinuousClock()
    let elapsed = startTime.withLock { $0 }.map { clock.now - $0 } ?? .zero
    let current = Int(elapsed.seconds)
    return shared.withLock { tally in
      let last = current >= 1 && current - 1 < tally.seconds.count ? tally.seconds[current - 1] : nil
      return Progress(
        elapsed: elapsed, responses: tally.responses, errors: tally.errorCount,
        lastSecondRequests: last?.responses ?? 0,
        lastSecondP99: last?.latencies.milliseconds(atPercentile: 99) ?? 0)
    }
  }

  /// Runs the test to its duration or request count, a `stop()`, or the task's cancellation.
  /// - Returns: what was measured; failures are counted in it, never thrown.
  public func run() async -> LoadTestResult {
    var configuration = HTTPClient.Configuration(
      timeout: HTTPClient.Configuration.Timeout(connect: .seconds(5), read: Self.timeAmount(plan.requestTimeout)))
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = plan.connections
    // A refused connection is an error to count, not something to retry until the connect timeout.
    configuration.connectionPool.retryConnectionEstablishment = false
    configuration.httpVersion = .http1Only
    configuration.redirectConfiguration = .disallow
    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)

    var request = HTTPClientRequest(url: plan.url)
    request.method = plan.method == "GET" ? .GET : .POST
    if plan.method == "POST" {
      request.headers.add(name: "Content-Type", value: "application/json")
      request.body = .bytes(ByteBuffer(string: plan.body))
    }
    let clock = ContinuousClock()
    let start = clock.now
    startTime.withLock { $0 = start }
    let deadline = start + plan.timeLimit
    let template = request
    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<plan.connections {
        group.addTask { await self.work(client: client, request: template, start: start, deadline: deadline) }
      }
      await group.waitForAll()
    }
    let elapsed = clock.now - start
    try? await client.shutdown()
    let tally = shared.withLock { $0 }
    return LoadTestResult(
      plan: plan, elapsed: elapsed, interrupted: stopRequested.load(ordering: .relaxed) || Task.isCancelled,
      tally: tally)
  }

  /// One worker: requests in a loop until the plan or a stop says to end.
  private func work(
    client: HTTPClient, request: HTTPClientRequest, start: ContinuousClock.Instant, deadline: ContinuousClock.Instant
  ) async {
    let clock = ContinuousClock()
    var batch = LoadTestTally()
    var batched = 0
    let limit = plan.requests ?? Int.max
    while !stopRequested.load(ordering: .relaxed), !Task.isCancelled {
      let index = issued.wrappingAdd(1, ordering: .relaxed).oldValue
      guard index < limit else { break }
      let sent: ContinuousClock.Instant
      if let rate = plan.rate {
        // Capped at a day so that a tiny rate cannot overflow; the deadline comes first anyway.
        let due = start + .nanoseconds(Int64((min(Double(index) / rate, 86_400) * 1e9).rounded()))
        guard due < deadline else { break }
        if due > clock.now {
          do { try await Task.sleep(until: due, clock: clock) } catch { break }
        }
        sent = due
      } else {
        sent = clock.now
        guard sent < deadline else { break }
      }
      let outcome: RequestOutcome
      do {
        let response = try await client.execute(request, timeout: Self.timeAmount(plan.requestTimeout))
        var size = 0
        for try await chunk in response.body { size += chunk.readableBytes }
        outcome = .response(status: Int(response.status.code), microseconds: (clock.now - sent).microseconds, bytes: size)
      } catch {
        if Task.isCancelled || error is CancellationError { break }
        let kind = Self.kind(of: error)
        outcome = .failure(kind)
        if kind == .connect {
          // Nothing listens: count it, and do not spin on a refused port.
          try? await Task.sleep(for: .milliseconds(10))
        }
      }
      batch.record(outcome, second: Int((clock.now - start).seconds))
      batched += 1
      // Workers add to the shared tally in batches, so they seldom wait on its lock.
      if batched >= 64 {
        let full = batch
        shared.withLock { $0.add(full) }
        batch = LoadTestTally()
        batched = 0
      }
    }
    let rest = batch
    shared.withLock { $0.add(rest) }
  }

  /// How the report groups an error thrown by the client.
  static func kind(of error: any Error) -> LoadTestErrorKind {
    if let client = error as? HTTPClientError {
      switch client {
      case .readTimeout, .writeTimeout, .deadlineExceeded: return .timeout
      case .connectTimeout, .getConnectionFromPoolTimeout: return .connect
      case .remoteConnectionClosed: return .closed
      default: return .other
      }
    }
    let text = "\(type(of: error)) \(error)".lowercased()
    if text.contains("connect") || text.contains("refused") || text.contains("unreachable") { return .connect }
    if text.contains("timeout") || text.contains("timed out") { return .timeout }
    if text.contains("reset") || text.contains("closed") || text.contains("eof") { return .closed }
    return .other
  }

  private static func timeAmount(_ duration: Duration) -> TimeAmount {
    .microseconds(Int64(min(duration.microseconds, UInt64(Int64.max / 1000))))
  }
}
