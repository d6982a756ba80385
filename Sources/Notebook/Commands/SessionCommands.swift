internal import Foundation
internal import Model

/// `vars`: the variables and their values.
struct VarsCommand: CommandHandler {
  let name = "vars"
  let usage = "vars"
  let summary = "list the variables"

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    try arguments.expectEnd(usage: usage)
    let names = session.variableNames
    guard !names.isEmpty else {
      session.print("no variables yet; set one with name = value")
      return nil
    }
    let features = Set(session.model.signature.featureNames)
    var rows: [[String]] = []
    for name in names {
      guard let value = session.variable(name) else { continue }
      var shown = value.display
      if shown.count > 56 { shown = String(shown.prefix(55)) + "…" }
      rows.append([name, features.contains(name) ? "feature" : kindName(value), shown])
    }
    session.print(TextTable.render(rows))
    return nil
  }

  private func kindName(_ value: SessionValue) -> String {
    switch value {
    case .number: "number"
    case .string: "string"
    case .bool: "bool"
    case .list(let items): "list[\(items.count)]"
    case .record(let r): r.kind
    case .null: "null"
    }
  }
}

/// `del NAME ...`.
struct DelCommand: CommandHandler {
  let name = "del"
  let usage = "del NAME [NAME ...]"
  let summary = "delete variables (a feature goes back to its default)"

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    guard !arguments.isAtEnd else { throw NotebookError(.usage, "expected a variable name (usage: \(usage))") }
    while !arguments.isAtEnd {
      let (variable, column) = try arguments.name("a variable name")
      guard session.removeVariable(variable) != nil else {
        var message = "there is no variable \(variable)"
        if let near = nearestName(to: variable, in: session.variableNames) { message += "; did you mean \(near)?" }
        throw NotebookError(.unknownName, message, column: column)
      }
      _ = arguments.skip(",")
    }
    return nil
  }
}

/// `history`: the inputs so far.
struct HistoryCommand: CommandHandler {
  let name = "history"
  let usage = "history"
  let summary = "the inputs of this session, numbered"

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    try arguments.expectEnd(usage: usage)
    let inputs = session.transcript.inputs
    session.print(inputs.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "\n"))
    return nil
  }
}

/// `save PATH`: writes the transcript.
struct SaveCommand: CommandHandler {
  let name = "save"
  let usage = "save PATH"
  let summary = "save the session as a transcript (replay it with fathom replay PATH)"

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    let path = try arguments.path("a file to save to, such as session.fathom")
    var transcript = session.transcript
    // The save cell itself belongs in the file, with the message it prints.
    let message = "saved \(transcript.inputs.count + 1) cells to \(path)"
    transcript.entries.append(.cell(input: "save " + arguments.raw, output: message))
    if !session.options.replaying {
      do {
        try AtomicFile.write(transcript.text, to: NSString(string: path).expandingTildeInPath)
      } catch {
        throw error.at(arguments.call.rawColumn)
      }
    }
    session.markSaved()
    session.print(message)
    return nil
  }
}

/// `clear`: clears the screen.
struct ClearCommand: CommandHandler {
  let name = "clear"
  let usage = "clear"
  let summary = "clear the screen (variables are kept)"

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    try arguments.expectEnd(usage: usage)
    if session.options.interactive { session.print("\u{1B}[H\u{1B}[2J\u{1B}[3J") }
    return nil
  }
}

/// `quit` / `exit`.
struct QuitCommand: CommandHandler {
  let name: String
  let usage = "quit"
  var summary: String { name == "quit" ? "leave fathom (Ctrl-D too)" : "same as quit" }

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    try arguments.expectEnd(usage: usage)
    session.quitRequested = true
    return nil
  }
}
