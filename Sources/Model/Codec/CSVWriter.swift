/// Writes CSV (RFC 4180) straight into bytes: the one place for CSV's quoting rule and,
/// through `formatNumber`, for how numbers read in a cell.
package struct CSVWriter: Sendable {
  /// The text written so far, UTF-8.
  package var bytes: [UInt8] = []
  /// Whether the next field starts a record (and so needs no comma before it).
  private var atRecordStart = true

  /// Creates an empty writer with room for `capacity` bytes.
  package init(capacity: Int = 256) {
    bytes.reserveCapacity(capacity)
  }

  /// Appends a text field, quoted when it holds a comma, a quote or a line break.
  package mutating func field(_ text: String) {
    startField()
    guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
      bytes.append(contentsOf: text.utf8)
      return
    }
    bytes.append(0x22)
    for b in text.utf8 {
      if b == 0x22 { bytes.append(0x22) }
      bytes.append(b)
    }
    bytes.append(0x22)
  }

  /// Appends a number as `formatNumber` writes it (`NaN`, `Infinity` for non-finite values,
  /// which `RowReader.csv` reads back).
  package mutating func number(_ value: Double) {
    startField()
    bytes.append(contentsOf: formatNumber(value).utf8)
  }

  /// Ends the record with a line feed.
  package mutating func endRecord() {
    bytes.append(0x0A)
    atRecordStart = true
  }

  private mutating func startField() {
    if atRecordStart { atRecordStart = false } else { bytes.append(UInt8(ascii: ",")) }
  }
}
