/// A command of the notebook, such as `predict` or `sweep`.
///
/// The notebook's own commands conform to this, and so can commands from
/// other targets, added to a session with ``Session/register(_:)``.
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
