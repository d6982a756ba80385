internal import Foundation
internal import Model

/// `sessions`: the unsaved sessions left by fathoms that did not exit cleanly.
struct SessionsCommand: CommandHandler {
  let name = "sessions"
  let usage = "sessions"
  let summary = "list unsaved sessions kept from earlier runs (restore brings back the newest)"

  /// Where the autosaves are; the state directory unless a test says otherwise.
  var directory: String?

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    try arguments.expectEnd(usage: usage)
    // What is on this machine now is no output a replay can check: keep the recorded one.
    if session.options.replaying, let recorded = session.recordedOutput {
      if !recorded.isEmpty { session.print(recorded) }
      return nil
    }
    let directory = self.directory ?? Autosave.stateDirectory()
    let orphans = Autosave.orphans(in: directory)
    guard !orphans.isEmpty else {
      session.print("no unsaved sessions in \(directory)")
      return nil
    }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [
      .withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime, .withTimeZone,
    ]
    var rows: [[String]] = []
    for orphan in orphans {
      rows.append([
        orphan.path, counted(orphan.cellCount, "cell"), orphan.model,
        formatter.string(from: orphan.modified),
      ])
    }
    session.print(
      "unsaved sessions, newest first:\n" + TextTable.render(rows)
        + "\nrestore (at the start of fathom) brings back the newest; fathom replay PATH shows any of them")
    return nil
  }
}
