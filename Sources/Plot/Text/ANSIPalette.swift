/// The colours behind each ``Paint``, and their escape codes per ``ColorMode``.
enum ANSIPalette {
  typealias RGB = (r: Int, g: Int, b: Int)

  /// Series colours, chosen to be told apart on dark and light backgrounds.
  static let series: [(rgb: RGB, ansi16: Int)] = [
    ((77, 166, 255), 94),  // blue
    ((255, 153, 51), 33),  // orange (yellow in 16 colours)
    ((87, 199, 112), 32),  // green
    ((240, 82, 82), 31),  // red
    ((178, 132, 255), 35),  // purple
    ((64, 200, 210), 36),  // cyan
    ((230, 206, 70), 93),  // yellow
    ((255, 128, 191), 95),  // pink
  ]

  static let frame: (rgb: RGB, ansi16: Int) = ((128, 128, 128), 90)

  /// Viridis, sampled at 0, ¼, ½, ¾ and 1: perceptually even and readable
  /// by people with the common colour-vision deficiencies.
  static let viridis: [RGB] = [
    (68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37),
  ]
  static let heat16 = [34, 36, 32, 33, 93]

  /// The SGR parameters for `style`, without the escape and the final `m`.
  static func codes(for style: TextStyle, mode: ColorMode) -> String {
    var parts: [String] = []
    if style.bold { parts.append("1") }
    if let foreground = style.foreground {
      parts.append(code(foreground, mode: mode, background: false))
    }
    if let background = style.background {
      parts.append(code(background, mode: mode, background: true))
    }
    return parts.filter { !$0.isEmpty }.joined(separator: ";")
  }

  private static func code(_ paint: Paint, mode: ColorMode, background: Bool) -> String {
    let (rgb, ansi16) = colour(paint)
    switch mode {
    case .none: return ""
    case .ansi16: return String(background ? ansi16 + 10 : ansi16)
    case .ansi256: return (background ? "48;5;" : "38;5;") + String(xterm256(rgb))
    case .trueColor: return (background ? "48;2;" : "38;2;") + "\(rgb.r);\(rgb.g);\(rgb.b)"
    }
  }

  private static func colour(_ paint: Paint) -> (RGB, Int) {
    switch paint {
    case .series(let index):
      let entry = series[((index % series.count) + series.count) % series.count]
      return (entry.rgb, entry.ansi16)
    case .frame:
      return frame
    case .heat(let level):
      let step = Int(flooring: clamp(level) * 4 + 0.5, clampedTo: 0...4)
      return (heat(level), heat16[step])
    case .contrast(let level):
      let c = heat(level)
      let luminance = 0.299 * Double(c.r) + 0.587 * Double(c.g) + 0.114 * Double(c.b)
      let black: RGB = (0, 0, 0)
      let white: RGB = (255, 255, 255)
      return luminance > 140 ? (black, 30) : (white, 97)
    }
  }

  /// The viridis colour at `level` (0...1), interpolated.
  static func heat(_ level: Double) -> RGB {
    let scaled = clamp(level) * Double(viridis.count - 1)
    let index = Int(flooring: scaled, clampedTo: 0...(viridis.count - 2))
    let t = scaled - Double(index)
    let a = viridis[index]
    let b = viridis[index + 1]
    func mix(_ x: Int, _ y: Int) -> Int {
      Int(flooring: Double(x) + (Double(y - x)) * t + 0.5, clampedTo: 0...255)
    }
    return (mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b))
  }

  /// The nearest colour of the xterm 6×6×6 cube or its grey ramp.
  static func xterm256(_ rgb: RGB) -> Int {
    let levels = [0, 95, 135, 175, 215, 255]
    func nearestLevel(_ v: Int) -> Int {
      var best = 0
      for (i, level) in levels.enumerated() where abs(level - v) < abs(levels[best] - v) {
        best = i
      }
      return best
    }
    let (r, g, b) = (nearestLevel(rgb.r), nearestLevel(rgb.g), nearestLevel(rgb.b))
    let cube = (levels[r], levels[g], levels[b])
    let cubeDistance = distance(rgb, cube)
    let greyIndex = Int(
      flooring: (Double(rgb.r + rgb.g + rgb.b) / 3 - 8) / 10 + 0.5, clampedTo: 0...23)
    let grey = 8 + 10 * greyIndex
    if distance(rgb, (grey, grey, grey)) < cubeDistance { return 232 + greyIndex }
    return 16 + 36 * r + 6 * g + b
  }

  private static func distance(_ a: RGB, _ b: RGB) -> Int {
    (a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) + (a.b - b.b) * (a.b - b.b)
  }

  private static func clamp(_ level: Double) -> Double { level.isNaN ? 0 : min(1, max(0, level)) }
}
