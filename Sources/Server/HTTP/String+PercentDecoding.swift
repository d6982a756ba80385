extension String {
  /// Decodes `%XX` escapes; nil when an escape is malformed or the result is not UTF-8.
  var removingPercentEncoding: String {
    guard contains("%") else { return self }
    var bytes: [UInt8] = []
    var iterator = utf8.makeIterator()
    while let b = iterator.next() {
      if b == UInt8(ascii: "%"), let h = iterator.next(), let l = iterator.next(),
        let value = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16)
      {
        bytes.append(value)
      } else {
        bytes.append(b)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
