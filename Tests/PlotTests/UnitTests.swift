import Foundation
import Testing

@testable import Plot

@Suite("Numbers are formatted compactly and the same everywhere")
struct NumberFormatTests {
  @Test(
    "tick labels show the decimals their step needs and no more",
    arguments: [
      (0.5, 0.1, "0.5"), (1.0, 0.5, "1"), (0.30000000000000004, 0.1, "0.3"), (-2.5, 0.5, "-2.5"),
      (15_000, 5_000, "15k"), (1_200, 200, "1200"), (2.5e6, 5e5, "2.5M"), (3.4e-5, 1e-6, "3.4e-05"),
      (3e-5, 1e-5, "3e-05"),
      (0, 0.1, "0"), (-0.0, 1, "0"),
    ])
  func tickLabel(value: Double, step: Double, expected: String) {
    let style = NumberFormat.style(forMagnitude: abs(value))
    #expect(NumberFormat.label(value, step: step, style: style) == expected)
  }

  @Test(
    "values are written with three significant digits",
    arguments: [
      (0.973, "0.973"), (0.0251, "0.0251"), (1234.0, "1234"), (0.0012345, "0.00123"),
      (12_345.0, "12.3k"), (3.4e-5, "3.4e-05"),
      (1e20, "1e+20"), (-0.5, "-0.5"), (Double.nan, "NaN"), (Double.infinity, "Inf"),
      (-Double.infinity, "-Inf"),
    ])
  func compact(value: Double, expected: String) {
    #expect(NumberFormat.compact(value) == expected)
  }
}

@Suite("Display width follows the terminal")
struct DisplayWidthTests {
  @Test(
    "ASCII is one column, East Asian and emoji two, combining marks none",
    arguments: [
      ("abc", 3), ("猫", 2), ("犬の確率", 8), ("🐟", 2), ("e\u{301}", 1), ("❤️", 2), ("👩‍💻", 2), ("┤─", 2),
      ("⣿", 1),
    ])
  func widths(text: String, expected: Int) {
    #expect(text.displayWidth == expected)
  }

  @Test("truncation respects display width and marks the cut")
  func truncation() {
    #expect("犬の確率".truncated(toWidth: 5) == "犬の…")
    #expect("abcdef".truncated(toWidth: 4) == "abc…")
    #expect("abc".truncated(toWidth: 3) == "abc")
  }
}

@Suite("Colour mode and size come from the environment")
struct EnvironmentTests {
  @Test("NO_COLOR, a pipe or TERM=dumb turn colour off; COLORTERM and TERM choose the palette")
  func colourDetection() {
    #expect(
      ColorMode.detect(environment: ["NO_COLOR": "1", "COLORTERM": "truecolor"], isTerminal: true)
        == .none)
    #expect(ColorMode.detect(environment: ["COLORTERM": "truecolor"], isTerminal: false) == .none)
    #expect(ColorMode.detect(environment: ["TERM": "dumb"], isTerminal: true) == .none)
    #expect(
      ColorMode.detect(environment: ["NO_COLOR": "", "COLORTERM": "24bit"], isTerminal: true)
        == .trueColor)
    #expect(ColorMode.detect(environment: ["TERM": "xterm-256color"], isTerminal: true) == .ansi256)
    #expect(ColorMode.detect(environment: ["TERM": "xterm"], isTerminal: true) == .ansi16)
  }

  @Test("the terminal's own size wins, then COLUMNS and LINES, then 80×24")
  func sizeDetection() {
    let reported = TerminalSize(columns: 132, rows: 50)
    #expect(TerminalSize.detect(windowSize: reported, environment: ["COLUMNS": "100"]) == reported)
    #expect(
      TerminalSize.detect(windowSize: nil, environment: ["COLUMNS": "100", "LINES": "30"])
        == TerminalSize(columns: 100, rows: 30))
    #expect(
      TerminalSize.detect(
        windowSize: TerminalSize(columns: 0, rows: 0), environment: ["COLUMNS": "x"])
        == .fallback)
  }

  @Test("explicit width and height override the terminal")
  func explicitSize() {
    let plot = Plot(kind: .line([Series(name: "a", y: [1, 2, 3])]))
    let text = TextRenderer(options: RenderOptions(width: 33, height: 9)).render(plot)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 9)
    #expect(lines.allSatisfy { String($0).displayWidth == 33 })
  }
}

@Suite("Axes: limits round outward, ticks step 1-2-5")
struct AxisTests {
  @Test("probabilities get the limits 0 and 1 and ticks at 0.5")
  func probabilityAxis() {
    let axis = ResolvedAxis.resolve(
      dataRange: 0.03...0.97, explicit: nil, scale: .linear, cells: 16, cellsPerTick: 4)
    #expect(axis.low == 0 && axis.high == 1)
    #expect(axis.lowLabel == "0" && axis.highLabel == "1")
    #expect(
      axis.ticks.map(\.label).allSatisfy { ["0.2", "0.4", "0.5", "0.6", "0.8"].contains($0) })
  }

  @Test("limits never move an extreme out of the outermost cell", arguments: [3, 10, 40, 120])
  func extremesStayInOuterCells(cells: Int) {
    var generator = SeededGenerator(seed: UInt64(cells))
    for _ in 0..<200 {
      let a = Double.random(in: -1e6...1e6, using: &generator)
      let b = a + Double.random(in: 1e-3...1e6, using: &generator)
      let axis = ResolvedAxis.resolve(
        dataRange: a...b, explicit: nil, scale: .linear, cells: cells, cellsPerTick: 4)
      #expect(axis.low <= a && axis.high >= b)
      #expect(axis.cell(a, cells: cells) == 0)
      #expect(axis.cell(b, cells: cells) == cells - 1)
    }
  }

  @Test("a log axis puts ticks at powers of ten")
  func logTicks() {
    let axis = ResolvedAxis.resolve(
      dataRange: -2...3, explicit: nil, scale: .log10, cells: 20, cellsPerTick: 4)
    #expect(axis.lowLabel == "0.01" && axis.highLabel == "1000")
    #expect(axis.ticks.map(\.label) == ["0.1", "1", "10", "100"])
  }
}

@Suite("Histogram bins")
struct BinningTests {
  @Test("automatic bins follow Freedman–Diaconis with round edges and hold every value")
  func freedmanDiaconis() {
    let binning = Binning.make(Fixtures.latencies, bins: .automatic, maxBins: 200)
    #expect(binning.rule == "Freedman–Diaconis")
    #expect(binning.counts.reduce(0, +) == Fixtures.latencies.count)
    #expect(
      NiceNumber.nearest(binning.width) == binning.width,
      "bin width \(binning.width) is not a 1-2-5 number")
    #expect((binning.edges.first ?? .nan) <= (Fixtures.latencies.min() ?? 0))
    #expect((binning.edges.last ?? .nan) >= (Fixtures.latencies.max() ?? 0))
  }

  @Test("identical quartiles fall back to Sturges")
  func sturges() {
    let values = [Double](repeating: 1, count: 50) + [2, 3, 9]
    let binning = Binning.make(values, bins: .automatic, maxBins: 200)
    #expect(binning.rule == "Sturges")
    #expect(binning.counts.reduce(0, +) == values.count)
  }

  @Test("a given count makes that many equal bins from the minimum to the maximum")
  func givenCount() {
    let binning = Binning.make([0, 1, 2, 3, 4, 10], bins: .count(5), maxBins: 200)
    #expect(binning.edges == [0, 2, 4, 6, 8, 10])
    #expect(binning.counts == [2, 2, 1, 0, 1])
  }

  @Test("density bars have area one")
  func density() {
    let text = TextRenderer(options: RenderOptions(width: 60, height: 14)).render(
      Plot(
        kind: .histogram(Histogram([1, 2, 2, 3, 3, 3], bins: .count(3), normalization: .density))))
    #expect(text.contains("density"))
  }
}

@Suite("Edge cases say what happened")
struct EdgeCaseTests {
  func render(_ plot: Plot, width: Int = 60, height: Int = 14) -> String {
    TextRenderer(options: RenderOptions(width: width, height: height)).render(plot)
  }

  @Test("NaN and infinities are skipped and counted under the plot")
  func nonFinite() {
    let text = render(
      Plot(kind: .scatter([Series(name: "s", y: [1, .nan, 2, .infinity, -.infinity, .nan])])))
    #expect(text.contains("skipped 4 points: 2 NaN, 1 +Inf, 1 -Inf"))
  }

  @Test("empty data draws an empty frame that says so")
  func empty() {
    #expect(render(Plot(kind: .line([]))).contains("no data"))
    #expect(render(Plot(kind: .histogram(Histogram([])))).contains("no data"))
    #expect(render(Plot(kind: .heatmap(Heatmap([])))).contains("no data"))
    #expect(render(Plot(kind: .bar([]))).contains("no data"))
  }

  @Test("more bars than rows: the rest are counted, not dropped silently")
  func tooManyBars() {
    let bars = (0..<30).map { Bar("class \($0)", Double($0)) }
    let text = render(Plot(kind: .bar(bars)), height: 10)
    #expect(text.split(separator: "\n").count <= 10)
    #expect(text.contains("more bars not shown"))
  }

  @Test("a spike in a 100k-point series survives resampling")
  func spikeSurvives() {
    var values = [Double](repeating: 0, count: 100_000)
    values[77_777] = 1
    let text = render(Plot(kind: .line([Series(name: "", y: values)])))
    let rows = text.split(separator: "\n")
    #expect(rows.count > 2)
    // The spike reaches the top canvas row (the line after the border).
    #expect(
      rows[1].contains {
        $0.unicodeScalars.first.map { (0x2801...0x28FF).contains($0.value) } ?? false
      })
  }

  @Test("M4 resampling keeps the first, last, lowest and highest point of every column")
  func m4() {
    let fractions = (0..<1000).map { Double($0) / 999 }
    var values = (0..<1000).map { Double($0 % 7) }
    values[500] = 100
    values[501] = -100
    let kept = Resampling.m4(fractions: fractions, values: values, columns: 10) ?? []
    #expect(kept.contains(0) && kept.contains(999) && kept.contains(500) && kept.contains(501))
    #expect(kept.count <= 44)
  }
}
