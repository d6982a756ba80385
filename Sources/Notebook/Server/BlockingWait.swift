internal import Foundation
internal import Synchronization

/// Runs async work from the notebook's synchronous REPL: starts it in a task
/// and waits on the REPL's thread, polling, so the caller can watch Ctrl-C and
/// draw a live status while it runs. Always bounded in time.
enum BlockingWait {
  /// What the poll callback decides.
  enum Decision {
    /// Keep waiting.
    case wait
    /// Cancel the task, then wait a little for what it returns.
    case cancel
  }

  /// Holds the task's answer until the waiting thread reads it.
  private final class Slot<Value: Sendable>: Sendable {
    let value = Mutex<Value?>(nil)
  }

  /// Runs `operation` and waits at most `limit` for it (then cancels it and waits up to `grace` more).
  /// - Parameters:
  ///   - limit: how long to wait before cancelling.
  ///   - grace: how long a cancelled task may take to return.
  ///   - poll: called every 10 ms with the time waited; `.cancel` cancels the task.
  ///   - operation: the work; it should return soon after being cancelled.
  /// - Returns: what `operation` returned, or `nil` if it did not return in time.
  static func run<Value: Sendable>(
    limit: Duration, grace: Duration = .seconds(5), poll: (Duration) -> Decision = { _ in .wait },
    _ operation: @escaping @Sendable () async -> Value
  ) -> Value? {
    let slot = Slot<Value>()
    let task = Task.detached {
      let value = await operation()
      slot.value.withLock { $0 = value }
    }
    let clock = ContinuousClock()
    let start = clock.now
    var cancelledAt: ContinuousClock.Instant?
    while true {
      if let value = slot.value.withLock({ $0 }) { return value }
      let now = clock.now
      if let cancelledAt {
        if now - cancelledAt > grace { return nil }
      } else if now - start > limit || poll(now - start) == .cancel {
        task.cancel()
        cancelledAt = now
      }
      Thread.sleep(forTimeInterval: 0.01)
    }
  }
}
