import ArgumentParser
import Foundation
import Model

/// `fathom predict MODEL --input FILE`: batch scoring of CSV or JSON Lines.
struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Score rows of CSV or JSON Lines; write JSON Lines or CSV to standard output.",
    discussion: """
      A CSV header names the features; each JSON line is an object of features by name. \
      Every input row gives one output row, in order. A row that fails validation gives \
      {"row": N, "error": "..."} in JSON Lines, or empty prediction cells and its message in \
      an extra error column in CSV, and is reported on standard error too; the exit status \
      is then 1. Input is UTF-8 (a byte-order mark and CRLF line endings are fine).
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
    let text: String
    switch RowReader.text(Array(data)) {
    case .success(let decoded): text = decoded
    case .failure(let problem): throw failure("\(input == "-" ? "standard input" : input) \(problem)")
    }
    let kind =
      inputFormat
      ?? (input.hasSuffix(".jsonl") || input.hasSuffix(".ndjson") || input.hasSuffix(".json") ? .jsonl : .csv)
    let rows = kind == .jsonl ? RowReader.jsonLines(text) : RowReader.csv(text, model: loaded)
    var output = PredictionOutput(format: format, signature: loaded.signature)
    var failures = 0
    for row in rows {
      let problem: String
      switch row.values {
      case .failure(let error):
        problem = error.description
      case .success(let features):
        do {
          output.write(try loaded.predict(features))
          continue
        } catch {
          problem = Self.describe(error)
        }
      }
      failures += 1
      output.writeFailure(row: row.number, problem)
      if failures <= Self.reportedFailures {
        FileHandle.standardError.write(Data("row \(row.number): \(problem)\n".utf8))
      }
    }
    if failures > Self.reportedFailures {
      FileHandle.standardError.write(
        Data("… and \(failures - Self.reportedFailures) more rows failed; the output has every one\n".utf8))
    }
    output.finish()
    if failures > 0 { throw ExitCode(1) }
  }

  /// How many failed rows standard error names before it only counts them.
  static let reportedFailures = 100

  /// A row's validation problems, at most ten of them, then how many more.
  static func describe(_ error: ModelError) -> String {
    guard !error.issues.isEmpty else { return error.message }
    let shown = error.issues.prefix(10).map { "\($0.feature) \($0.reason)" }
    let more = error.issues.count > 10 ? ["and \(error.issues.count - 10) more problems"] : []
    return (shown + more).joined(separator: "; ")
  }
}
