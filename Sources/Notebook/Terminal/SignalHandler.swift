#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// A signal handler installed with `sigaction`: the one place the notebook touches it.
///
/// A handler runs in signal context, so it may only do what is async-signal-safe:
/// the notebook's handlers store to an atomic flag and return.
struct SignalHandler {
  /// A C function the kernel calls with the signal number.
  typealias Function = @convention(c) (Int32) -> Void

  /// The signal handled.
  let signal: Int32
  /// The action there was before, which `restore()` puts back.
  private let previous: sigaction

  /// Calls `function` whenever `signal` arrives, from now on.
  /// - Parameters:
  ///   - signal: such as `SIGINT` or `SIGWINCH`.
  ///   - restartingCalls: whether a read in progress goes on after the handler (`SA_RESTART`);
  ///     without it the read returns `EINTR`, which is how Ctrl-C ends a blocking wait.
  ///   - function: the handler; it must not capture anything.
  /// - Returns: the installation, to `restore()` what was there before.
  @discardableResult
  static func install(_ signal: Int32, restartingCalls: Bool, _ function: Function) -> SignalHandler {
    var action = sigaction()
    #if canImport(Glibc)
      action.__sigaction_handler.sa_handler = function
    #else
      action.__sigaction_u.__sa_handler = function
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = restartingCalls ? Int32(SA_RESTART) : 0
    var previous = sigaction()
    // sigaction fails only for a signal number that does not exist; these are constants.
    sigaction(signal, &action, &previous)
    return SignalHandler(signal: signal, previous: previous)
  }

  /// Ctrl-C (SIGINT) sets ``Interrupt``'s flag instead of ending the process; a blocking read
  /// in progress returns `EINTR`.
  @discardableResult
  static func interruptOnControlC() -> SignalHandler {
    install(SIGINT, restartingCalls: false) { _ in Interrupt.request() }
  }

  /// Puts back the action there was before `install`.
  func restore() {
    var action = previous
    sigaction(signal, &action, nil)
  }
}
