/// Splits a cell's line into tokens, never failing: characters the language
/// does not use become `.unknown` tokens, so that commands taking paths can
/// still read their raw text.
struct Lexer {
  let characters: [Character]

  init(_ line: String) { characters = Array(line) }

  /// The tokens of the line, ending with `.end`.
  func tokens() -> [Token] {
    var result: [Token] = []
    var i = 0
    while i < characters.count {
      let c = characters[i]
      if c.isWhitespace {
        i += 1
        continue
      }
      if c == "#" { break }  // a comment runs to the end of the line
      let start = i
      if c.isASCII && c.isNumber
        || (c == "." && i + 1 < characters.count && characters[i + 1].isASCII && characters[i + 1].isNumber)
      {
        i = scanNumber(from: i)
        let text = String(characters[start..<i])
        if let value = Double(text) {
          result.append(Token(kind: .number(value), column: start + 1, start: start, end: i))
        } else {
          result.append(Token(kind: .unknown(c), column: start + 1, start: start, end: i))
        }
        continue
      }
      if c.isLetter || c == "_" {
        while i < characters.count, characters[i].isLetter || characters[i].isNumber || characters[i] == "_" { i += 1 }
        result.append(Token(kind: .identifier(String(characters[start..<i])), column: start + 1, start: start, end: i))
        continue
      }
      if c == "\"" || c == "'" {
        var text = ""
        i += 1
        var closed = false
        while i < characters.count {
          let d = characters[i]
          if d == c {
            closed = true
            i += 1
            break
          }
          if d == "\\", i + 1 < characters.count {
            let e = characters[i + 1]
            text.append(e == "n" ? "\n" : e == "t" ? "\t" : e)
            i += 2
            continue
          }
          text.append(d)
          i += 1
        }
        result.append(
          Token(kind: closed ? .string(text) : .unterminatedString, column: start + 1, start: start, end: i))
        continue
      }
      let pair = i + 1 < characters.count ? String([c, characters[i + 1]]) : ""
      if ["==", "!=", "<=", ">=", "**"].contains(pair) {
        i += 2
        result.append(Token(kind: .symbol(pair == "**" ? "^" : pair), column: start + 1, start: start, end: i))
        continue
      }
      i += 1
      if "+-*/^()[],.=<>;".contains(c) {
        result.append(Token(kind: .symbol(String(c)), column: start + 1, start: start, end: i))
      } else {
        result.append(Token(kind: .unknown(c), column: start + 1, start: start, end: i))
      }
    }
    let endIndex = i
    result.append(Token(kind: .end, column: endIndex + 1, start: endIndex, end: endIndex))
    return result
  }

  /// Digits, an optional fraction and an optional exponent.
  private func scanNumber(from index: Int) -> Int {
    var i = index
    func digits() { while i < characters.count, characters[i].isASCII, characters[i].isNumber { i += 1 } }
    digits()
    if i < characters.count, characters[i] == "." {
      // `1.5` is a number, but `xs.y` never starts with a digit, so a dot here is a fraction.
      i += 1
      digits()
    }
    if i < characters.count, characters[i] == "e" || characters[i] == "E" {
      var j = i + 1
      if j < characters.count, characters[j] == "+" || characters[j] == "-" { j += 1 }
      if j < characters.count, characters[j].isASCII, characters[j].isNumber {
        i = j
        digits()
      }
    }
    return i
  }
}
