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
/// primary    := NUMBER | STRING | 'true' | 'false' | 'null' | NAME | NAME '(' args ')'
///             | '(' expression ')' | '[' args ']'
/// ```
struct Parser {
  /// Words that begin a command when they start a statement.
  let commandNames: Set<String>
  private let line: [Character]
  private var tokens: [Token]
  private var position = 0

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
    return .expression(try expression())
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

  static let keywords: Set<String> = ["and", "or", "not", "true", "false", "null"]

  // MARK: expressions

  var current: Token { tokens[position] }
  var atEnd: Bool { current.kind == .end }

  /// Parses one expression from the current token on.
  mutating func expression() throws(NotebookError) -> Expression { try or() }

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
    var left = try and()
    while current.identifier == "or" {
      let column = current.column
      position += 1
      left = .binary("or", left, try and(), column: column)
    }
    return left
  }

  private mutating func and() throws(NotebookError) -> Expression {
    var left = try not()
    while current.identifier == "and" {
      let column = current.column
      position += 1
      left = .binary("and", left, try not(), column: column)
    }
    return left
  }

  private mutating func not() throws(NotebookError) -> Expression {
    if current.identifier == "not" {
      let column = current.column
      position += 1
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
    var left = try term()
    while current.isSymbol("+") || current.isSymbol("-") {
      let token = current
      position += 1
      left = .binary(token.isSymbol("+") ? "+" : "-", left, try term(), column: token.column)
    }
    return left
  }

  private mutating func term() throws(NotebookError) -> Expression {
    var left = try unary()
    while current.isSymbol("*") || current.isSymbol("/") {
      let token = current
      position += 1
      left = .binary(token.isSymbol("*") ? "*" : "/", left, try unary(), column: token.column)
    }
    return left
  }

  private mutating func unary() throws(NotebookError) -> Expression {
    if current.isSymbol("-") || current.isSymbol("+") {
      let token = current
      position += 1
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
      return .binary("^", base, try unary(), column: column)
    }
    return base
  }

  private mutating func postfix() throws(NotebookError) -> Expression {
    var value = try primary()
    while true {
      if current.isSymbol(".") {
        let column = current.column
        position += 1
        guard let field = current.identifier else { throw unexpected("expected a field name after .") }
        position += 1
        value = .field(value, field, column: column)
      } else if current.isSymbol("[") {
        let column = current.column
        position += 1
        let index = try expression()
        guard skip("]") else { throw unexpected("expected ] to close the [ at column \(column)") }
        value = .index(value, index, column: column)
      } else {
        return value
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
