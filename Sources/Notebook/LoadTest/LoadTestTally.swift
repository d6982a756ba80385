/// Why a request failed, as the report groups failures.
enum LoadTestErrorKind: Hashable, Sendable, Comparable {
  /// The connection could not be opened (refused, unreachable).
  case connect
  /// No complete answer within the request timeout.
  case timeout
  /// The server closed the connection before answering.
  case closed
  /// Anything else the client reported.
  case other
  /// An answer with a status outside 200...299.
  case status(Int)

  /// The name in reports and records: `connect`, `status_503`.
  var name: String {
    switch self {
    case .connect: "connect"
    case .timeout: "timeout"
    case .closed: "closed"
    case .other: "other"
    case .status(let code): "status_\(code)"
    }
  }
}

/// What one request came to.
enum RequestOutcome: Sendable, Equatable {
  /// An answer (of any status), its latency and the body bytes received.
  case response(status: Int, microseconds: UInt64, bytes: Int)
  /// No answer.
  case failure(LoadTestErrorKind)
}

/// The counts of a load test so far: latencies of every answer, errors by kind,
/// bytes, and the same per second of the run for the timeline.
struct LoadTestTally: Sendable {
  /// One second of the run.
  struct Second: Sendable {
    var responses = 0
    var errors = 0
    var latencies = LatencyRecorder(precise: false)
  }

  /// Latencies of every answer, including non-2xx ones (as wrk counts them).
  var latencies = LatencyRecorder()
  /// Answers of any status.
  var responses = 0
  /// Failures and non-2xx answers, by kind.
  var errors: [LoadTestErrorKind: Int] = [:]
  /// Response body bytes received.
  var bytes = 0
  /// Per second of the run, by the time each request completed.
  var seconds: [Second] = []

  /// All errors, of every kind.
  var errorCount: Int { errors.values.reduce(0, +) }

  /// Counts one outcome that completed during second `second` of the run.
  mutating func record(_ outcome: RequestOutcome, second: Int) {
    let index = max(0, min(second, Int(LoadTestPlan.maximumDuration.seconds) + 60))
    while seconds.count <= index { seconds.append(Second()) }
    switch outcome {
    case .response(let status, let microseconds, let size):
      latencies.record(microseconds: microseconds)
      responses += 1
      bytes += size
      seconds[index].responses += 1
      seconds[index].latencies.record(microseconds: microseconds)
      if !(200...299).contains(status) {
        errors[.status(status), default: 0] += 1
        seconds[index].errors += 1
      }
    case .failure(let kind):
      errors[kind, default: 0] += 1
      seconds[index].errors += 1
    }
  }

  /// Adds the counts of `other` (a worker's batch).
  mutating func add(_ other: LoadTestTally) {
    latencies.add(other.latencies)
    responses += other.responses
    bytes += other.bytes
    for (kind, count) in other.errors { errors[kind, default: 0] += count }
    while seconds.count < other.seconds.count { seconds.append(Second()) }
    for (i, second) in other.seconds.enumerated() where second.responses > 0 || second.errors > 0 {
      seconds[i].responses += second.responses
      seconds[i].errors += second.errors
      seconds[i].latencies.add(second.latencies)
    }
  }
}
