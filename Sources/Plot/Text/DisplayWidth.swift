/// Terminal display width of text, in columns, in the spirit of `wcwidth`.
///
/// A plot is aligned by the columns a terminal gives each character, not by
/// the count of characters: East Asian wide characters and emoji take two
/// columns, combining marks and zero-width joiners take none. Characters of
/// ambiguous width (box drawing, shades, blocks) count as one, as in every
/// non-CJK terminal.
enum DisplayWidth {
  /// The number of terminal columns `text` occupies.
  static func of(_ text: some StringProtocol) -> Int {
    var total = 0
    for character in text {
      total += of(character)
    }
    return total
  }

  /// The number of terminal columns one grapheme cluster occupies (0, 1 or 2).
  static func of(_ character: Character) -> Int {
    let scalars = character.unicodeScalars
    guard let first = scalars.first else { return 0 }
    if first.value < 0x7F {
      // ASCII fast path; control characters are zero width.
      return first.value < 0x20 ? 0 : 1
    }
    // An emoji presentation selector or a keycap/ZWJ sequence makes the
    // cluster an emoji, which terminals draw two columns wide.
    for scalar in scalars.dropFirst() where scalar.value == 0xFE0F {
      return 2
    }
    var width = 0
    for scalar in scalars {
      let w = of(scalar)
      if w > width { width = w }
    }
    return width
  }

  /// The width of a single scalar: 0 for combining and format characters,
  /// 2 for wide and fullwidth characters and emoji, 1 otherwise.
  static func of(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
    if v < 0x300 { return 1 }
    if isZeroWidth(v) { return 0 }
    if isWide(v) { return 2 }
    return 1
  }

  private static func isZeroWidth(_ v: UInt32) -> Bool {
    switch v {
    case 0x0300...0x036F, 0x0483...0x0489, 0x0591...0x05BD, 0x0610...0x061A,
      0x064B...0x065F, 0x0670, 0x06D6...0x06DC, 0x06DF...0x06E4, 0x0900...0x0903,
      0x093A...0x094F, 0x0951...0x0957, 0x0E31, 0x0E34...0x0E3A, 0x0E47...0x0E4E,
      0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x200B...0x200F, 0x2028...0x202E,
      0x2060...0x2064, 0x20D0...0x20FF, 0xFE00...0xFE0F, 0xFE20...0xFE2F, 0xFEFF,
      0x1F3FB...0x1F3FF, 0xE0000...0xE0FFF:
      return true
    default:
      return false
    }
  }

  private static func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0,
      0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693,
      0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4,
      0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A...0x270B,
      0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0,
      0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55, 0x2E80...0x303E, 0x3041...0x33FF,
      0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
      0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
      0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF,
      0x1B000...0x1B2FF, 0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A,
      0x1F200...0x1F251, 0x1F300...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C,
      0x1F37E...0x1F393, 0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0,
      0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440, 0x1F442...0x1F4FC, 0x1F4FF...0x1F53D,
      0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A, 0x1F595...0x1F596, 0x1F5A4,
      0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC, 0x1F6D0...0x1F6D2,
      0x1F6D5...0x1F6D7, 0x1F6DC...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC,
      0x1F7E0...0x1F7EB, 0x1F7F0, 0x1F90C...0x1F93A, 0x1F93C...0x1F945,
      0x1F947...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }
}

extension String {
  /// The number of terminal columns this string occupies.
  var displayWidth: Int { DisplayWidth.of(self) }

  /// This string cut to at most `width` columns, ending in "…" when cut.
  func truncated(toWidth width: Int) -> String {
    guard width > 0 else { return "" }
    if DisplayWidth.of(self) <= width { return self }
    var result = ""
    var used = 0
    for character in self {
      let w = DisplayWidth.of(character)
      if used + w > width - 1 { break }
      result.append(character)
      used += w
    }
    result.append("…")
    return result
  }

  /// This string padded with spaces on the left to `width` columns.
  func padded(left width: Int) -> String {
    let missing = width - DisplayWidth.of(self)
    return missing > 0 ? String(repeating: " ", count: missing) + self : self
  }

  /// This string padded with spaces on the right to `width` columns.
  func padded(right width: Int) -> String {
    let missing = width - DisplayWidth.of(self)
    return missing > 0 ? self + String(repeating: " ", count: missing) : self
  }
}
