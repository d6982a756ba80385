/// A strict JSON parser for request bodies: objects of features, and batches of them.
///
/// Hand-written because it is on the server's hot path: it reads UTF-8 bytes once,
/// allocates only the strings and containers it returns, and reports the byte offset
/// of the first error as FastAPI's `json_invalid` does. It also reads `NaN`, `Infinity`
/// and `-Infinity`, as Python's `json` writes them.
package struct JSONParser {
  /// How deeply arrays and objects may nest: enough for any request, too little to exhaust the stack.
  static let maximumDepth = 64

  /// Parses a complete document.
  /// - Parameter maximumItems: the most items an array at the top or one level down (a
  ///   batch's `instances`) may hold. Past it the items are read and checked but not kept, so
  ///   an oversized batch costs no memory, and the error carries the array's length.
  package static func parse<C: Collection>(_ bytes: C, maximumItems: Int = .max) throws(JSONParseError) -> JSONValue
  where C.Element == UInt8 {
    let array = Array(bytes)
    return try array.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
      var parser = Cursor(bytes: buffer, maximumItems: maximumItems)
      parser.skipSpace()
      let value = try parser.value(depth: 0)
      parser.skipSpace()
      guard parser.index == buffer.count else { throw parser.fail("unexpected text after the JSON value") }
      return value
    }
  }

  struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var maximumItems = Int.max
    var index = 0

    func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    mutating func skipSpace() {
      while index < bytes.count {
        switch bytes[index] {
        case 0x20, 0x09, 0x0A, 0x0D: index += 1
        default: return
        }
      }
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
      guard depth < JSONParser.maximumDepth else { throw fail("JSON nested too deeply") }
      guard index < bytes.count else { throw fail("unexpected end of JSON input") }
      switch bytes[index] {
      case UInt8(ascii: "{"): return try object(depth: depth)
      case UInt8(ascii: "["): return try array(depth: depth)
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): try literal("true"); return .bool(true)
      case UInt8(ascii: "f"): try literal("false"); return .bool(false)
      case UInt8(ascii: "n"): try literal("null"); return .null
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
      case UInt8(ascii: "N"): try literal("NaN"); return .number(.nan)
      case UInt8(ascii: "I"): try literal("Infinity"); return .number(.infinity)
      default: throw fail("expected a JSON value")
      }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
      let n = word.utf8CodeUnitCount
      guard index + n <= bytes.count else { throw fail("expected a JSON value") }
      let start = word.utf8Start
      for i in 0..<n where bytes[index + i] != start[i] { throw fail("expected a JSON value") }
      index += n
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
      index += 1
      var members: [(String, JSONValue)] = []
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
          throw fail("expected a property name enclosed in double quotes")
        }
        let key = try string()
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
          throw fail("expected ':' after a property name")
        }
        index += 1
        skipSpace()
        members.append((key, try value(depth: depth + 1)))
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end of JSON input") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(members)
        } else {
          throw fail("expected ',' or '}' after an object member")
        }
      }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
      let start = index
      index += 1
      var items: [JSONValue] = []
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      }
      let limit = depth <= 1 ? maximumItems : Int.max
      var count = 0
      while true {
        skipSpace()
        let item = try value(depth: depth + 1)
        count += 1
        if count <= limit { items.append(item) }
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end of JSON input") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "]") {
          index += 1
          guard count <= limit else {
            throw JSONParseError(
              offset: start, reason: "an array of \(count) items, more than \(limit)", itemCount: count)
          }
          return .array(items)
        } else {
          throw fail("expected ',' or ']' after an array element")
        }
      }
    }

    mutating func number() throws(JSONParseError) -> Double {
      let start = index
      if bytes[index] == UInt8(ascii: "-") {
        index += 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "I") {
          try literal("Infinity")
          return -.infinity
        }
      }
      func digits() -> Int {
        let s = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        return index - s
      }
      guard digits() > 0 else { throw fail("expected a digit") }
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        guard digits() > 0 else { throw fail("expected a digit after the decimal point") }
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
        index += 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() > 0 else { throw fail("expected a digit in the exponent") }
      }
      let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
      guard let d = Double(text) else { throw JSONParseError(offset: start, reason: "invalid number") }
      return d
    }

    mutating func string() throws(JSONParseError) -> String {
      index += 1
      let start = index
      // Fast path: no escapes.
      while index < bytes.count {
        let b = bytes[index]
        if b == UInt8(ascii: "\"") {
          // Validated, not decoded: bytes that are not UTF-8 must not become U+FFFD quietly.
          guard let s = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self) else {
            throw JSONParseError(offset: start, reason: "a string that is not valid UTF-8")
          }
          index += 1
          return s
        }
        if b == UInt8(ascii: "\\") || b < 0x20 { break }
        index += 1
      }
      var out = Array(bytes[start..<index])
      while index < bytes.count {
        let b = bytes[index]
        switch b {
        case UInt8(ascii: "\""):
          index += 1
          guard let s = String(validating: out, as: UTF8.self) else {
            throw JSONParseError(offset: start, reason: "a string that is not valid UTF-8")
          }
          return s
        case UInt8(ascii: "\\"):
          index += 1
          guard index < bytes.count else { throw fail("unterminated string") }
          let e = bytes[index]
          index += 1
          switch e {
          case UInt8(ascii: "\""): out.append(0x22)
          case UInt8(ascii: "\\"): out.append(0x5C)
          case UInt8(ascii: "/"): out.append(0x2F)
          case UInt8(ascii: "b"): out.append(0x08)
          case UInt8(ascii: "f"): out.append(0x0C)
          case UInt8(ascii: "n"): out.append(0x0A)
          case UInt8(ascii: "r"): out.append(0x0D)
          case UInt8(ascii: "t"): out.append(0x09)
          case UInt8(ascii: "u"):
            var scalar = try hex4()
            if scalar >= 0xD800, scalar < 0xDC00 {
              guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
              else {
                throw fail("unpaired surrogate in a string")
              }
              index += 2
              let low = try hex4()
              guard low >= 0xDC00, low < 0xE000 else { throw fail("invalid surrogate pair in a string") }
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
            out.append(contentsOf: Array(String(Character(u)).utf8))
          default:
            throw fail("invalid escape in a string")
          }
        default:
          guard b >= 0x20 else { throw fail("invalid control character in a string") }
          out.append(b)
          index += 1
        }
      }
      throw fail("unterminated string")
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
      guard index + 4 <= bytes.count else { throw fail("invalid \\u escape") }
      var v: UInt32 = 0
      for _ in 0..<4 {
        let c = bytes[index]
        let d: UInt32
        switch c {
        case 0x30...0x39: d = UInt32(c - 0x30)
        case 0x41...0x46: d = UInt32(c - 0x41 + 10)
        case 0x61...0x66: d = UInt32(c - 0x61 + 10)
        default: throw fail("invalid \\u escape")
        }
        v = v << 4 | d
        index += 1
      }
      return v
    }
  }
}
