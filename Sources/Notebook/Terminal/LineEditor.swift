internal import CLibedit
internal import Foundation
internal import Synchronization

#if canImport(Glibc)
  internal import Glibc
#endif

/// Reads lines from a terminal with libedit: emacs keys, history (Up/Down,
/// Ctrl-R) persisted to a file, Tab completion, Ctrl-C to clear a line.
///
/// The only type that touches libedit's pointers; it frees them in `deinit`.
final class LineEditor {
  /// What `readLine` got.
  enum Input: Equatable {
    case line(String)
    /// Ctrl-C: the line was abandoned.
    case interrupted
    /// Ctrl-D on an empty line, or the end of input.
    case end
  }

  /// Returns the candidates for the word before the cursor, given the text up to the cursor.
  typealias Completer = (_ textBeforeCursor: String) -> [String]

  private let editLine: OpaquePointer
  private let history: OpaquePointer
  private let historyPath: String?
  private var event = HistEvent()
  /// The prompt as C bytes; kept alive here because libedit reads it on every redraw.
  private var promptBytes: [CChar] = [0]
  private let completer: Completer
  /// Set by SIGWINCH; the next `readLine` tells libedit the terminal's new size. (libedit's own
  /// signal handling is off, see `init`, so it would not notice.)
  private static let resized = Atomic<Bool>(false)

  /// Creates an editor on standard input and output.
  /// - Parameters:
  ///   - historyPath: the file history is loaded from and saved to, or nil.
  ///   - historySize: how many lines history keeps.
  ///   - completer: completion candidates for Tab.
  init?(historyPath: String?, historySize: Int = 1000, completer: @escaping Completer) {
    // Streams of our own over the standard descriptors: the C globals are not concurrency-safe
    // to touch from Swift. They live as long as the process, like the descriptors.
    guard let input = fdopen(STDIN_FILENO, "r"), let output = fdopen(STDOUT_FILENO, "w"),
      let errors = fdopen(STDERR_FILENO, "w"), let el = el_init("fathom", input, output, errors)
    else { return nil }
    guard let h = history_init() else {
      el_end(el)
      return nil
    }
    editLine = el
    history = h
    self.historyPath = historyPath
    self.completer = completer
    fathom_history_setsize(h, &event, Int32(historySize))
    fathom_history_setunique(h, &event, 1)
    if let historyPath { fathom_history_load(h, &event, historyPath) }
    fathom_el_set_editor(el, "emacs")
    fathom_el_set_hist(el, h)
    // fathom handles SIGINT itself: libedit's handler would re-raise it and kill the process.
    fathom_el_set_signal(el, 0)
    fathom_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
    fathom_el_set_prompt(el) { el in
      guard let el, let data = fathom_el_get_clientdata(el) else { return nil }
      let editor = Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
      return editor.promptBytes.withUnsafeMutableBufferPointer { $0.baseAddress }
    }
    fathom_el_addfn(el, "fathom-complete", "complete the word before the cursor") { el, _ in
      guard let el, let data = fathom_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
      return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().complete()
    }
    fathom_el_bind(el, "^I", "fathom-complete")
    fathom_el_set_tty_noisig(el)
    fathom_el_addfn(el, "fathom-interrupt", "abandon the line") { el, _ in
      guard let el, let data = fathom_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
      return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().interruptLine()
    }
    fathom_el_bind(el, "^C", "fathom-interrupt")
    fathom_el_bind(el, "^R", "em-inc-search-prev")
    // Restarting calls: a resize must not interrupt the read of a line being typed.
    SignalHandler.install(SIGWINCH, restartingCalls: true) { _ in LineEditor.resized.store(true, ordering: .relaxed) }
  }

  deinit {
    saveHistory()
    history_end(history)
    el_end(editLine)
  }

  /// Reads one line, showing `prompt`.
  func readLine(prompt: String) -> Input {
    promptBytes = Array(prompt.utf8CString)
    if Self.resized.exchange(false, ordering: .relaxed) { el_resize(editLine) }
    var count: Int32 = 0
    errno = 0
    lineInterrupted = false
    guard let line = el_gets(editLine, &count) else {
      if count == -1 && errno == EINTR {
        Interrupt.reset()
        el_reset(editLine)
        return .interrupted
      }
      return .end
    }
    if lineInterrupted { return .interrupted }
    var text = String(cString: line)
    if text.hasSuffix("\n") { text.removeLast() }
    return .line(text)
  }

  /// Set by Ctrl-C while a line is edited.
  private var lineInterrupted = false

  /// Ctrl-C: shows ^C at the end of the line and ends it; `readLine` then discards the line.
  private func interruptLine() -> UInt8 {
    if let info = el_line(editLine)?.pointee, let cursor = info.cursor, let last = info.lastchar {
      el_cursor(editLine, Int32(cursor.distance(to: last)))
    }
    el_insertstr(editLine, "^C")
    // A pushed newline ends the line through libedit's own Enter, which redraws and moves down.
    el_push(editLine, "\n")
    lineInterrupted = true
    return UInt8(CC_REFRESH)
  }

  /// Adds a line to history (and the history file when the editor closes).
  func remember(_ line: String) {
    guard !line.trimmingWhitespace.isEmpty else { return }
    fathom_history_enter(history, &event, line)
    // Saved at once, so that a killed fathom keeps its history too.
    saveHistory()
  }

  /// Writes history to its file.
  func saveHistory() {
    guard let historyPath else { return }
    fathom_history_save(history, &event, historyPath)
  }

  /// Tab: completes the word before the cursor, or lists the candidates.
  private func complete() -> UInt8 {
    guard let info = el_line(editLine)?.pointee, let start = info.buffer, let cursor = info.cursor else {
      return UInt8(CC_ERROR)
    }
    let length = start.distance(to: cursor)
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(start).assumingMemoryBound(to: UInt8.self), count: length)
    let before = String(decoding: bytes, as: UTF8.self)
    let word = Completion.currentWord(before)
    let candidates = completer(before)
    guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
    let common = Completion.commonPrefix(candidates)
    if candidates.count == 1 {
      let only = candidates[0]
      let suffix = String(only.dropFirst(word.count)) + (only.hasSuffix("/") ? "" : " ")
      el_insertstr(editLine, suffix)
      return UInt8(CC_REFRESH)
    }
    if common.count > word.count {
      el_insertstr(editLine, String(common.dropFirst(word.count)))
      return UInt8(CC_REFRESH)
    }
    let listing = Completion.columns(candidates.map { Completion.displayName($0) }, width: 80)
    FileHandle.standardOutput.write(Data(("\n" + listing + "\n").utf8))
    return UInt8(CC_REDISPLAY)
  }
}
