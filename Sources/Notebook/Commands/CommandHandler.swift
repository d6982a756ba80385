/// A command of the notebook, such as `predict` or `sweep`.
///
/// The notebook's own commands conform to this, and so can commands from
/// other targets: the server integration registers `serve` and `loadtest`
/// with ``Session/register(_:)``, replacing the placeholders that answer
/// "not available yet in this build".
public protocol CommandHandler {
  /// The command word.
  var name: String { get }
  /// How to call it, such as `predict [feature=value ...]`.
  var usage: String { get }
  /// One line for `help`.
  var summary: String { get }
  /// More lines for `help NAME`; may be empty.
  var details: String { get }

  /// Runs the command.
  /// - Parameters:
  ///   - arguments: what follows the command word.
  ///   - session: the session to read and print to.
  /// - Returns: the command's value (stored in `_`, or in `name =`), or `nil`.
  /// - Throws: `NotebookError`, printed and the session goes on.
  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue?
}

extension CommandHandler {
  public var details: String { "" }
}

/// A reserved command whose implementation is not part of this build.
struct UnavailableCommand: CommandHandler {
  var name: String
  var usage: String
  var summary: String

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    throw NotebookError(.usage, "\(name) is not available yet in this build")
  }
}
