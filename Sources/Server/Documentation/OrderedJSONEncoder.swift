import Foundation

/// Encodes an `Encodable` value as JSON with object keys in the order the value encodes them.
///
/// Foundation's `JSONEncoder` on Linux keeps an object's keys in a `Dictionary`, so without
/// `.sortedKeys` their order changes with each process's hash seed, and two replicas serve
/// different `/openapi.json` bytes; with `.sortedKeys`, `info` would follow `components`
/// and the features their names, not the model. OpenAPIKit encodes in declaration order,
/// which this encoder keeps. Slashes are not escaped, as `.withoutEscapingSlashes` does.
struct OrderedJSONEncoder {
  /// The JSON bytes of `value`.
  /// - Throws: `EncodingError.invalidValue` for a number JSON cannot hold (NaN, infinity).
  func encode(_ value: some Encodable) throws -> [UInt8] {
    let root = Slot()
    try SlotWriter(slot: root, codingPath: []).encode(value)
    var out: [UInt8] = []
    root.write(to: &out)
    return out
  }
}

/// One JSON value being built; containers fill it after they are handed out, hence a class.
private final class Slot {
  enum Kind {
    case empty
    case literal
    case array
    case object
  }

  var kind = Kind.empty
  var literal = ""
  var items: [Slot] = []
  var keys: [String] = []
  var values: [String: Slot] = [:]

  func setLiteral(_ text: String) {
    kind = .literal
    literal = text
  }

  /// The slot for `key`, placed in order on first use; encoding a key again replaces its value.
  func child(forKey key: String) -> Slot {
    kind = .object
    let slot = Slot()
    if values.updateValue(slot, forKey: key) == nil { keys.append(key) }
    return slot
  }

  func appendChild() -> Slot {
    kind = .array
    let slot = Slot()
    items.append(slot)
    return slot
  }

  func makeObject() {
    if kind == .empty { kind = .object }
  }

  func makeArray() {
    if kind == .empty { kind = .array }
  }

  func write(to out: inout [UInt8]) {
    switch kind {
    case .literal:
      out.append(contentsOf: literal.utf8)
    case .array:
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        item.write(to: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object, .empty:
      // A value that encodes nothing is an empty object, as with JSONEncoder.
      out.append(UInt8(ascii: "{"))
      for (i, key) in keys.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: jsonString(key).utf8)
        out.append(UInt8(ascii: ":"))
        values[key]?.write(to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }
}

/// A coding key for error paths: an array index or an object key.
private struct IndexKey: CodingKey {
  var stringValue: String
  var intValue: Int?
  init(_ index: Int) {
    stringValue = "Index \(index)"
    intValue = index
  }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { self.init(intValue) }
}

/// `text` as a JSON string literal: quotes, backslashes and control characters escaped.
private func jsonString(_ text: String) -> String {
  var out = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case _ where scalar.value < 0x20:
      let hex = String(scalar.value, radix: 16)
      out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}

/// A number as JSON writes it: integral values without a fraction, as `JSONEncoder` does.
private func jsonNumber(_ value: Double, codingPath: [any CodingKey]) throws -> String {
  guard value.isFinite else {
    throw EncodingError.invalidValue(
      value, EncodingError.Context(codingPath: codingPath, debugDescription: "\(value) is not a JSON number"))
  }
  var text = "\(value)"
  if text.hasSuffix(".0") { text.removeLast(2) }
  return text
}

/// Encodes a literal or a nested value into a slot: what the three containers share.
private struct SlotWriter {
  let slot: Slot
  let codingPath: [any CodingKey]

  func literal(_ text: String) { slot.setLiteral(text) }

  func encode<T: Encodable>(_ value: T) throws {
    switch value {
    case let v as Bool: literal(v ? "true" : "false")
    case let v as String: literal(jsonString(v))
    case let v as Double: literal(try jsonNumber(v, codingPath: codingPath))
    case let v as Float: literal(try jsonNumber(Double("\(v)") ?? Double(v), codingPath: codingPath))
    case let v as URL: literal(jsonString(v.absoluteString))
    case let v as any BinaryInteger: literal("\(v)")
    default: try value.encode(to: TreeEncoder(slot: slot, codingPath: codingPath))
    }
  }
}

private struct TreeEncoder: Encoder {
  let slot: Slot
  let codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    slot.makeObject()
    return KeyedEncodingContainer(KeyedSlotContainer<Key>(slot: slot, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    slot.makeArray()
    return UnkeyedSlotContainer(slot: slot, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleSlotContainer(writer: SlotWriter(slot: slot, codingPath: codingPath))
  }
}

private struct KeyedSlotContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let slot: Slot
  let codingPath: [any CodingKey]

  private func writer(_ key: Key) -> SlotWriter {
    SlotWriter(slot: slot.child(forKey: key.stringValue), codingPath: codingPath + [key])
  }

  mutating func encodeNil(forKey key: Key) throws { writer(key).literal("null") }
  mutating func encode(_ value: Bool, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: String, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: Double, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: Float, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: Int, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: Int8, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: Int16, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: Int32, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: Int64, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: UInt, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: UInt8, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: UInt16, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: UInt32, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode(_ value: UInt64, forKey key: Key) throws { try writer(key).encode(value) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try writer(key).encode(value) }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
    -> KeyedEncodingContainer<NestedKey>
  {
    let child = slot.child(forKey: key.stringValue)
    child.makeObject()
    return KeyedEncodingContainer(
      KeyedSlotContainer<NestedKey>(slot: child, codingPath: codingPath + [key]))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let child = slot.child(forKey: key.stringValue)
    child.makeArray()
    return UnkeyedSlotContainer(slot: child, codingPath: codingPath + [key])
  }

  mutating func superEncoder() -> any Encoder {
    TreeEncoder(
      slot: slot.child(forKey: "super"), codingPath: codingPath + [IndexKey(stringValue: "super")])
  }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    TreeEncoder(slot: slot.child(forKey: key.stringValue), codingPath: codingPath + [key])
  }
}

private struct UnkeyedSlotContainer: UnkeyedEncodingContainer {
  let slot: Slot
  let codingPath: [any CodingKey]

  var count: Int { slot.items.count }

  private func writer() -> SlotWriter {
    SlotWriter(slot: slot.appendChild(), codingPath: codingPath + [IndexKey(count)])
  }

  mutating func encodeNil() throws { writer().literal("null") }
  mutating func encode(_ value: Bool) throws { try writer().encode(value) }
  mutating func encode(_ value: String) throws { try writer().encode(value) }
  mutating func encode(_ value: Double) throws { try writer().encode(value) }
  mutating func encode(_ value: Float) throws { try writer().encode(value) }
  mutating func encode(_ value: Int) throws { try writer().encode(value) }
  mutating func encode(_ value: Int8) throws { try writer().encode(value) }
  mutating func encode(_ value: Int16) throws { try writer().encode(value) }
  mutating func encode(_ value: Int32) throws { try writer().encode(value) }
  mutating func encode(_ value: Int64) throws { try writer().encode(value) }
  mutating func encode(_ value: UInt) throws { try writer().encode(value) }
  mutating func encode(_ value: UInt8) throws { try writer().encode(value) }
  mutating func encode(_ value: UInt16) throws { try writer().encode(value) }
  mutating func encode(_ value: UInt32) throws { try writer().encode(value) }
  mutating func encode(_ value: UInt64) throws { try writer().encode(value) }
  mutating func encode<T: Encodable>(_ value: T) throws { try writer().encode(value) }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    let path = codingPath + [IndexKey(count)]
    let child = slot.appendChild()
    child.makeObject()
    return KeyedEncodingContainer(KeyedSlotContainer<NestedKey>(slot: child, codingPath: path))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let path = codingPath + [IndexKey(count)]
    let child = slot.appendChild()
    child.makeArray()
    return UnkeyedSlotContainer(slot: child, codingPath: path)
  }

  mutating func superEncoder() -> any Encoder {
    let path = codingPath + [IndexKey(count)]
    return TreeEncoder(slot: slot.appendChild(), codingPath: path)
  }
}

private struct SingleSlotContainer: SingleValueEncodingContainer {
  let writer: SlotWriter
  var codingPath: [any CodingKey] { writer.codingPath }

  mutating func encodeNil() throws { writer.literal("null") }
  mutating func encode(_ value: Bool) throws { try writer.encode(value) }
  mutating func encode(_ value: String) throws { try writer.encode(value) }
  mutating func encode(_ value: Double) throws { try writer.encode(value) }
  mutating func encode(_ value: Float) throws { try writer.encode(value) }
  mutating func encode(_ value: Int) throws { try writer.encode(value) }
  mutating func encode(_ value: Int8) throws { try writer.encode(value) }
  mutating func encode(_ value: Int16) throws { try writer.encode(value) }
  mutating func encode(_ value: Int32) throws { try writer.encode(value) }
  mutating func encode(_ value: Int64) throws { try writer.encode(value) }
  mutating func encode(_ value: UInt) throws { try writer.encode(value) }
  mutating func encode(_ value: UInt8) throws { try writer.encode(value) }
  mutating func encode(_ value: UInt16) throws { try writer.encode(value) }
  mutating func encode(_ value: UInt32) throws { try writer.encode(value) }
  mutating func encode(_ value: UInt64) throws { try writer.encode(value) }
  mutating func encode<T: Encodable>(_ value: T) throws { try writer.encode(value) }
}
