import Foundation
import Synchronization

/// Counts requests and errors and keeps a latency histogram for `serve status`.
///
/// Latencies go into fixed logarithmic buckets (eight per doubling, from 1 µs), so
/// recording is one lock and an increment, and percentiles are accurate to about 9%.
final class RequestStatistics: Sendable {
  private struct State {
    var requests = 0
    var errors = 0
    var buckets = [Int](repeating: 0, count: RequestStatistics.bucketCount)
  }

  static let bucketsPerDoubling = 8.0
  static let bucketCount = 8 * 40

  private let state = Mutex(State())
  private let running = Atomic<Int>(0)

  /// Requests being answered now.
  var inFlight: Int { running.load(ordering: .relaxed) }

  /// Counts a request as in flight until `record(status:duration:)` answers it.
  func begin() {
    running.add(1, ordering: .relaxed)
  }

  /// Records one answered request (and ends what `begin()` started).
  func record(status: Int, duration: Duration) {
    running.subtract(1, ordering: .relaxed)
    let micros = max(1.0, Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12)
    let index = min(Self.bucketCount - 1, Int(log2(micros) * Self.bucketsPerDoubling))
    state.withLock {
      $0.requests += 1
      if status >= 400 { $0.errors += 1 }
      $0.buckets[index] += 1
    }
  }

  /// The counts so far and the 50th and 99th percentile latencies.
  func snapshot() -> (requests: Int, errors: Int, p50: Duration?, p99: Duration?) {
    let (requests, errors, buckets) = state.withLock { ($0.requests, $0.errors, $0.buckets) }
    func percentile(_ p: Double) -> Duration? {
      guard requests > 0 else { return nil }
      let target = Int((Double(requests) * p).rounded(.up))
      var seen = 0
      for (i, n) in buckets.enumerated() {
        seen += n
        if seen >= max(target, 1) {
          // The bucket's geometric middle.
          let micros = exp2((Double(i) + 0.5) / Self.bucketsPerDoubling)
          return .nanoseconds(Int64(micros * 1000))
        }
      }
      return nil
    }
    return (requests, errors, percentile(0.5), percentile(0.99))
  }
}
