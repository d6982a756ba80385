import Foundation
import Model

/// Writes `fathom predict`'s predictions to standard output in the wire codec's form, in
/// chunks: JSON Lines (one `Prediction.writeJSON` object a line) or CSV (the header of the
/// first prediction, then a record each).
struct PredictionOutput {
  private let format: PredictCommand.OutputFormat
  private let signature: Signature
  private var json = JSONWriter(capacity: 1 << 16)
  private var csv = CSVWriter(capacity: 1 << 16)
  private var wroteHeader = false

  /// How much is buffered before it is written out.
  private static let chunk = 1 << 16

  init(format: PredictCommand.OutputFormat, signature: Signature) {
    self.format = format
    self.signature = signature
  }

  /// Buffers one prediction, writing the buffer out when it is full.
  mutating func write(_ prediction: Prediction) {
    switch format {
    case .jsonl:
      prediction.writeJSON(to: &json)
      json.bytes.append(0x0A)
      if json.bytes.count >= Self.chunk { flush() }
    case .csv:
      if !wroteHeader {
        Prediction.writeCSVHeader(like: prediction, signature: signature, to: &csv)
        wroteHeader = true
      }
      prediction.writeCSVRecord(to: &csv)
      if csv.bytes.count >= Self.chunk { flush() }
    }
  }

  /// Writes what is buffered; for CSV without a single prediction, the header the model promises.
  mutating func finish() {
    if format == .csv, !wroteHeader {
      Prediction.writeCSVHeader(like: nil, signature: signature, to: &csv)
      wroteHeader = true
    }
    flush()
  }

  private mutating func flush() {
    for bytes in [json.bytes, csv.bytes] where !bytes.isEmpty { FileHandle.standardOutput.write(Data(bytes)) }
    json.bytes.removeAll(keepingCapacity: true)
    csv.bytes.removeAll(keepingCapacity: true)
  }
}
