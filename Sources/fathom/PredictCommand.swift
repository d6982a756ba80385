import ArgumentParser
import Foundation
import Model

/// `fathom predict MODEL --input FILE`: batch scoring of CSV or JSON Lines.
struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Score rows of CSV or JSON Lines; write JSON Lines or CSV to standard output.",
    discussion: """
      A CSV header names the features; each JSON line is an object of features by name.
      Rows that fail validation are reported on standard error with their row number and
      skipped; the others are scored. The exit status is 1 when any row failed.
      """)

  /// How the rows are read: `--input-format csv|jsonl`.
  enum InputFormat: String, ExpressibleByArgument, CaseIterable { case csv, jsonl }

  /// How the predictions are written: `--format jsonl|csv`.
  enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case jsonl, csv }

  @Argument(help: ArgumentHelp(modelReferenceHelp + "."))
  var model: String

  @Option(name: .shortAndLong, help: "The rows: a .csv or .jsonl file, or - for standard input.")
  var input: String

  @Option(help: "The input format (default: from the file extension; csv for -).")
  var inputFormat: InputFormat?

  @Option(help: "The output format.")
  var format: OutputFormat = .jsonl

  func run() throws {
    // A file of rows is one batch: keep its buffers between the steps, as `fathom serve` does.
    MemoryPolicy.keepBatchBuffers()
    let loaded = try loadModel(model)
    let data: Data
    if input == "-" {
      data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
      guard let handle = FileHandle(forReadingAtPath: input) else {
        throw failure("cannot read \(input)")
      }
      data = handle.readDataToEndOfFile()
    }
    let text = String(decoding: data, as: UTF8.self)
    let kind =
      inputFormat
      ?? (input.hasSuffix(".jsonl") || input.hasSuffix(".ndjson") || input.hasSuffix(".json") ? .jsonl : .csv)
    let rows = kind == .jsonl ? RowReader.jsonLines(text) : RowReader.csv(text, model: loaded)
    var output = PredictionOutput(format: format, signature: loaded.signature)
    var failures = 0
    for row in rows {
      switch row.values {
      case .failure(let problem):
        failures += 1
        FileHandle.standardError.write(Data("row \(row.number): \(problem)\n".utf8))
      case .success(let features):
        do {
          output.write(try loaded.predict(features))
        } catch {
          failures += 1
          let reasons =
            error.issues.isEmpty
            ? error.message : error.issues.map { "\($0.feature) \($0.reason)" }.joined(separator: "; ")
          FileHandle.standardError.write(Data("row \(row.number): \(reasons)\n".utf8))
        }
      }
    }
    output.finish()
    if failures > 0 { throw ExitCode(1) }
  }
}
