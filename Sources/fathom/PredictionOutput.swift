import Foundation
import Model

/// Writes `fathom predict`'s answers to standard output in the wire codec's form, one per
/// input row and in order: JSON Lines (one `Prediction.writeJSON` object a line, or
/// `{"row":N,"error":"…"}` for a row that failed), or CSV (the prediction columns, and an
/// `error` column when some row failed).
struct PredictionOutput {
  /// One input row's answer, kept for CSV until it is known whether an error column is needed.
  private enum Answer {
    case prediction(Prediction)
    case failure(String)
  }

  private let format: PredictCommand.OutputFormat
  private let signature: Signature
  private var json = JSONWriter(capacity: 1 << 16)
  private var answers: [Answer] = []
  private var firstPrediction: Prediction?
  private var anyFailure = false

  /// How much JSON is buffered before it is written out.
  private static let chunk = 1 << 16

  init(format: PredictCommand.OutputFormat, signature: Signature) {
    self.format = format
    self.signature = signature
  }

  /// Adds one prediction.
  mutating func write(_ prediction: Prediction) {
    switch format {
    case .jsonl:
      prediction.writeJSON(to: &json)
      endLine()
    case .csv:
      if firstPrediction == nil { firstPrediction = prediction }
      answers.append(.prediction(prediction))
    }
  }

  /// Adds the answer of input row `row`, which could not be predicted.
  mutating func writeFailure(row: Int, _ problem: String) {
    anyFailure = true
    switch format {
    case .jsonl:
      json.raw("{")
      json.key("row")
      json.integer(row)
      json.raw(",")
      json.key("error")
      json.string(problem)
      json.raw("}")
      endLine()
    case .csv:
      answers.append(.failure(problem))
    }
  }

  /// Writes what is left; a CSV without a single prediction still gets the header the model promises.
  mutating func finish() {
    if format == .csv {
      var csv = CSVWriter(capacity: 64 * answers.count + 64)
      let extra = anyFailure ? ["error"] : []
      Prediction.writeCSVHeader(like: firstPrediction, signature: signature, to: &csv, then: extra)
      let columns = Prediction.csvColumns(like: firstPrediction, signature: signature).count
      for answer in answers {
        switch answer {
        case .prediction(let p): p.writeCSVRecord(to: &csv, then: anyFailure ? [""] : [])
        case .failure(let problem):
          for _ in 0..<columns { csv.field("") }
          csv.field(problem)
          csv.endRecord()
        }
      }
      FileHandle.standardOutput.write(Data(csv.bytes))
    }
    flush()
  }

  private mutating func endLine() {
    json.bytes.append(0x0A)
    if json.bytes.count >= Self.chunk { flush() }
  }

  private mutating func flush() {
    if !json.bytes.isEmpty { FileHandle.standardOutput.write(Data(json.bytes)) }
    json.bytes.removeAll(keepingCapacity: true)
  }
}
