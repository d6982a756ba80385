/// A saved session: a header naming the model, then notes and cells (an
/// input and the output it printed, plain, at width 80). See docs/TRANSCRIPTS.md.
public struct Transcript: Sendable, Equatable {
  /// The lines before the first cell.
  public struct Header: Sendable, Equatable {
    /// The format version this code writes.
    public static let currentFormat = 1
    /// The format version of the file.
    public var format = Header.currentFormat
    /// The fathom version that wrote the file.
    public var fathomVersion = NotebookVersion.current
    /// The model the session started on: a built-in name or a path.
    public var model: String
    /// The SHA-256 of the model's file, in lowercase hex.
    public var modelSHA256: String
  }

  /// One note or cell.
  public enum Entry: Sendable, Equatable {
    /// A line starting with `#`, kept as typed.
    case note(String)
    /// An input line and its output (possibly empty, no trailing newline).
    case cell(input: String, output: String)
  }

  public var header: Header
  public var entries: [Entry]

  /// The inputs of the cells, in order.
  public var inputs: [String] {
    entries.compactMap { if case .cell(let input, _) = $0 { input } else { nil } }
  }
}

/// The version of fathom, written into transcripts.
public enum NotebookVersion {
  /// The version string.
  public static let current = "0.1.0"
}
