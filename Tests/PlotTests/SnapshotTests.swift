import Foundation
import Plot
import Testing

/// One snapshot case: a plot at a size, stored plain and in 256 colours.
struct SnapshotCase: CustomTestStringConvertible, Sendable {
  var name: String
  var plot: Plot
  var width = 64
  var height = 20
  var testDescription: String { name }
}

@Suite("Snapshots: every kind and edge case, plain and in colour")
struct SnapshotTests {
  static let cases: [SnapshotCase] = {
    var generator = SeededGenerator(seed: 7)
    let clusterA = (0..<300).map { _ in
      (generator.normal() * 0.4 + 1.5, generator.normal() * 0.3 + 0.3)
    }
    let clusterB = (0..<300).map { _ in
      (generator.normal() * 0.6 + 4.5, generator.normal() * 0.4 + 1.5)
    }
    var spike = (0..<100_000).map { Foundation.sin(Double($0) / 5000) }
    spike[61_234] = 9
    spike[12_345] = -7
    return [
      SnapshotCase(name: "line-braille", plot: Fixtures.linePlot(.braille)),
      SnapshotCase(name: "line-block", plot: Fixtures.linePlot(.block)),
      SnapshotCase(name: "line-ascii", plot: Fixtures.linePlot(.ascii)),
      SnapshotCase(
        name: "scatter-clusters",
        plot: Plot(
          kind: .scatter([
            Series(name: "setosa", x: clusterA.map(\.0), y: clusterA.map(\.1)),
            Series(name: "virginica", x: clusterB.map(\.0), y: clusterB.map(\.1)),
          ]), title: "petals", xLabel: "petal_length", yLabel: "petal_width")),
      SnapshotCase(name: "bar-class-probabilities", plot: Fixtures.classProbabilities, height: 8),
      SnapshotCase(
        name: "bar-negative-and-nan",
        plot: Plot(
          kind: .bar([Bar("bias", -0.42), Bar("petal_length", 1.37), Bar("sepal_width", .nan)]),
          title: "contributions"),
        height: 9),
      SnapshotCase(
        name: "histogram-latency",
        plot: Plot(
          kind: .histogram(Histogram(Fixtures.latencies)), title: "latency under load", xLabel: "ms"
        )),
      SnapshotCase(
        name: "histogram-density-10-bins",
        plot: Plot(
          kind: .histogram(
            Histogram(Fixtures.latencies, bins: .count(10), normalization: .density)), xLabel: "ms"),
        height: 14),
      SnapshotCase(
        name: "histogram-log-x",
        plot: Plot(
          kind: .histogram(Histogram(Fixtures.latencies.map { $0 * $0 * $0 })), xLabel: "ms³",
          xScale: .log10),
        height: 14),
      SnapshotCase(name: "heatmap-confusion", plot: Fixtures.confusion, height: 18),
      SnapshotCase(name: "heatmap-sweep", plot: Fixtures.sweepGrid),
      SnapshotCase(
        name: "edge-empty",
        plot: Plot(kind: .line([Series(name: "nothing", x: [], y: [])]), title: "empty"), height: 10
      ),
      SnapshotCase(
        name: "edge-one-point", plot: Plot(kind: .scatter([Series(name: "", x: [3], y: [0.5])])),
        height: 10),
      SnapshotCase(
        name: "edge-all-equal", plot: Plot(kind: .line([Series(name: "flat", y: [4, 4, 4, 4])])),
        height: 10),
      SnapshotCase(
        name: "edge-nan-and-infinity",
        plot: Plot(
          kind: .line([
            Series(name: "gappy", y: [1, 2, .nan, 4, .infinity, 3, 2, -.infinity, 1, .nan])
          ])),
        height: 12),
      SnapshotCase(
        name: "edge-huge-magnitudes",
        plot: Plot(
          kind: .line([Series(name: "", x: [0, 1, 2, 3], y: [2e9, 5.5e9, 1.2e10, 3e10])])),
        height: 12),
      SnapshotCase(
        name: "edge-tiny-magnitudes",
        plot: Plot(
          kind: .line([Series(name: "", x: [1e-6, 2e-6, 3e-6], y: [3.4e-5, 1.2e-5, 7e-5])])),
        height: 12),
      SnapshotCase(
        name: "edge-negative-range",
        plot: Plot(
          kind: .line([Series(name: "", x: [-9, -7, -4, -2], y: [-300, -120, -250, -10])])),
        height: 12),
      SnapshotCase(
        name: "edge-zero-axes",
        plot: Plot(
          kind: .line([
            Series(
              name: "", x: (-20...20).map { Double($0) / 4 },
              y: (-20...20).map { Foundation.sin(Double($0) / 4) })
          ])),
        height: 14),
      SnapshotCase(
        name: "edge-log-y",
        plot: Plot(
          kind: .line([
            Series(
              name: "loss", y: (0..<50).map { 10 * Foundation.exp(-Double($0) / 6) } + [0, -1])
          ]), yScale: .log10),
        height: 14),
      SnapshotCase(
        name: "edge-labels-wider-than-plot",
        plot: Plot(
          kind: .line([
            Series(
              name: "a series name far too long to fit beside any plot of this size", y: [1, 3, 2])
          ]),
          title: "a title that is much wider than the thirty-two columns asked for",
          xLabel: "an x label longer than the plot itself", yLabel: "a long y label"),
        width: 32, height: 12),
      SnapshotCase(
        name: "edge-wide-unicode-labels",
        plot: Plot(
          kind: .bar([Bar("猫", 0.61), Bar("犬の確率", 0.27), Bar("🐟 fish", 0.12)]), title: "確率 🎲"),
        width: 40, height: 8),
      SnapshotCase(
        name: "edge-wide-unicode-legend",
        plot: Plot(
          kind: .line([Series(name: "東京", y: [1, 2, 3]), Series(name: "🚀 launch", y: [3, 1, 2])])),
        width: 48, height: 10),
      SnapshotCase(
        name: "edge-long-series-resampled",
        plot: Plot(kind: .line([Series(name: "100k points", y: spike)]), title: "no spike lost"),
        height: 14),
      SnapshotCase(
        name: "edge-explicit-limits",
        plot: Plot(
          kind: .line([Series(name: "", y: [-1, 0.5, 2, 3.5, 5])]), xLimits: 1...3, yLimits: 0...3),
        height: 12),
    ]
  }()

  @Test("renders each case as the reference text, plain and with 256 colours", arguments: cases)
  func snapshot(_ testCase: SnapshotCase) {
    let plain = TextRenderer(options: RenderOptions(width: testCase.width, height: testCase.height))
      .render(testCase.plot)
    assertSnapshot(plain, named: testCase.name)
    let colour = TextRenderer(
      options: RenderOptions(width: testCase.width, height: testCase.height, colorMode: .ansi256)
    ).render(testCase.plot)
    assertSnapshot(colour, named: testCase.name + ".ansi256")
  }

  @Test("16-colour and 24-bit renderings of the line plot and the heatmap")
  func otherColourModes() {
    for (mode, suffix) in [(ColorMode.ansi16, "ansi16"), (.trueColor, "truecolor")] {
      let options = RenderOptions(width: 64, height: 20, colorMode: mode)
      assertSnapshot(
        TextRenderer(options: options).render(Fixtures.linePlot(.braille)),
        named: "line-braille." + suffix)
      assertSnapshot(
        TextRenderer(options: options).render(Fixtures.sweepGrid), named: "heatmap-sweep." + suffix)
    }
  }
}
