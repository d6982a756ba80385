/// What follows a command word, read piece by piece by the command.
public struct CommandArguments {
  let call: CommandCall
  var parser: Parser
  let evaluator: Evaluator

  init(_ call: CommandCall, evaluator: Evaluator) {
    self.call = call
    self.parser = Parser(tokens: call.arguments)
    self.evaluator = evaluator
  }

  /// The text after the command word, trimmed (for paths and topics).
  public var raw: String { call.rawArguments }

  /// Whether nothing is left to read.
  public var isAtEnd: Bool { parser.atEnd }

  /// The column of the next argument.
  var column: Int { parser.current.column }

  /// The raw text as a path: a quoted string's contents, or the text as typed.
  func path(_ what: String) throws(NotebookError) -> String {
    let text = raw
    if text.isEmpty { throw NotebookError(.usage, "expected \(what)", column: call.rawColumn) }
    if call.arguments.count == 2, case .string(let s) = call.arguments[0].kind { return s }
    return text
  }

  /// Reads and evaluates one expression.
  public mutating func value() throws(NotebookError) -> SessionValue {
    try evaluator.evaluate(try parser.expression())
  }

  /// Reads one expression that must be a number.
  mutating func number(_ what: String) throws(NotebookError) -> Double {
    let column = parser.current.column
    let v = try value()
    guard case .number(let n) = v else {
      throw NotebookError(.type, "\(what) should be a number, got \(v.noun)", column: column)
    }
    return n
  }

  /// Reads a name.
  mutating func name(_ what: String) throws(NotebookError) -> (String, Int) {
    try parser.name(what)
  }

  /// Moves past the word if it comes next.
  mutating func skipWord(_ word: String) -> Bool { parser.skipWord(word) }

  /// Moves past the symbol if it comes next.
  mutating func skip(_ symbol: String) -> Bool { parser.skip(symbol) }

  /// Whether the next tokens are `NAME =`.
  var nextIsAssignment: Bool {
    parser.current.identifier != nil && call.arguments.count > 1 && peekIsEquals
  }

  private var peekIsEquals: Bool {
    guard
      let index = call.arguments.firstIndex(where: {
        $0.start == parser.current.start && $0.kind == parser.current.kind
      })
    else { return false }
    return index + 1 < call.arguments.count && call.arguments[index + 1].isSymbol("=")
  }

  /// Throws unless everything was read.
  func expectEnd(usage: String) throws(NotebookError) {
    guard parser.atEnd else {
      throw parser.unexpected("unexpected argument (usage: \(usage))")
    }
  }
}
