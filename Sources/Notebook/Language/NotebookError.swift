/// Why a cell failed, in words a person can act on; the session goes on.
public struct NotebookError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What kind of failure this is; compare with the static members.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private let name: String
    private init(_ name: String) { self.name = name }
    public var description: String { name }

    /// The line does not follow the grammar.
    public static let syntax = Code("syntax error")
    /// A name that is neither a variable, a feature, a function nor a command.
    public static let unknownName = Code("unknown name")
    /// A value of the wrong kind for an operation.
    public static let type = Code("type error")
    /// A command was used the wrong way.
    public static let usage = Code("usage error")
    /// The model refused the inputs or failed to run.
    public static let model = Code("model error")
    /// A file could not be read or written.
    public static let file = Code("file error")
    /// The computation was interrupted with Ctrl-C.
    public static let cancelled = Code("cancelled")
  }

  /// The kind of failure.
  public let code: Code
  /// The full explanation.
  public let message: String
  /// The 1-based column in the cell's line that the error points at, if any.
  public let column: Int?

  /// Creates an error.
  public init(_ code: Code, _ message: String, column: Int? = nil) {
    self.code = code
    self.message = message
    self.column = column
  }

  public var description: String { message }

  /// The same error pointing at `column` when it points nowhere yet.
  func at(_ column: Int?) -> NotebookError {
    self.column == nil ? NotebookError(code, message, column: column) : self
  }
}
