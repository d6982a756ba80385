import Foundation

/// Reads rows of features from CSV or JSON Lines, for batch scoring.
package enum RowReader {
  /// One input row: its 1-based number in the file, and its features or what is wrong with it.
  package struct Row: Sendable {
    package var number: Int
    package var values: Result<[String: FeatureValue], RowError>
  }

  /// Why a row could not be read.
  package struct RowError: Error, Sendable, CustomStringConvertible {
    package var description: String
  }

  /// Parses JSON Lines: one object of features per line; blank lines are skipped.
  package static func jsonLines(_ text: String) -> [Row] {
    var rows: [Row] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
      if trimmed.isEmpty { continue }
      rows.append(Row(number: index + 1, values: parseObject(Array(trimmed.utf8))))
    }
    return rows
  }

  /// Parses one JSON object of features.
  package static func parseObject(_ bytes: [UInt8]) -> Result<[String: FeatureValue], RowError> {
    let value: JSONValue
    do {
      value = try JSONParser.parse(bytes)
    } catch {
      return .failure(RowError(description: "not valid JSON: \(error)"))
    }
    guard case .object(let members) = value else {
      return .failure(RowError(description: "expected a JSON object of features by name"))
    }
    var features: [String: FeatureValue] = [:]
    for (key, v) in members { features[key] = v.featureValue }
    return .success(features)
  }

  /// Parses CSV with a header row of feature names. Cells that look like numbers become
  /// numbers unless the feature is a string or category; empty cells are missing.
  package static func csv(_ text: String, model: Model) -> [Row] {
    var records = parseCSV(text)
    guard !records.isEmpty else { return [] }
    let header = records.removeFirst().map { $0.trimmingCharacters(in: .whitespaces) }
    var rows: [Row] = []
    for (index, record) in records.enumerated() {
      let number = index + 2
      if record.count == 1, record[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
      guard record.count == header.count else {
        rows.append(
          Row(
            number: number,
            values: .failure(RowError(description: "has \(record.count) cells; the header has \(header.count)"))))
        continue
      }
      var values: [String: FeatureValue] = [:]
      for (name, cell) in zip(header, record) {
        if cell.isEmpty { continue }
        let textual: Bool
        switch model.signature.feature(named: name)?.type {
        case .string?, .category?: textual = true
        default: textual = false
        }
        if !textual, let d = Double(cell.trimmingCharacters(in: .whitespaces)) {
          values[name] = .number(d)
        } else if !textual, ["true", "false"].contains(cell.lowercased()) {
          values[name] = .bool(cell.lowercased() == "true")
        } else {
          values[name] = .string(cell)
        }
      }
      rows.append(Row(number: number, values: .success(values)))
    }
    return rows
  }

  /// Splits RFC 4180 CSV into records of cells (quoted cells may hold commas, quotes and newlines).
  package static func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var cell = ""
    var quoted = false
    var iterator = text.makeIterator()
    var pending: Character? = nil
    while let c = pending ?? iterator.next() {
      pending = nil
      if quoted {
        if c == "\"" {
          if let next = iterator.next() {
            if next == "\"" { cell.append("\"") } else { quoted = false; pending = next }
          } else {
            quoted = false
          }
        } else {
          cell.append(c)
        }
        continue
      }
      switch c {
      case "\"" where cell.isEmpty: quoted = true
      case ",":
        record.append(cell)
        cell = ""
      case "\n", "\r\n":
        record.append(cell)
        records.append(record)
        record = []
        cell = ""
      case "\r": continue
      default: cell.append(c)
      }
    }
    if !cell.isEmpty || !record.isEmpty {
      record.append(cell)
      records.append(record)
    }
    return records
  }
}
