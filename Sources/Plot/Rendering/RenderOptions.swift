/// The size and colours a plot is rendered with.
public struct RenderOptions: Sendable, Equatable {
  /// The total width in terminal columns, borders and labels included; no
  /// line of the output is wider. `nil`: the terminal's width, at most 120.
  public var width: Int?
  /// The total height in lines, title and notes included; the output has no
  /// more lines. `nil`: the terminal's height less one, at most 24.
  public var height: Int?
  /// The colours used; ``ColorMode/none`` gives plain text.
  public var colorMode: ColorMode

  /// Creates render options.
  /// - Parameters:
  ///   - width: total width in columns; `nil` follows the terminal.
  ///   - height: total height in lines; `nil` follows the terminal.
  ///   - colorMode: the colours used; plain text by default.
  public init(width: Int? = nil, height: Int? = nil, colorMode: ColorMode = .none) {
    self.width = width
    self.height = height
    self.colorMode = colorMode
  }

  /// Options for this process's terminal: colours from the environment
  /// (see ``ColorMode/detect(environment:isTerminal:)``), size from the
  /// terminal unless given.
  public static func terminal(width: Int? = nil, height: Int? = nil) -> RenderOptions {
    RenderOptions(width: width, height: height, colorMode: .detect())
  }

  /// The width and height to render at, asking the terminal only for what
  /// was not given.
  func resolvedSize() -> (width: Int, height: Int) {
    if let width, let height { return (max(1, width), max(1, height)) }
    let terminal = TerminalSize.current()
    return (
      max(1, width ?? min(terminal.columns, 120)),
      max(1, height ?? min(max(terminal.rows - 1, 5), 24))
    )
  }
}
