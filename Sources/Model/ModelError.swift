/// Why loading a model or running it failed, in words a person can act on.
public struct ModelError: Error, Sendable, CustomStringConvertible {
  /// What kind of failure this is; compare with the static members.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private let name: String
    private init(_ name: String) { self.name = name }
    public var description: String { name }

    /// The file could not be read.
    public static let unreadableFile = Code("unreadable file")
    /// The bytes are not an ONNX model.
    public static let notAModel = Code("not an ONNX model")
    /// The graph is malformed: a cycle, an undefined value, a bad attribute.
    public static let invalidGraph = Code("invalid graph")
    /// An operator, opset, data type or attribute outside what fathom runs.
    public static let unsupported = Code("unsupported")
    /// The input given to a prediction is not valid; see `issues`.
    public static let invalidInput = Code("invalid input")
    /// The sidecar schema file is malformed.
    public static let invalidSchema = Code("invalid schema")
    /// A kernel met data it cannot compute on (a shape mismatch at run time).
    public static let runtime = Code("runtime error")
  }

  /// The kind of failure.
  public let code: Code
  /// The full explanation.
  public let message: String
  /// Every problem with an input, when `code` is `.invalidInput` from validation.
  public let issues: [ValidationIssue]

  /// Creates an error.
  public init(_ code: Code, _ message: String, issues: [ValidationIssue] = []) {
    self.code = code
    self.message = message
    self.issues = issues
  }

  public var description: String { message }
}
