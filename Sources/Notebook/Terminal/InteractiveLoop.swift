internal import Foundation
public import Model
internal import Plot

#if canImport(Glibc)
  internal import Glibc
#endif

/// The notebook's main loop: a line editor and numbered prompts on a
/// terminal; plain outputs, no prompts, when standard input is a pipe.
public struct InteractiveLoop {
  let session: Session
  let stateDirectory: String

  /// Creates the loop over a session on `model`.
  /// - Parameters:
  ///   - model: the model to open.
  ///   - reference: how to open it again (a built-in name or a path), for transcripts.
  public init(model: Model, reference: String) {
    stateDirectory = Autosave.stateDirectory()
    session = Session(model: model, modelReference: reference, stateDirectory: stateDirectory)
  }

  /// Runs until `quit`, Ctrl-D or the end of input.
  /// - Returns: the exit status: 1 when input came from a pipe and a cell failed.
  public func run() -> Int32 {
    setlocale(LC_CTYPE, "")
    SignalHandler.interruptOnControlC()
    if isatty(STDIN_FILENO) == 1 { return runInteractive() }
    var failed = false
    while let line = Swift.readLine(strippingNewline: true) {
      let output = session.run(line)
      failed = failed || output.hasError
      let text = output.rendered(width: Session.transcriptWidth, colorMode: .none)
      if !text.isEmpty { write(text) }
      if session.quitRequested { break }
    }
    return failed ? 1 : 0
  }

  private func runInteractive() -> Int32 {
    let autosave = Autosave(directory: stateDirectory)
    let orphan = Autosave.prune(in: stateDirectory).first
    session.options = Session.Options(
      width: min(TerminalSize.current().columns, 100), colorMode: .detect(), interactive: true)
    session.afterCell = { autosave.write($0.transcript) }
    let signature = session.model.signature
    write(
      "fathom \(NotebookVersion.current): \(session.model.name), \(ModelCommand.summaryLine(session.model))\n"
        + "features: \(signature.featureNames.joined(separator: ", "))\n"
        + "help for commands, Tab to complete, quit or Ctrl-D to leave.")
    if let orphan {
      write(
        "an unsaved session (\(counted(orphan.cellCount, "cell"))) can be restored: type restore, "
          + "or replay it with fathom replay \(orphan.path)")
    }
    let editor = LineEditor(historyPath: stateDirectory + "/history") { [session] before in
      Completion.candidates(
        before, commands: session.commandNames + (orphan == nil ? [] : ["restore"]),
        variables: session.variableNames, features: session.model.signature.featureNames,
        fields: { base in
          var value: SessionValue? = session.variable(base.split(separator: ".").first.map(String.init) ?? base)
          for part in base.split(separator: ".").dropFirst() {
            if case .record(let r)? = value { value = r[String(part)] } else { value = nil }
          }
          if case .record(let r)? = value { return r.names }
          return []
        })
    }
    try? FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
    session.askYesNo = { question in
      let answer: LineEditor.Input
      if let editor {
        answer = editor.readLine(prompt: question)
      } else {
        FileHandle.standardOutput.write(Data(question.utf8))
        answer = Swift.readLine().map(LineEditor.Input.line) ?? .end
      }
      guard case .line(let text) = answer else { return false }
      return ["y", "yes"].contains(text.trimmingWhitespace.lowercased())
    }
    var pendingOrphan = orphan
    while !session.quitRequested {
      let prompt = "[\(session.cellNumber)]> "
      let input: LineEditor.Input
      if let editor {
        input = editor.readLine(prompt: prompt)
      } else {
        FileHandle.standardOutput.write(Data(prompt.utf8))
        input = Swift.readLine().map(LineEditor.Input.line) ?? .end
      }
      switch input {
      case .end:
        write("")
        session.quitRequested = true
      case .interrupted:
        continue
      case .line(let line):
        editor?.remember(line)
        let words = line.trimmingWhitespace.split(separator: " ", maxSplits: 1)
        if words.first == "restore", session.variable("restore") == nil {
          if words.count == 2 {
            restore(path: UserPath.expanded(String(words[1]).trimmingWhitespace))
            continue
          }
          if let orphanToRestore = pendingOrphan {
            restore(path: orphanToRestore.path)
            pendingOrphan = nil
            continue
          }
        }
        // Plots fit the terminal as it is now: it may have been resized since the last cell.
        session.options.width = min(TerminalSize.current().columns, 100)
        let output = session.run(line)
        if output.clearsScreen { FileHandle.standardOutput.write(Data(Self.clearScreen.utf8)) }
        let text = output.rendered(width: session.options.width, colorMode: session.options.colorMode)
        if !text.isEmpty { write(text) }
      }
    }
    editor?.saveHistory()
    if session.hasUnsavedCells {
      write("the session was not saved; it is kept in \(autosave.path) (fathom replay shows it)")
    } else {
      autosave.remove()
    }
    return 0
  }

  /// Re-runs the cells of an autosave (or any transcript) in this session: its state, on
  /// its model, without the cells that act on the world.
  private func restore(path: String) {
    guard let data = FileManager.default.contents(atPath: path) else {
      write("cannot restore: \(path) cannot be read")
      return
    }
    let transcript: Transcript
    do {
      transcript = try Transcript.parse(String(decoding: data, as: UTF8.self))
    } catch {
      write("cannot restore \(path): \(error.message)")
      return
    }
    let before = session.cellNumber
    let report = session.restore(transcript) { input, output in
      write("[\(session.cellNumber - 1)]> \(input)")
      let text = output.rendered(width: session.options.width, colorMode: session.options.colorMode)
      if !text.isEmpty { write(text) }
    }
    for line in report { write(line) }
    let restored = session.cellNumber - before
    if path.hasPrefix(stateDirectory + "/") { unlink(path) }
    write("restored \(counted(restored, "cell")) from \(path)")
  }

  /// Home, erase the screen, erase the scrollback.
  static let clearScreen = "\u{1B}[H\u{1B}[2J\u{1B}[3J"

  private func write(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
  }
}
