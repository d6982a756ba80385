import Foundation
import Glibc

/// The size of a terminal in character cells.
public struct TerminalSize: Sendable, Equatable {
  /// Columns (characters per line).
  public var columns: Int
  /// Rows (lines).
  public var rows: Int

  /// Creates a size.
  public init(columns: Int, rows: Int) {
    self.columns = columns
    self.rows = rows
  }

  /// The size used when nothing better is known: 80×24.
  public static let fallback = TerminalSize(columns: 80, rows: 24)

  /// The size of the terminal standard output is connected to.
  ///
  /// Asks the terminal (`TIOCGWINSZ`), then reads `COLUMNS` and `LINES`, then
  /// falls back to 80×24; each dimension independently.
  public static func current() -> TerminalSize {
    detect(windowSize: windowSize(), environment: processEnvironment())
  }

  /// The size from a window size the terminal reported (if any) and the
  /// environment; a zero or missing dimension falls through to the next source.
  /// - Parameters:
  ///   - windowSize: the size `TIOCGWINSZ` reported, or `nil`.
  ///   - environment: the environment variables (`COLUMNS`, `LINES`).
  /// - Returns: the first usable size for each dimension.
  public static func detect(windowSize: TerminalSize?, environment: [String: String])
    -> TerminalSize
  {
    func fromEnvironment(_ name: String) -> Int? {
      guard let text = environment[name],
        let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0
      else { return nil }
      return value
    }
    let columns =
      windowSize.flatMap { $0.columns > 0 ? $0.columns : nil } ?? fromEnvironment("COLUMNS")
      ?? fallback.columns
    let rows =
      windowSize.flatMap { $0.rows > 0 ? $0.rows : nil } ?? fromEnvironment("LINES")
      ?? fallback.rows
    return TerminalSize(columns: columns, rows: rows)
  }

  /// The window size of standard output's terminal, or `nil` when it is not one.
  static func windowSize() -> TerminalSize? {
    var size = winsize()
    // The only pointer use in Plot: ioctl fills `size` and keeps no reference.
    let result = withUnsafeMutablePointer(to: &size) { pointer in
      ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), UnsafeMutableRawPointer(pointer))
    }
    guard result == 0 else { return nil }
    return TerminalSize(columns: Int(size.ws_col), rows: Int(size.ws_row))
  }

  static func standardOutputIsTerminal() -> Bool { isatty(STDOUT_FILENO) == 1 }

  static func processEnvironment() -> [String: String] { ProcessInfo.processInfo.environment }
}
