internal import Model

/// `help [topic]`.
struct HelpCommand: CommandHandler {
  let name = "help"
  let usage = "help [command | functions | language]"
  let summary = "this help; help COMMAND for one command"

  static let language = """
    The session language, one line per cell (several statements with ;):
      x = 4.5                 assignment; features are variables: petal_length = 5
      x * 2 + 1               expressions print their value; _ is the last one
      + - * / ^  == != < <= > >=  and or not  -x  (x)
      [1, 2, 3] * 2           lists; arithmetic works element-wise
      xs[0]  r.label  r.probabilities.setosa    indexing and fields
      "text"  true  false  null                 other values
      # a note                kept in saved transcripts
    """

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    let topic = arguments.raw
    if topic.isEmpty {
      var lines = ["commands:"]
      let handlers = session.commands.values.filter { $0.name != "exit" }.sorted { $0.name < $1.name }
      let width = handlers.map(\.name.count).max() ?? 0
      for h in handlers {
        lines.append("  \(h.name)\(String(repeating: " ", count: width - h.name.count))  \(h.summary)")
      }
      lines.append("")
      lines.append(Self.language)
      lines.append("help functions lists the functions; help COMMAND shows how to call it.")
      session.print(lines.joined(separator: "\n"))
      return nil
    }
    if topic == "functions" {
      let width = Builtins.functions.values.map(\.signature.count).max() ?? 0
      session.print(
        Builtins.names.compactMap { Builtins.functions[$0] }.map {
          "  \($0.signature)\(String(repeating: " ", count: width - $0.signature.count))  \($0.summary)"
        }.joined(separator: "\n"))
      return nil
    }
    if topic == "language" {
      session.print(Self.language)
      return nil
    }
    if let handler = session.commands[topic] {
      var text = "usage: \(handler.usage)\n\(handler.summary)"
      if !handler.details.isEmpty { text += "\n" + handler.details }
      session.print(text)
      return nil
    }
    if let function = Builtins.functions[topic] {
      session.print("\(function.signature): \(function.summary)")
      return nil
    }
    var message = "no help on \(topic)"
    let topics = session.commandNames + Builtins.names + ["functions", "language"]
    if let near = nearestName(to: topic, in: topics) { message += "; did you mean \(near)?" }
    throw NotebookError(.unknownName, message, column: arguments.call.rawColumn)
  }
}
