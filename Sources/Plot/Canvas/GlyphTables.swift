/// The characters that draw a cell's dots for the block and ASCII canvases.
enum GlyphTables {
  /// Quadrant blocks indexed by a 2×2 mask: bit 0 top-left, 1 top-right,
  /// 2 bottom-left, 3 bottom-right.
  static let blocks: [Character] = [
    " ", "▘", "▝", "▀", "▖", "▌", "▞", "▛", "▗", "▚", "▐", "▜", "▄", "▙", "▟", "█",
  ]

  /// ASCII characters indexed by a 2×3 mask: bit `2·row + column`, rows from the top.
  ///
  /// The character follows the shape of the dots: a slope gives `/` or `\`,
  /// a column `|`, a single row `'`, `-` or `_`/`.`.
  static let ascii: [Character] = (0..<64).map { asciiGlyph(mask: $0) }

  private static func asciiGlyph(mask: Int) -> Character {
    if mask == 0 { return " " }
    func on(_ row: Int, _ column: Int) -> Bool { mask & (1 << (row * 2 + column)) != 0 }
    let rows = (0..<3).filter { on($0, 0) || on($0, 1) }
    let leftRows = (0..<3).filter { on($0, 0) }
    let rightRows = (0..<3).filter { on($0, 1) }
    if rows.count == 1 {
      let both = !leftRows.isEmpty && !rightRows.isEmpty
      switch rows[0] {
      case 0: return both ? "\"" : "'"
      case 1: return "-"
      default: return both ? "_" : "."
      }
    }
    if !leftRows.isEmpty && !rightRows.isEmpty {
      let left = Double(leftRows.reduce(0, +)) / Double(leftRows.count)
      let right = Double(rightRows.reduce(0, +)) / Double(rightRows.count)
      if left > right { return "/" }
      if left < right { return "\\" }
      return mask == 63 ? "#" : "="
    }
    return rows == [0, 2] ? ":" : "|"
  }
}
