/// An expression of the session language, with the column it starts at.
///
/// Operator chains (`1 + 2 - 3`, `a and b and c`) and access chains (`r.inputs.bmi`,
/// `xs[0][1]`) are flat: a chain of any length is one node with a list of links, so
/// that evaluating, comparing or freeing it never recurses once per term. The only
/// nesting left is what the parser bounds (brackets, prefix operators, `^`).
indirect enum Expression: Sendable, Equatable {
  case literal(SessionValue, column: Int)
  case name(String, column: Int)
  case list([Expression], column: Int)
  case unary(String, Expression, column: Int)
  /// A comparison or `^`: operators that do not chain to the left.
  case binary(String, Expression, Expression, column: Int)
  /// `first op operand op operand …` for operators of one precedence level, left to right.
  case chain(Expression, [Link])
  case call(String, [Expression], column: Int)
  /// A value followed by `.field` and `[index]` accesses, left to right.
  case access(Expression, [Access])

  /// One `op operand` of a chain; `column` is the operator's.
  struct Link: Sendable, Equatable {
    var op: String
    var operand: Expression
    var column: Int
  }

  /// One `.field` or `[index]`; the column is that of the `.` or the `[`.
  enum Access: Sendable, Equatable {
    case field(String, column: Int)
    case index(Expression, column: Int)
  }

  /// Where the expression starts (for a binary operation or a chain: the first operator).
  var column: Int {
    switch self {
    case .literal(_, let c), .name(_, let c), .list(_, let c), .unary(_, _, let c),
      .binary(_, _, _, let c), .call(_, _, let c):
      c
    case .chain(let first, let links): links.first?.column ?? first.column
    case .access(let base, let accesses):
      switch accesses.first {
      case .field(_, let c)?, .index(_, let c)?: c
      case nil: base.column
      }
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
