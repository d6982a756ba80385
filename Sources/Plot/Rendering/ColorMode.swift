/// How many colours the output may use.
public enum ColorMode: Sendable, Equatable, CaseIterable {
  /// No escape sequences: plain text, as stored in session transcripts.
  case none
  /// The 16 standard ANSI colours.
  case ansi16
  /// The xterm 256-colour palette.
  case ansi256
  /// 24-bit RGB colour.
  case trueColor

  /// The colour mode the environment asks for.
  ///
  /// - `NO_COLOR` set to anything non-empty, `TERM=dumb`, or output that is
  ///   not a terminal: ``none``.
  /// - `COLORTERM` of `truecolor` or `24bit`: ``trueColor``.
  /// - `TERM` containing `256color`: ``ansi256``.
  /// - otherwise ``ansi16``.
  /// - Parameters:
  ///   - environment: the environment variables to read.
  ///   - isTerminal: whether the output goes to a terminal.
  /// - Returns: the colour mode to render with.
  public static func detect(environment: [String: String], isTerminal: Bool) -> ColorMode {
    if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
    guard isTerminal else { return .none }
    let term = environment["TERM"] ?? ""
    if term == "dumb" { return .none }
    let colorTerm = (environment["COLORTERM"] ?? "").lowercased()
    if colorTerm == "truecolor" || colorTerm == "24bit" { return .trueColor }
    if term.contains("256color") { return .ansi256 }
    return .ansi16
  }

  /// The colour mode for this process's standard output and environment.
  public static func detect() -> ColorMode {
    detect(
      environment: TerminalSize.processEnvironment(),
      isTerminal: TerminalSize.standardOutputIsTerminal())
  }
}
