import Synchronization

/// Whether the server takes new work: false before it binds and once it starts draining.
final class Readiness: Sendable {
  private let ready = Atomic<Bool>(false)

  var isReady: Bool { ready.load(ordering: .relaxed) }

  func set(_ value: Bool) { ready.store(value, ordering: .relaxed) }
}
