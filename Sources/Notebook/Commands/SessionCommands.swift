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
  let usage = "save PATH | save! PATH (or save PATH --force) to overwrite"
  let summary = "save the session as a transcript (replay it with fathom replay PATH)"
  let details = """
    An existing file is not replaced without a yes: on a terminal save asks, elsewhere it
    stops with an error; save! PATH or save PATH --force overwrites. A file this session
    saved is rewritten without asking. Only regular files are written.
    """

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    var text = try arguments.path("a file to save to, such as session.fathom")
    var force = false
    var input = "save " + arguments.raw
    // `save! PATH`: the lexer reads the ! as a token of its own right after the word.
    if case .unknown("!")? = arguments.call.arguments.first?.kind,
      arguments.call.arguments.first?.start == arguments.call.column - 1 + name.count
    {
      force = true
      text = String(text.dropFirst()).trimmingWhitespace
      input = "save! " + text
    } else if text.hasSuffix(" --force") {
      force = true
      text = String(text.dropLast(" --force".count)).trimmingWhitespace
    }
    if text.count >= 2, let quote = text.first, quote == "\"" || quote == "'", text.last == quote {
      text = String(text.dropFirst().dropLast())
    }
    guard !text.isEmpty else {
      throw NotebookError(.usage, "expected a file to save to (usage: \(usage))", column: arguments.call.rawColumn)
    }
    var transcript = session.transcript
    // The save cell itself belongs in the file, with the message it prints.
    let message = "saved \(counted(transcript.inputs.count + 1, "cell")) to \(text)"
    transcript.entries.append(.cell(input: input, output: message))
    if !session.options.replaying {
      let path = UserPath.expanded(text)
      do {
        guard try mayWrite(path, shown: text, force: force, in: session) else {
          session.print("not saved: \(text) is unchanged")
          return nil
        }
        try AtomicFile.write(transcript.text, to: path)
      } catch {
        throw error.at(arguments.call.rawColumn)
      }
      session.savedPaths.insert(path)
    }
    session.markSaved()
    session.print(message)
    return nil
  }

  /// Whether `path` may be (over)written: it is new, this session wrote it, it is forced, or
  /// the person said yes. Refuses anything but a regular file.
  private func mayWrite(_ path: String, shown: String, force: Bool, in session: Session) throws(NotebookError)
    -> Bool
  {
    guard let kind = UserPath.kind(of: path) else { return true }
    guard kind == .regularFile else {
      throw NotebookError(
        .file, "cannot save to \(shown): it is \(kind.noun); save writes regular files only, give a file name")
    }
    if force || session.savedPaths.contains(path) { return true }
    guard let ask = session.askYesNo else {
      throw NotebookError(
        .file, "\(shown) exists; save! \(shown) (or save \(shown) --force) overwrites it, or pick another name")
    }
    return ask("\(shown) exists. Overwrite it? [y/N] ")
  }
}

/// `clear`: clears the screen.
struct ClearCommand: CommandHandler {
  let name = "clear"
  let usage = "clear"
  let summary = "clear the screen (variables are kept)"

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    try arguments.expectEnd(usage: usage)
    session.requestClearScreen()
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
