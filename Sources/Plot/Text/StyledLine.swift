/// A colour a piece of text is painted in, by role; the colour mode decides
/// the escape sequence.
enum Paint: Equatable {
  /// The colour of series number `n` (cycling through the palette).
  case series(Int)
  /// The border, ticks and zero axes: a quiet grey.
  case frame
  /// A point on the heatmap colour scale, 0 (low) to 1 (high).
  case heat(Double)
  /// Black or white text readable on `heat(level)`.
  case contrast(Double)
}

/// How a run of text is drawn.
struct TextStyle: Equatable {
  var foreground: Paint?
  var background: Paint?
  var bold = false

  static let plain = TextStyle()
  static let frame = TextStyle(foreground: .frame)
  static let title = TextStyle(bold: true)
  static func series(_ index: Int) -> TextStyle { TextStyle(foreground: .series(index)) }
}

/// One line of a rendered plot: runs of text, each with a style.
///
/// The plain text of a line never depends on the colour mode, so a plot
/// stripped of its escape sequences reads exactly like the plain rendering.
struct StyledLine {
  private(set) var spans: [(text: String, style: TextStyle)] = []
  /// The display width in terminal columns.
  private(set) var width = 0

  init() {}

  init(_ text: String, style: TextStyle = .plain) {
    append(text, style: style)
  }

  mutating func append(_ text: String, style: TextStyle = .plain) {
    guard !text.isEmpty else { return }
    width += DisplayWidth.of(text)
    if let last = spans.last, last.style == style {
      spans[spans.count - 1].text += text
    } else {
      spans.append((text, style))
    }
  }

  mutating func append(_ character: Character, style: TextStyle = .plain) {
    append(String(character), style: style)
  }

  mutating func append(_ other: StyledLine) {
    for span in other.spans { append(span.text, style: span.style) }
  }

  mutating func appendSpaces(_ count: Int) {
    if count > 0 { append(String(repeating: " ", count: count)) }
  }

  /// Pads with spaces on the right to `total` columns.
  mutating func pad(to total: Int) { appendSpaces(total - width) }

  /// This line cut to at most `limit` columns.
  func clipped(to limit: Int) -> StyledLine {
    guard width > limit else { return self }
    var result = StyledLine()
    for span in spans {
      let room = limit - result.width
      if room <= 0 { break }
      if DisplayWidth.of(span.text) <= room {
        result.append(span.text, style: span.style)
      } else {
        var cut = ""
        var used = 0
        for character in span.text {
          let w = DisplayWidth.of(character)
          if used + w > room { break }
          cut.append(character)
          used += w
        }
        result.append(cut, style: span.style)
      }
    }
    return result
  }

  /// The text without any styling.
  var plain: String { spans.map(\.text).joined() }

  /// The text with ANSI escape sequences for `mode`; each line ends reset.
  func ansi(_ mode: ColorMode) -> String {
    guard mode != .none else { return plain }
    var output = ""
    var open = false
    for span in spans {
      let codes = ANSIPalette.codes(for: span.style, mode: mode)
      if open { output += "\u{1B}[0m" }
      if codes.isEmpty {
        open = false
      } else {
        output += "\u{1B}[" + codes + "m"
        open = true
      }
      output += span.text
    }
    if open { output += "\u{1B}[0m" }
    return output
  }
}
