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

  /// The text of a file of rows: UTF-8, with or without a byte-order mark, lines ending in LF
  /// or CRLF. UTF-16 and UTF-32, bytes that are not UTF-8, NUL bytes and lines ending in CR
  /// alone fail with what was found and where.
  package static func text(_ bytes: [UInt8]) -> Result<String, RowError> {
    var bytes = bytes[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0, 0, 0xFE, 0xFF]) {
      return .failure(RowError(description: "is UTF-16 or UTF-32 text; save it as UTF-8"))
    }
    if let nul = bytes.firstIndex(of: 0) {
      let line = bytes[..<nul].count(where: { $0 == 0x0A }) + 1
      return .failure(
        RowError(description: "holds a NUL byte on line \(line); is it UTF-16 or binary? save it as UTF-8 text"))
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      var line = 1
      var start = bytes.startIndex
      // The first line that does not decode names the place.
      for (index, byte) in zip(bytes.indices, bytes) where byte == 0x0A {
        if String(validating: bytes[start..<index], as: UTF8.self) == nil { break }
        line += 1
        start = index + 1
      }
      return .failure(RowError(description: "is not UTF-8 text (line \(line)); save it as UTF-8"))
    }
    if bytes.contains(0x0D), !bytes.contains(0x0A) {
      return .failure(RowError(description: "ends its lines with CR alone; save it with LF or CRLF line endings"))
    }
    return .success(text)
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
  /// numbers unless the feature is a string or category; an empty cell is a missing value:
  /// NaN for a number the model imputes, otherwise absent (the default fills it, or it is
  /// reported missing).
  package static func csv(_ text: String, model: Model) -> [Row] {
    var records = parseCSV(text)
    guard !records.isEmpty else { return [] }
    let header = records.removeFirst().map { $0.trimmingCharacters(in: .whitespaces) }
    var rows: [Row] = []
    for (index, record) in records.enumerated() {
      let number = index + 2
      if record.count == 1, record[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
      if record.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
        // `,,,`: not a row of defaults, most likely a spreadsheet's empty line.
        rows.append(Row(number: number, values: .failure(RowError(description: "is blank: every cell is empty"))))
        continue
      }
      guard record.count == header.count else {
        rows.append(
          Row(
            number: number,
            values: .failure(RowError(description: "has \(record.count) cells; the header has \(header.count)"))))
        continue
      }
      var values: [String: FeatureValue] = [:]
      for (name, cell) in zip(header, record) {
        let textual: Bool
        let type = model.signature.feature(named: name)?.type
        switch type {
        case .string?, .category?: textual = true
        default: textual = false
        }
        if cell.isEmpty {
          // pandas writes NaN as an empty cell: a number the model imputes, where it does;
          // elsewhere the feature is missing (its default, if it has one, fills it).
          if model.acceptsMissingNumbers, type == .number || type == .integer { values[name] = .number(.nan) }
          continue
        }
        if !textual, let d = parseNumber(cell.trimmingCharacters(in: .whitespaces)) {
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
