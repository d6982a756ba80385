/// An expression of the session language, with the column it starts at.
indirect enum Expression: Sendable, Equatable {
  case literal(SessionValue, column: Int)
  case name(String, column: Int)
  case list([Expression], column: Int)
  case unary(String, Expression, column: Int)
  case binary(String, Expression, Expression, column: Int)
  case call(String, [Expression], column: Int)
  case field(Expression, String, column: Int)
  case index(Expression, Expression, column: Int)

  /// Where the expression starts (for a binary operation: the operator).
  var column: Int {
    switch self {
    case .literal(_, let c), .name(_, let c), .list(_, let c), .unary(_, _, let c),
      .binary(_, _, _, let c), .call(_, _, let c), .field(_, _, let c), .index(_, _, let c):
      c
    }
  }
}

/// A command word and what follows it, up to the end of its statement.
struct CommandCall: Sendable, Equatable {
  /// The command word, such as `predict`.
  var name: String
  /// The column of the command word.
  var column: Int
  /// The tokens after the command word, ending with `.end`.
  var arguments: [Token]
  /// The text after the command word, trimmed, for commands that take a path.
  var rawArguments: String
  /// The column where `rawArguments` starts.
  var rawColumn: Int
}

/// One statement of a cell; a cell is statements separated by `;`.
enum Statement: Sendable, Equatable {
  /// `name = expression`, or `name = command` (the command's value is stored).
  case assignment(String, column: Int, Statement.RightSide)
  case expression(Expression)
  case command(CommandCall)

  enum RightSide: Sendable, Equatable {
    case expression(Expression)
    case command(CommandCall)
  }
}
