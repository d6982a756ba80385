internal import Synchronization

/// The Ctrl-C flag: set by the SIGINT handler, checked by long computations
/// (sweeps) between batches, cleared before each cell.
enum Interrupt {
  /// An atomic global is safe to touch from a signal handler: a lock-free store.
  static let flag = Atomic<Bool>(false)

  static var requested: Bool { flag.load(ordering: .relaxed) }

  static func request() { flag.store(true, ordering: .relaxed) }

  static func reset() { flag.store(false, ordering: .relaxed) }

  /// Throws `.cancelled` when Ctrl-C was pressed.
  static func check() throws(NotebookError) {
    if requested { throw NotebookError(.cancelled, "interrupted (Ctrl-C); the session is intact") }
  }
}
