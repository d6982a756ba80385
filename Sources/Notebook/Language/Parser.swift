internal import Model

/// Turns a cell's line into statements, with columns for error carets.
///
/// ```
/// statement  := NAME '=' (command | expression) | command | expression
/// expression := or ; or := and ('or' and)* ; and := not ('and' not)*
/// not        := 'not' not | comparison
/// comparison := additive (('=='|'!='|'<'|'<='|'>'|'>=') additive)?
/// additive   := term (('+'|'-') term)* ; term := unary (('*'|'/') unary)*
/// unary      := ('-'|'+') unary | power ; power := postfix ('^' unary)?
/// postfix    := primary ('.' NAME | '[' expression ']')*
/// primary    := NUMBER | STRING | 'true' | 'false' | 'null' | 'NaN' | 'Infinity' | NAME | NAME '(' args ')'
///             | '(' expression ')' | '[' args ']'
/// ```
struct Parser {
  /// Words that begin a command when they start a statement.
  let commandNames: Set<String>
  private let line: [Character]
  private var tokens: [Token]
  private var position = 0
  /// How deeply the expression being read nests (brackets, prefix operators, `^`).
  private var depth = 0

  /// The deepest nesting a line may have. Each level costs stack in the parser and the
  /// evaluator; a bound turns a line of 10,000 `(` into an error instead of a crash.
  static let maximumDepth = 200

  init(_ line: String, commandNames: Set<String>) {
    self.line = Array(line)
    self.tokens = Lexer(line).tokens()
    self.commandNames = commandNames
  }

  /// Parses tokens that were already lexed (a command's arguments).
  init(tokens: [Token], commandNames: Set<String> = []) {
    self.line = []
    self.tokens = tokens
    self.commandNames = commandNames
  }

  /// Every statement of the line.
  /// - Throws: `NotebookError` with code `.syntax` and the column of the problem.
  mutating func statements() throws(NotebookError) -> [Statement] {
    var result: [Statement] = []
    while true {
      while current.isSymbol(";") { position += 1 }
      if current.kind == .end { return result }
      result.append(try statement())
      if current.kind == .end { return result }
      guard current.isSymbol(";") else { throw unexpected("expected ; or the end of the line") }
    }
  }

  private mutating func statement() throws(NotebookError) -> Statement {
    if let name = current.identifier, tokens[position + 1].isSymbol("=") {
      let column = current.column
      if commandNames.contains(name) {
        throw NotebookError(.syntax, "\(name) is a command and cannot be assigned to", column: column)
      }
      if Self.keywords.contains(name) {
        throw NotebookError(.syntax, "\(name) is a reserved word and cannot be assigned to", column: column)
      }
      position += 2
      if let word = current.identifier, commandNames.contains(word) {
        return .assignment(name, column: column, .command(command()))
      }
      if current.kind == .end || current.isSymbol(";") { throw unexpected("expected a value after =") }
      return .assignment(name, column: column, .expression(try expression()))
    }
    if let word = current.identifier, commandNames.contains(word) { return .command(command()) }
    try refuseMisspelledCommand()
    let start = position
    do {
      return .expression(try expression())
    } catch {
      // `plto [1, 2]` reads as an index into plto until the comma; a word close to a command
      // that then fails to parse as an expression was most likely the command.
      guard tokens[start + 1].isSymbol("[") else { throw error }
      throw misspelledCommand(at: start) ?? error
    }
  }

  private func misspelledCommand(at start: Int) -> NotebookError? {
    guard let word = tokens[start].identifier, !Self.keywords.contains(word),
      let near = nearestName(to: word, in: commandNames.sorted())
    else { return nil }
    return NotebookError(
      .unknownName, "unknown command \(word); did you mean \(near)? (help lists the commands)",
      column: tokens[start].column)
  }

  /// `swep petal_length`: a word followed by an argument cannot be an expression, so a word
  /// close to a command is a misspelled command, and saying so beats "expected ;".
  private mutating func refuseMisspelledCommand() throws(NotebookError) {
    guard let word = current.identifier, !Self.keywords.contains(word) else { return }
    let next = tokens[position + 1].kind
    switch next {
    case .identifier(let name) where !Self.keywords.contains(name): break
    case .number, .string: break
    default: return
    }
    if let error = misspelledCommand(at: position) { throw error }
  }

  /// The command at the current token: its arguments run to the next `;`.
  private mutating func command() -> CommandCall {
    let word = current
    position += 1
    var arguments: [Token] = []
    while current.kind != .end, !current.isSymbol(";") {
      arguments.append(current)
      position += 1
    }
    let rawStart = arguments.first?.start ?? word.end
    let rawEnd = arguments.last?.end ?? word.end
    arguments.append(Token(kind: .end, column: current.column, start: current.start, end: current.start))
    let raw = line.isEmpty ? "" : String(line[rawStart..<rawEnd])
    return CommandCall(
      name: word.identifier ?? "", column: word.column, arguments: arguments, rawArguments: raw,
      rawColumn: rawStart + 1)
  }

  static let keywords: Set<String> = ["and", "or", "not", "true", "false", "null", "NaN", "nan", "Infinity", "inf"]

  // MARK: expressions

  var current: Token { tokens[position] }
  var atEnd: Bool { current.kind == .end }

  /// Parses one expression from the current token on.
  mutating func expression() throws(NotebookError) -> Expression {
    try enterNesting()
    defer { depth -= 1 }
    return try or()
  }

  /// Counts one more level of nesting, refusing more than ``maximumDepth``.
  private mutating func enterNesting() throws(NotebookError) {
    guard depth < Self.maximumDepth else {
      throw NotebookError(
        .syntax,
        "this line nests more than \(Self.maximumDepth) levels deep (brackets, - or not in a row, ^); "
          + "split it into steps with variables",
        column: current.column)
    }
    depth += 1
  }

  /// Moves past `symbol` if it is the current token.
  mutating func skip(_ symbol: String) -> Bool {
    guard current.isSymbol(symbol) else { return false }
    position += 1
    return true
  }

  /// Moves past the identifier `word` if it is the current token.
  mutating func skipWord(_ word: String) -> Bool {
    guard current.identifier == word else { return false }
    position += 1
    return true
  }

  /// Reads an identifier.
  mutating func name(_ what: String) throws(NotebookError) -> (String, Int) {
    guard let name = current.identifier else { throw unexpected("expected \(what)") }
    let column = current.column
    position += 1
    return (name, column)
  }

  private mutating func or() throws(NotebookError) -> Expression {
    let first = try and()
    var links: [Expression.Link] = []
    while current.identifier == "or" {
      let column = current.column
      position += 1
      links.append(Expression.Link(op: "or", operand: try and(), column: column))
    }
    return links.isEmpty ? first : .chain(first, links)
  }

  private mutating func and() throws(NotebookError) -> Expression {
    let first = try not()
    var links: [Expression.Link] = []
    while current.identifier == "and" {
      let column = current.column
      position += 1
      links.append(Expression.Link(op: "and", operand: try not(), column: column))
    }
    return links.isEmpty ? first : .chain(first, links)
  }

  private mutating func not() throws(NotebookError) -> Expression {
    if current.identifier == "not" {
      let column = current.column
      position += 1
      try enterNesting()
      defer { depth -= 1 }
      return .unary("not", try not(), column: column)
    }
    return try comparison()
  }

  private mutating func comparison() throws(NotebookError) -> Expression {
    let left = try additive()
    for op in ["==", "!=", "<=", ">=", "<", ">"] where current.isSymbol(op) {
      let column = current.column
      position += 1
      let right = try additive()
      if ["==", "!=", "<=", ">=", "<", ">"].contains(where: current.isSymbol) {
        throw unexpected("comparisons cannot be chained; use and")
      }
      return .binary(op, left, right, column: column)
    }
    return left
  }

  private mutating func additive() throws(NotebookError) -> Expression {
    let first = try term()
    var links: [Expression.Link] = []
    while current.isSymbol("+") || current.isSymbol("-") {
      let token = current
      position += 1
      links.append(Expression.Link(op: token.isSymbol("+") ? "+" : "-", operand: try term(), column: token.column))
    }
    return links.isEmpty ? first : .chain(first, links)
  }

  private mutating func term() throws(NotebookError) -> Expression {
    let first = try unary()
    var links: [Expression.Link] = []
    while current.isSymbol("*") || current.isSymbol("/") {
      let token = current
      position += 1
      links.append(Expression.Link(op: token.isSymbol("*") ? "*" : "/", operand: try unary(), column: token.column))
    }
    return links.isEmpty ? first : .chain(first, links)
  }

  private mutating func unary() throws(NotebookError) -> Expression {
    if current.isSymbol("-") || current.isSymbol("+") {
      let token = current
      position += 1
      try enterNesting()
      defer { depth -= 1 }
      let operand = try unary()
      return token.isSymbol("-") ? .unary("-", operand, column: token.column) : operand
    }
    return try power()
  }

  private mutating func power() throws(NotebookError) -> Expression {
    let base = try postfix()
    if current.isSymbol("^") {
      let column = current.column
      position += 1
      try enterNesting()
      defer { depth -= 1 }
      return .binary("^", base, try unary(), column: column)
    }
    return base
  }

  private mutating func postfix() throws(NotebookError) -> Expression {
    let base = try primary()
    var accesses: [Expression.Access] = []
    while true {
      if current.isSymbol(".") {
        let column = current.column
        position += 1
        guard let field = current.identifier else { throw unexpected("expected a field name after .") }
        position += 1
        accesses.append(.field(field, column: column))
      } else if current.isSymbol("[") {
        let column = current.column
        position += 1
        let index = try expression()
        guard skip("]") else { throw unexpected("expected ] to close the [ at column \(column)") }
        accesses.append(.index(index, column: column))
      } else {
        return accesses.isEmpty ? base : .access(base, accesses)
      }
    }
  }

  private mutating func primary() throws(NotebookError) -> Expression {
    let token = current
    switch token.kind {
    case .number(let v):
      position += 1
      return .literal(.number(v), column: token.column)
    case .string(let s):
      position += 1
      return .literal(.string(s), column: token.column)
    case .identifier(let name):
      switch name {
      case "true", "false":
        position += 1
        return .literal(.bool(name == "true"), column: token.column)
      case "null":
        position += 1
        return .literal(.null, column: token.column)
      case "NaN", "nan", "Infinity", "inf":
        // How values print (`NaN`, `Infinity`) and how Python spells them, so a printed value reads back.
        position += 1
        return .literal(.number(name.lowercased() == "nan" ? .nan : .infinity), column: token.column)
      case "and", "or", "not":
        throw unexpected("expected a value before \(name)")
      default: break
      }
      if commandNames.contains(name) {
        throw NotebookError(
          .syntax, "\(name) is a command; it must start the statement (or follow name =)", column: token.column)
      }
      position += 1
      if current.isSymbol("(") {
        position += 1
        let arguments = try list(closing: ")", opening: token.column)
        return .call(name, arguments, column: token.column)
      }
      return .name(name, column: token.column)
    case .symbol("("):
      position += 1
      let inner = try expression()
      guard skip(")") else { throw unexpected("expected ) to close the ( at column \(token.column)") }
      return inner
    case .symbol("["):
      position += 1
      return .list(try list(closing: "]", opening: token.column), column: token.column)
    case .unterminatedString:
      throw NotebookError(.syntax, "this string has no closing quote", column: token.column)
    case .unknown(let c):
      throw NotebookError(.syntax, "unexpected character \(c)", column: token.column)
    case .end:
      throw unexpected("expected a value")
    case .symbol(let s):
      throw NotebookError(.syntax, "expected a value, got \(s)", column: token.column)
    }
  }

  /// Comma-separated expressions up to `closing`.
  private mutating func list(closing: String, opening: Int) throws(NotebookError) -> [Expression] {
    var items: [Expression] = []
    if skip(closing) { return items }
    while true {
      items.append(try expression())
      if skip(closing) { return items }
      guard skip(",") else {
        throw unexpected("expected , or \(closing) (the \(closing == ")" ? "(" : "[") is at column \(opening))")
      }
    }
  }

  /// A syntax error at the current token.
  func unexpected(_ expectation: String) -> NotebookError {
    let got: String
    switch current.kind {
    case .end: got = "the end of the line"
    case .number(let v): got = "the number \(formatNumber(v))"
    case .string: got = "a string"
    case .identifier(let n): got = n
    case .symbol(let s): got = s
    case .unknown(let c): got = String(c)
    case .unterminatedString: got = "an unterminated string"
    }
    return NotebookError(.syntax, "\(expectation), got \(got)", column: current.column)
  }
}
