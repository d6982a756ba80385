import ArgumentParser
import Foundation
import Model

/// `fathom bench MODEL`: single-row latency and batch throughput of the runtime.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Time predictions: one row per call, and a large batch per call.",
    discussion: """
      Rows come from --inputs (a JSON file {"inputs": {NAME: {"dtype", "shape", "data"}}}, as the
      zoo's expected.json files are) or from the schema's defaults. Each measurement runs for
      about --seconds; the median time per call is reported. Build with -c release to measure.
      """)

  @Argument(help: ArgumentHelp(modelReferenceHelp + "."))
  var model: String

  @Option(help: "A JSON file of sample input rows.")
  var inputs: String?

  @Option(help: "Rows in the batch measurement.")
  var batch: Int = 10_000

  @Option(help: "Seconds per measurement (at most 30).")
  var seconds: Double = 2

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  func validate() throws {
    guard batch >= 1, batch <= 1_000_000 else { throw ValidationError("--batch must be between 1 and 1000000") }
    guard seconds > 0, seconds <= 30 else { throw ValidationError("--seconds must be between 0 and 30") }
  }

  func run() throws {
    // As `fathom serve` does, so that the figures are the server's.
    MemoryPolicy.keepBatchBuffers()
    let loaded = try loadModel(model)
    let samples: [String: Tensor]
    if let inputs {
      guard let data = FileManager.default.contents(atPath: inputs) else {
        throw failure("cannot read \(inputs)")
      }
      samples = try InferenceBenchmark.samples(fromJSON: data)
    } else {
      samples = try InferenceBenchmark.samples(for: loaded)
    }
    let bench = InferenceBenchmark(model: loaded, samples: samples)
    let single = try bench.measure(rows: 1, seconds: seconds)
    let large = try bench.measure(rows: batch, seconds: seconds)
    if json {
      print(
        "{\"model\":\"\(loaded.name)\",\"single_row_seconds\":\(single.median),\"batch_rows\":\(batch),"
          + "\"batch_seconds\":\(large.median),\"single_calls\":\(single.calls),\"batch_calls\":\(large.calls)}")
    } else {
      print("\(loaded.name)")
      print("  1 row:       \(format(single.median)) per call (median of \(single.calls) calls)")
      print("  \(batch) rows: \(format(large.median)) per call (median of \(large.calls) calls)")
    }
  }

  private func format(_ seconds: Double) -> String {
    seconds < 1e-3 ? String(format: "%.2f µs", seconds * 1e6) : String(format: "%.3f ms", seconds * 1e3)
  }
}
