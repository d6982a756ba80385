internal import Synchronization

/// The Ctrl-C flag: set by the SIGINT handler, checked by long computations
/// (sweeps) between batches, cleared before each cell.
enum Interrupt {
  /// An atomic global is safe to touch from a signal handler: a lock-free store.
  static let flag = Atomic<Bool>(false)

  static var requested: Bool { flag.load(ordering: .relaxed) }

  static func request() { flag.store(true, ordering: .relaxed) }

  static func reset() { flag.store(false, ordering: .relaxed) }

  /// The message of a cell stopped with Ctrl-C.
  static let message = "interrupted (Ctrl-C); the session is intact"

  /// The last output line of a cell stopped with Ctrl-C: transcripts carry it, and replay and
  /// restore recognise such a cell by it (its run cannot be reproduced, so it is not re-run).
  static let outputLine = "error: " + message

  /// Throws `.cancelled` when Ctrl-C was pressed.
  static func check() throws(NotebookError) {
    if requested { throw NotebookError(.cancelled, message) }
  }

  /// Whether a recorded cell output is that of a cell stopped with Ctrl-C.
  static func stoppedCell(output: String) -> Bool {
    output == outputLine || output.hasSuffix("\n" + outputLine)
  }
}
