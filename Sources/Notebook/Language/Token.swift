/// One lexical unit of a cell, with where it starts.
struct Token: Sendable, Equatable {
  /// What a token is.
  enum Kind: Sendable, Equatable {
    case number(Double)
    case string(String)
    case identifier(String)
    /// An operator or punctuation: `+ - * / ^ ( ) [ ] , . = == != < <= > >= ;`.
    case symbol(String)
    /// A character the language does not use (it may still be part of a path).
    case unknown(Character)
    /// A string whose closing quote is missing.
    case unterminatedString
    case end
  }

  var kind: Kind
  /// The 1-based column of the first character.
  var column: Int
  /// The index of the first character in the line.
  var start: Int
  /// The index just past the last character.
  var end: Int

  var identifier: String? {
    if case .identifier(let name) = kind { return name }
    return nil
  }

  func isSymbol(_ text: String) -> Bool { kind == .symbol(text) }
}
