/// Writes JSON text straight into bytes: the server's responses and `fathom predict`'s
/// JSON Lines are built with it instead of `Codable`, because encoding is on the hot path
/// of every request.
package struct JSONWriter: Sendable {
  /// The text written so far, UTF-8.
  package var bytes: [UInt8] = []

  /// Creates an empty writer with room for `capacity` bytes.
  package init(capacity: Int = 256) {
    bytes.reserveCapacity(capacity)
  }

  /// Appends raw, already valid JSON (or punctuation).
  @inlinable
  package mutating func raw(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  /// Appends raw, already valid JSON bytes.
  @inlinable
  package mutating func raw(bytes other: [UInt8]) {
    bytes.append(contentsOf: other)
  }

  /// Appends a quoted string with the escapes RFC 8259 requires.
  package mutating func string(_ text: String) {
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

  /// Appends a number as `formatNumber` writes it; NaN and infinities, which JSON cannot
  /// hold, become `null`.
  package mutating func number(_ value: Double) {
    guard value.isFinite else {
      raw("null")
      return
    }
    bytes.append(contentsOf: formatNumber(value).utf8)
  }

  /// Appends a 32-bit float in its own shortest form (so 0.9 stays 0.9, not 0.8999999761581421).
  package mutating func float(_ value: Float) {
    guard value.isFinite else {
      raw("null")
      return
    }
    if value == value.rounded(), abs(value) < 1e7 {
      integer(Int64(value))
    } else {
      bytes.append(contentsOf: value.description.utf8)
    }
  }

  /// Appends an integer.
  package mutating func integer(_ value: Int64) {
    bytes.append(contentsOf: String(value).utf8)
  }

  /// Appends an integer.
  package mutating func integer(_ value: Int) {
    integer(Int64(value))
  }

  /// Appends `true` or `false`.
  package mutating func bool(_ value: Bool) {
    if value { raw("true") } else { raw("false") }
  }

  /// Appends `"key":`.
  package mutating func key(_ name: String) {
    string(name)
    bytes.append(UInt8(ascii: ":"))
  }

  /// Appends a comma unless `first`, then clears `first`.
  @inlinable
  package mutating func separator(_ first: inout Bool) {
    if first { first = false } else { bytes.append(UInt8(ascii: ",")) }
  }

  /// Appends an array of strings.
  package mutating func strings(_ values: [String]) {
    bytes.append(UInt8(ascii: "["))
    var first = true
    for v in values {
      separator(&first)
      string(v)
    }
    bytes.append(UInt8(ascii: "]"))
  }

  /// Appends a parsed JSON value back as text.
  package mutating func value(_ value: JSONValue) {
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
  package mutating func featureValue(_ value: FeatureValue) {
    switch value {
    case .number(let d):
      // A non-finite input is echoed as a string so the client sees what it sent.
      if d.isFinite { number(d) } else { string(formatNumber(d)) }
    case .string(let s): string(s)
    case .bool(let b): bool(b)
    case .null: raw("null")
    case .unsupported(let kind): string(kind)
    }
  }

  /// Appends a class label: a number for integer labels, a string otherwise.
  package mutating func label(_ label: ClassLabel) {
    switch label {
    case .int(let v): integer(v)
    case .string(let s): string(s)
    }
  }
}
