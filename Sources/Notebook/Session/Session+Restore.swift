internal import Model

extension Session {
  /// Commands that act on the world (files, sockets, the process) rather than on the
  /// session's state; restoring a session skips the cells that run them.
  static let worldCommands: Set<String> = ["save", "export", "write", "serve", "loadtest", "quit", "exit"]

  /// Re-runs the cells of an autosaved transcript in this session, to get its state back.
  ///
  /// State, not side effects: it first opens the model the transcript recorded (by its
  /// reference, checked by SHA-256), then runs every cell except those that act on the
  /// world (``worldCommands``) and those stopped with Ctrl-C, which it lists.
  /// - Parameters:
  ///   - transcript: the autosave.
  ///   - show: called with each cell's input and output as it runs.
  /// - Returns: lines to print after the cells: what happened to the model, what was skipped.
  public func restore(_ transcript: Transcript, show: (_ input: String, _ output: CellOutput) -> Void) -> [String] {
    var report = restoreModel(of: transcript.header)
    var skipped: [String] = []
    for entry in transcript.entries {
      switch entry {
      case .note(let note):
        run(note)
      case .cell(let input, let output):
        if Interrupt.stoppedCell(output: output) {
          skipped.append("\(input) (stopped with Ctrl-C)")
        } else if let command = worldCommand(in: input) {
          skipped.append("\(input) (\(command) acts outside the session)")
        } else {
          show(input, run(input))
        }
      }
    }
    if !skipped.isEmpty {
      report.append(
        "not re-run (\(counted(skipped.count, "cell"))): " + skipped.joined(separator: "; "))
    }
    return report
  }

  /// Switches to the model a transcript recorded, unless it is the one open.
  private func restoreModel(of header: Transcript.Header) -> [String] {
    if header.modelSHA256 == model.info.sha256 || (header.modelSHA256.isEmpty && header.model == modelReference) {
      return []
    }
    let recorded: Model
    do {
      recorded = try Model.open(reference: header.model)
    } catch {
      return [
        "the session was recorded on \(header.model), which cannot be opened (\(error.message)); "
          + "its cells run on \(model.name) instead"
      ]
    }
    model = recorded
    modelReference = header.model
    var report = ["loaded \(header.model), the model the session was recorded on"]
    if !header.modelSHA256.isEmpty, recorded.info.sha256 != header.modelSHA256 {
      report.append(
        "warning: \(header.model) changed since the session was recorded (its SHA-256 differs); "
          + "predictions may differ from the recording")
    }
    return report
  }

  /// The first command of `input` that acts on the world, if any.
  private func worldCommand(in input: String) -> String? {
    var parser = Parser(input, commandNames: Set(commands.keys))
    guard let statements = try? parser.statements() else { return nil }
    for statement in statements {
      switch statement {
      case .command(let call), .assignment(_, _, .command(let call)):
        if Self.worldCommands.contains(call.name) { return call.name }
      default: continue
      }
    }
    return nil
  }
}
