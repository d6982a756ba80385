import Foundation
import Plot
import Testing

@Suite("Properties of random plots (seeded, deterministic)")
struct PropertyTests {
  /// The canvas of a plain single-series rendering: its rows, between the
  /// top and bottom border lines, cut to the columns between the corners.
  static func canvas(of text: String) -> [[Character]]? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
    let corners: Set<Character> = ["┌", "┐", "+"]
    guard let top = lines.firstIndex(where: { $0.contains(where: { corners.contains($0) }) }),
      let left = lines[top].firstIndex(where: { corners.contains($0) }),
      let right = lines[top].lastIndex(where: { corners.contains($0) }), right > left
    else { return nil }
    let rule: Set<Character> = ["└", "┘", "─", "┬", "+", "-"]
    guard
      let bottom = lines.indices.first(where: {
        $0 > top && lines[$0].count > right
          && lines[$0][left...right].allSatisfy { rule.contains($0) }
      })
    else { return nil }
    return lines[(top + 1)..<bottom].map { Array($0[(left + 1)..<right]) }
  }

  @Test(
    "every line has the same width, nothing exceeds the size, and the data extremes touch the border",
    arguments: 0..<60)
  func randomPlot(seed: Int) throws {
    var generator = SeededGenerator(seed: UInt64(seed) &* 7919 &+ 17)
    let count = Int.random(in: 2...800, using: &generator)
    let magnitude = Foundation.pow(10, Double.random(in: -6...9, using: &generator))
    let xSign: Double = Bool.random(using: &generator) ? 1 : -1
    let ySign: Double = Bool.random(using: &generator) ? 1 : -1
    // Values on one side of zero, so zero axes never stand in for data at the border.
    let x = (0..<count).map { _ in xSign * magnitude * Double.random(in: 1...50, using: &generator)
    }
    let y = (0..<count).map { _ in ySign * magnitude * Double.random(in: 1...50, using: &generator)
    }
    let width = Int.random(in: 24...160, using: &generator)
    let height = Int.random(in: 8...48, using: &generator)
    let canvasStyle = CanvasStyle.allCases[Int.random(in: 0..<3, using: &generator)]
    let connected = Bool.random(using: &generator)
    let series = [Series(name: "random", x: x, y: y)]
    let plot = Plot(
      kind: connected ? .line(series) : .scatter(series), title: "seed \(seed)", canvas: canvasStyle
    )
    let text = TextRenderer(options: RenderOptions(width: width, height: height)).render(plot)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)

    let widths = Set(lines.map { String($0).displayWidthForTests })
    #expect(widths.count == 1, "lines differ in width: \(widths)")
    #expect((widths.max() ?? 0) <= width)
    #expect(lines.count <= height)

    let cells = try #require(Self.canvas(of: text), "no canvas found in\n\(text)")
    let top = try #require(cells.first)
    let bottom = try #require(cells.last)
    #expect(top.contains { $0 != " " }, "the largest y is not on the top row\n\(text)")
    #expect(bottom.contains { $0 != " " }, "the smallest y is not on the bottom row\n\(text)")
    #expect(
      cells.contains { $0.first != " " }, "the smallest x is not in the first column\n\(text)")
    #expect(cells.contains { $0.last != " " }, "the largest x is not in the last column\n\(text)")
  }

  @Test(
    "every kind fits any size from tiny to wide",
    arguments: [(8, 3), (12, 5), (20, 6), (40, 10), (200, 60)])
  func everyKindFits(size: (Int, Int)) {
    let plots = [
      Fixtures.linePlot(.braille), Fixtures.classProbabilities, Fixtures.confusion,
      Fixtures.sweepGrid,
      Plot(kind: .histogram(Histogram(Fixtures.latencies)), title: "latency"),
      Plot(kind: .scatter(Fixtures.irisSweep), canvas: .ascii),
    ]
    for plot in plots {
      for mode in ColorMode.allCases {
        let text = TextRenderer(
          options: RenderOptions(width: size.0, height: size.1, colorMode: mode)
        ).render(plot)
        let lines = strippingANSI(text).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count <= size.1)
        #expect(Set(lines.map { String($0).displayWidthForTests }).count == 1)
        #expect(
          lines.allSatisfy { String($0).displayWidthForTests <= size.0 }, "too wide:\n\(text)")
      }
    }
  }

  @Test("colour only adds escape sequences: stripped, it reads as the plain rendering")
  func colourStripsToPlain() {
    // Heatmaps are the exception: in colour a cell is a coloured background
    // (or a half block), without colour a shade character.
    for plot in [
      Fixtures.linePlot(.braille), Fixtures.classProbabilities, Fixtures.linePlot(.ascii),
    ] {
      let plain = TextRenderer(options: RenderOptions(width: 70, height: 20)).render(plot)
      let colour = TextRenderer(
        options: RenderOptions(width: 70, height: 20, colorMode: .trueColor)
      ).render(plot)
      #expect(colour != plain)
      #expect(strippingANSI(colour) == plain)
    }
  }
}

extension String {
  /// Display width for tests, independent of the implementation under test:
  /// the characters the fixtures use that take two columns are CJK and emoji.
  var displayWidthForTests: Int {
    reduce(0) { total, character in
      let scalar = character.unicodeScalars.first?.value ?? 0
      let wide =
        (0x1100...0x115F).contains(scalar) || (0x2E80...0xA4CF).contains(scalar)
        || (0xAC00...0xD7A3).contains(scalar) || (0xFF00...0xFF60).contains(scalar)
        || (0x1F300...0x1FAFF).contains(scalar)
      return total + (wide ? 2 : 1)
    }
  }
}
