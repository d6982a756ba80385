public import Plot

/// What a cell printed, kept as parts and rendered late: with colour at the
/// terminal's width on screen, plain at width 80 in transcripts.
public struct CellOutput: Sendable, Equatable {
  /// One piece of output.
  public enum Part: Sendable, Equatable {
    case text(String)
    /// A plot and the number of lines it may take.
    case plot(Plot, height: Int)
    /// An error, with the cell's line for the caret.
    case error(NotebookError, line: String)
  }

  /// The parts in order.
  public var parts: [Part] = []
  /// Whether the cell asked to clear the screen (`clear`). The terminal loop does it; the
  /// escape codes never become part of the output, so transcripts stay plain text.
  public var clearsScreen = false

  /// Whether any part is an error.
  public var hasError: Bool {
    parts.contains { if case .error = $0 { true } else { false } }
  }

  mutating func append(_ text: String) { parts.append(.text(text)) }

  /// The output as text: no trailing newline, an empty string when nothing was printed.
  /// - Parameters:
  ///   - width: the columns plots may use.
  ///   - colorMode: `.none` for transcripts.
  public func rendered(width: Int, colorMode: ColorMode) -> String {
    var lines: [String] = []
    for part in parts {
      switch part {
      case .text(let text):
        lines.append(text)
      case .plot(let plot, let height):
        let options = RenderOptions(width: width, height: height, colorMode: colorMode)
        lines.append(TextRenderer(options: options).render(plot))
      case .error(let error, let line):
        if let column = error.column {
          lines.append("  " + line)
          lines.append("  " + String(repeating: " ", count: max(0, column - 1)) + "^")
        }
        let label = colorMode == .none ? "error:" : "\u{1B}[1;31merror:\u{1B}[0m"
        lines.append("\(label) \(error.message)")
      }
    }
    return lines.joined(separator: "\n")
  }
}
