import Model

/// Writes JSON text straight into bytes: the server's responses are built with it
/// instead of `Codable`, because encoding is on the hot path of every request.
struct JSONWriter {
  /// The text written so far, UTF-8.
  var bytes: [UInt8] = []

  init(capacity: Int = 256) {
    bytes.reserveCapacity(capacity)
  }

  /// Appends raw, already valid JSON (or punctuation).
  mutating func raw(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  /// Appends raw, already valid JSON bytes.
  mutating func raw(bytes other: [UInt8]) {
    bytes.append(contentsOf: other)
  }

  /// Appends a quoted, escaped string.
  mutating func string(_ text: String) {
    bytes.append(0x22)
    var text = text
    text.withUTF8 { utf8 in
      var start = 0
      for i in 0..<utf8.count {
        let b = utf8[i]
        guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
        if start < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i])) }
        start = i + 1
        switch b {
        case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
        case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
        case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
        case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
        default:
          let hex: [UInt8] = Array("0123456789abcdef".utf8)
          bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
        }
      }
      if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count])) }
    }
    bytes.append(0x22)
  }

  /// Appends a number; NaN and infinities, which JSON cannot hold, become `null`.
  mutating func number(_ value: Double) {
    guard value.isFinite else {
      raw("null")
      return
    }
    if value == value.rounded(), abs(value) < 1e15 {
      integer(Int64(value))
    } else {
      bytes.append(contentsOf: value.description.utf8)
    }
  }

  /// Appends an integer.
  mutating func integer(_ value: Int64) {
    bytes.append(contentsOf: String(value).utf8)
  }

  /// Appends an integer.
  mutating func integer(_ value: Int) {
    integer(Int64(value))
  }

  /// Appends `true` or `false`.
  mutating func bool(_ value: Bool) {
    if value { raw("true") } else { raw("false") }
  }

  /// Appends `"key":`.
  mutating func key(_ name: String) {
    string(name)
    bytes.append(UInt8(ascii: ":"))
  }

  /// Appends a comma unless `first`, then clears `first`.
  mutating func separator(_ first: inout Bool) {
    if first { first = false } else { bytes.append(UInt8(ascii: ",")) }
  }

  /// Appends an array of strings.
  mutating func strings(_ values: [String]) {
    bytes.append(UInt8(ascii: "["))
    var first = true
    for v in values {
      separator(&first)
      string(v)
    }
    bytes.append(UInt8(ascii: "]"))
  }

  /// Appends a parsed JSON value back as text.
  mutating func value(_ value: JSONValue) {
    switch value {
    case .null: raw("null")
    case .bool(let b): bool(b)
    case .number(let d): number(d)
    case .string(let s): string(s)
    case .array(let items):
      bytes.append(UInt8(ascii: "["))
      var first = true
      for item in items {
        separator(&first)
        self.value(item)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let members):
      bytes.append(UInt8(ascii: "{"))
      var first = true
      for (k, v) in members {
        separator(&first)
        key(k)
        self.value(v)
      }
      bytes.append(UInt8(ascii: "}"))
    }
  }

  /// Appends a feature value as JSON.
  mutating func featureValue(_ value: FeatureValue) {
    switch value {
    case .number(let d):
      // A non-finite input is echoed as a string so the client sees what it sent.
      if d.isFinite { number(d) } else { string(d.isNaN ? "NaN" : (d < 0 ? "-Infinity" : "Infinity")) }
    case .string(let s): string(s)
    case .bool(let b): bool(b)
    case .null: raw("null")
    case .unsupported(let kind): string(kind)
    }
  }

  /// Appends a class label: a number for integer labels, a string otherwise.
  mutating func label(_ label: ClassLabel) {
    switch label {
    case .int(let v): integer(v)
    case .string(let s): string(s)
    }
  }
}
