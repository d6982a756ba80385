import Foundation
import Plot

/// Plots used by the snapshot and property tests.
enum Fixtures {
  static let lengths = stride(from: 1.0, through: 7.0, by: 0.05).map { $0 }

  static func sigmoid(_ z: Double) -> Double { 1 / (1 + Foundation.exp(-z)) }

  /// Class probabilities of an iris classifier as petal length sweeps.
  static let irisSweep: [Series] = {
    let setosa = lengths.map { 1 - sigmoid(($0 - 2.5) * 4) }
    let virginica = lengths.map { sigmoid(($0 - 5) * 3) }
    let versicolor = zip(setosa, virginica).map { max(0, 1 - $0 - $1) }
    return [
      Series(name: "setosa", x: lengths, y: setosa),
      Series(name: "versicolor", x: lengths, y: versicolor),
      Series(name: "virginica", x: lengths, y: virginica),
    ]
  }()

  static func linePlot(_ canvas: CanvasStyle) -> Plot {
    Plot(
      kind: .line(irisSweep), title: "P(class) against petal_length", xLabel: "petal_length",
      yLabel: "p",
      canvas: canvas)
  }

  static let classProbabilities = Plot(
    kind: .bar([Bar("setosa", 0.973), Bar("versicolor", 0.0251), Bar("virginica", 0.0019)]),
    title: "predict: class probabilities")

  /// Request latencies in milliseconds: log-normal around 12 ms.
  static let latencies: [Double] = {
    var generator = SeededGenerator(seed: 42)
    return (0..<5000).map { _ in Foundation.exp(generator.normal() * 0.45) * 12 }
  }()

  static let confusion = Plot(
    kind: .heatmap(
      Heatmap(
        [[48, 2, 0], [1, 45, 4], [0, 3, 47]],
        x: .categories(["setosa", "versicolor", "virginica"]),
        y: .categories(["setosa", "versicolor", "virginica"]))),
    title: "confusion matrix", xLabel: "predicted", yLabel: "actual")

  static let sweepGrid = Plot(
    kind: .heatmap(
      Heatmap(
        (0..<24).map { i in
          (0..<36).map { j in Foundation.sin(Double(i) / 5) * Foundation.cos(Double(j) / 6) }
        },
        x: .range(1...7), y: .range(0.1...2.5))),
    title: "P(virginica)", xLabel: "petal_length", yLabel: "petal_width")
}
