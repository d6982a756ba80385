/// A grid of character cells, each made of a few dots ("pixels"), that
/// points and lines are drawn on.
///
/// Braille cells hold 2×4 dots, block cells 2×2, ASCII cells 2×3. A cell
/// remembers the colour index of the last thing drawn in it; the glyph for
/// its dots comes from the style's glyph table.
struct DotCanvas {
  let style: CanvasStyle
  /// Width in character cells.
  let columns: Int
  /// Height in character cells.
  let rows: Int
  /// Dots across one cell.
  let dotsAcross: Int
  /// Dots down one cell.
  let dotsDown: Int
  /// The dots of each cell as a bit mask, row-major.
  private(set) var masks: [UInt8]
  /// The colour index of each cell (0: nothing drawn).
  private(set) var colors: [UInt8]

  init(style: CanvasStyle, columns: Int, rows: Int) {
    self.style = style
    self.columns = max(1, columns)
    self.rows = max(1, rows)
    switch style {
    case .braille: (dotsAcross, dotsDown) = (2, 4)
    case .block: (dotsAcross, dotsDown) = (2, 2)
    case .ascii: (dotsAcross, dotsDown) = (2, 3)
    }
    masks = [UInt8](repeating: 0, count: self.columns * self.rows)
    colors = [UInt8](repeating: 0, count: self.columns * self.rows)
  }

  /// Width in dots.
  var width: Int { columns * dotsAcross }
  /// Height in dots.
  var height: Int { rows * dotsDown }

  /// Sets the dot at (`x`, `y`), `y` counted from the top, in colour `color`.
  /// Dots outside the canvas are ignored.
  @inline(__always)
  mutating func set(x: Int, y: Int, color: UInt8) {
    guard x >= 0, y >= 0, x < width, y < height else { return }
    let column = x / dotsAcross
    let row = y / dotsDown
    let index = row * columns + column
    masks[index] |= bit(x: x - column * dotsAcross, y: y - row * dotsDown)
    colors[index] = color
  }

  /// Marks a whole cell with a colour without adding dots (used for markers).
  mutating func paint(column: Int, row: Int, color: UInt8) {
    guard column >= 0, row >= 0, column < columns, row < rows else { return }
    colors[row * columns + column] = color
  }

  /// Whether any dot of the cell is set.
  func isEmpty(column: Int, row: Int) -> Bool { masks[row * columns + column] == 0 }

  /// The colour index of a cell.
  func color(column: Int, row: Int) -> UInt8 { colors[row * columns + column] }

  /// The character drawing a cell's dots; a space when none are set.
  func glyph(column: Int, row: Int) -> Character {
    let mask = masks[row * columns + column]
    switch style {
    case .braille: return mask == 0 ? " " : Character(Unicode.Scalar(0x2800 + UInt32(mask)) ?? " ")
    case .block: return GlyphTables.blocks[Int(mask & 0x0F)]
    case .ascii: return GlyphTables.ascii[Int(mask & 0x3F)]
    }
  }

  @inline(__always)
  private func bit(x: Int, y: Int) -> UInt8 {
    switch style {
    case .braille:
      // Braille numbers dots down the left column (1,2,3,7), then the right (4,5,6,8).
      if y == 3 { return x == 0 ? 0x40 : 0x80 }
      return (x == 0 ? 0x01 : 0x08) << UInt8(y)
    case .block, .ascii:
      return UInt8(1) << UInt8(y * 2 + x)
    }
  }
}

extension DotCanvas {
  /// Draws a straight line between two dot positions (fractional dots allowed),
  /// one dot per step along the longer direction.
  mutating func line(
    from start: (x: Double, y: Double), to end: (x: Double, y: Double), color: UInt8
  ) {
    let dx = end.x - start.x
    let dy = end.y - start.y
    let steps = Int(flooring: max(abs(dx), abs(dy)), clampedTo: 0...(4 * (width + height)))
    if steps == 0 {
      set(
        x: Int(flooring: start.x, clampedTo: -1...width),
        y: Int(flooring: start.y, clampedTo: -1...height), color: color)
      return
    }
    for step in 0...steps {
      let t = Double(step) / Double(steps)
      let x = Int(flooring: start.x + dx * t, clampedTo: -1...width)
      let y = Int(flooring: start.y + dy * t, clampedTo: -1...height)
      set(x: x, y: y, color: color)
    }
  }
}
