internal import NIOCore

/// Reads HTTP/1.1 responses off a connection's bytes as far as a load test needs them:
/// the status, where the body ends (`Content-Length`, chunked, or the end of the
/// connection) and how many body bytes there were, and whether the connection stays open.
///
/// NIO's general decoder builds every header as strings and every part as a message
/// through the pipeline; on two shared cores that cost showed up as requests per second
/// the load tester could not send (perf: about half of its CPU per request). This reads
/// the bytes in place and allocates nothing per response.
struct LoadTestResponseParser {
  /// One whole response.
  struct Response: Equatable {
    var status: Int
    /// Body bytes, without chunk framing.
    var bodyBytes: Int
    /// Whether the server keeps the connection open for the next request.
    var keepAlive: Bool
  }

  /// Why the bytes are not an HTTP/1.x response.
  struct Malformed: Error, Equatable {
    var reason: String
  }

  private enum State {
    case head
    case body(remaining: Int)
    case chunkSize
    case chunkData(remaining: Int)
    case chunkEnd
    case trailers
    case untilClose
  }

  /// The longest status line and headers accepted, as servers commonly limit requests.
  static let maximumHeadBytes = 64 * 1024

  private var state = State.head
  /// A head, chunk-size line or trailer not yet complete.
  private var pending: [UInt8] = []
  private var current = Response(status: 0, bodyBytes: 0, keepAlive: true)

  /// Reads `bytes`; calls `complete` for each response that ends in them.
  mutating func read(_ bytes: ByteBuffer, _ complete: (Response) -> Void) throws(Malformed) {
    var result: Malformed?
    bytes.withUnsafeReadableBytes { raw in
      do throws(Malformed) {
        var index = 0
        while index < raw.count { index = try step(raw, from: index, complete) }
      } catch {
        result = error
      }
    }
    if let result { throw result }
  }

  /// The connection ended: a body that runs until the close is complete now.
  mutating func closed(_ complete: (Response) -> Void) {
    if case .untilClose = state {
      complete(current)
      state = .head
    }
  }

  /// Reads from `index` as far as the current state goes; returns where it stopped.
  private mutating func step(
    _ raw: UnsafeRawBufferPointer, from index: Int, _ complete: (Response) -> Void
  ) throws(Malformed) -> Int {
    switch state {
    case .head:
      guard let end = try line(raw, from: index, terminator: [13, 10, 13, 10]) else { return raw.count }
      try head(complete)
      return end
    case .body(let remaining):
      let taken = min(remaining, raw.count - index)
      current.bodyBytes += taken
      if taken == remaining {
        finish(complete)
      } else {
        state = .body(remaining: remaining - taken)
      }
      return index + taken
    case .chunkSize:
      guard let end = try line(raw, from: index, terminator: [13, 10]) else { return raw.count }
      guard let size = Self.chunkSize(pending) else { throw Malformed(reason: "a chunk size is not hexadecimal") }
      pending.removeAll(keepingCapacity: true)
      state = size == 0 ? .trailers : .chunkData(remaining: size)
      return end
    case .chunkData(let remaining):
      let taken = min(remaining, raw.count - index)
      current.bodyBytes += taken
      state = taken == remaining ? .chunkEnd : .chunkData(remaining: remaining - taken)
      return index + taken
    case .chunkEnd:
      pending.append(raw[index])
      if pending.count == 2 {
        guard pending == [13, 10] else { throw Malformed(reason: "a chunk does not end with CRLF") }
        pending.removeAll(keepingCapacity: true)
        state = .chunkSize
      }
      return index + 1
    case .trailers:
      guard let end = try line(raw, from: index, terminator: [13, 10]) else { return raw.count }
      let empty = pending == [13, 10]
      pending.removeAll(keepingCapacity: true)
      if empty { finish(complete) }
      return end
    case .untilClose:
      current.bodyBytes += raw.count - index
      return raw.count
    }
  }

  /// Appends bytes to `pending` up to and including the end of `terminator`; returns the index
  /// after it, or `nil` when the bytes ran out first.
  /// - Throws: when `pending` grows past ``maximumHeadBytes`` without the terminator.
  private mutating func line(
    _ raw: UnsafeRawBufferPointer, from index: Int, terminator: [UInt8]
  ) throws(Malformed) -> Int? {
    var i = index
    while i < raw.count {
      guard pending.count < Self.maximumHeadBytes else {
        throw Malformed(reason: "the response head, or a line of it, is longer than 64 KiB")
      }
      pending.append(raw[i])
      i += 1
      if pending.count >= terminator.count, pending.last == terminator.last,
        pending[(pending.count - terminator.count)...].elementsEqual(terminator)
      {
        return i
      }
    }
    return nil
  }

  /// A complete status line and headers are in `pending`.
  private mutating func head(_ complete: (Response) -> Void) throws(Malformed) {
    defer { pending.removeAll(keepingCapacity: true) }
    // "HTTP/1.x NNN": the version's minor digit, then the three status digits.
    guard pending.count >= 12, pending.starts(with: Self.httpPrefix), pending[8] == UInt8(ascii: " "),
      let status = Self.number(pending[9..<12]), status >= 100
    else {
      throw Malformed(reason: "the response does not start with an HTTP/1.x status line")
    }
    var keepAlive = pending[7] == UInt8(ascii: "1")
    var length: Int?
    var chunked = false
    // Header lines: from after the status line's CRLF to the blank line.
    var lineStart = (pending.firstIndex(of: 10) ?? pending.count) + 1
    while lineStart < pending.count {
      var lineEnd = pending[lineStart...].firstIndex(of: 10) ?? pending.count
      if lineEnd > lineStart && pending[lineEnd - 1] == 13 { lineEnd -= 1 }
      defer { lineStart = (pending[lineStart...].firstIndex(of: 10) ?? pending.count) + 1 }
      if lineEnd == lineStart { continue }
      let header = pending[lineStart..<lineEnd]
      guard let colon = header.firstIndex(of: UInt8(ascii: ":")) else {
        throw Malformed(reason: "a response header has no colon")
      }
      let name = header[..<colon]
      var value = header[(colon + 1)...]
      while let first = value.first, first == 32 || first == 9 { value = value.dropFirst() }
      while let last = value.last, last == 32 || last == 9 { value = value.dropLast() }
      if Self.equalsIgnoringCase(name, "content-length") {
        guard let n = Self.number(value) else { throw Malformed(reason: "Content-Length is not a number") }
        length = n
      } else if Self.equalsIgnoringCase(name, "transfer-encoding") {
        chunked = value.count >= 7 && Self.equalsIgnoringCase(value.suffix(7), "chunked")
      } else if Self.equalsIgnoringCase(name, "connection") {
        if Self.containsIgnoringCase(value, "close") {
          keepAlive = false
        } else if Self.containsIgnoringCase(value, "keep-alive") {
          keepAlive = true
        }
      }
    }
    // 1xx answers come before the real one; 204 and 304 have no body.
    if status < 200 && status != 101 { return }
    current = Response(status: status, bodyBytes: 0, keepAlive: keepAlive)
    if status == 204 || status == 304 || status == 101 {
      finish(complete)
    } else if chunked {
      state = .chunkSize
    } else if let length {
      if length == 0 { finish(complete) } else { state = .body(remaining: length) }
    } else {
      current.keepAlive = false
      state = .untilClose
    }
  }

  /// The hexadecimal size at the start of a chunk-size line (extensions after `;` ignored).
  private static func chunkSize(_ line: [UInt8]) -> Int? {
    var value = 0
    var digits = 0
    for c in line {
      let digit: Int
      switch c {
      case 48...57: digit = Int(c - 48)
      case 65...70: digit = Int(c - 55)
      case 97...102: digit = Int(c - 87)
      case UInt8(ascii: ";"), 13, 32, 9: return digits > 0 ? value : nil
      default: return nil
      }
      digits += 1
      guard digits <= 15 else { return nil }
      value = value * 16 + digit
    }
    return digits > 0 ? value : nil
  }

  private static let httpPrefix = Array("HTTP/1.".utf8)

  /// Decimal digits only, at most 15 of them.
  private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
    guard !digits.isEmpty, digits.count <= 15 else { return nil }
    var value = 0
    for d in digits {
      guard d >= 48 && d <= 57 else { return nil }
      value = value * 10 + Int(d - 48)
    }
    return value
  }

  /// ASCII letters compared without case; `lowercase` must be lowercase.
  private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
    guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
    return lowercase.withUTF8Buffer { expected in
      zip(bytes, expected).allSatisfy { ($0 >= 65 && $0 <= 90 ? $0 + 32 : $0) == $1 }
    }
  }

  private static func containsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
    let n = lowercase.utf8CodeUnitCount
    guard bytes.count >= n else { return false }
    var start = bytes.startIndex
    while start + n <= bytes.endIndex {
      if equalsIgnoringCase(bytes[start..<(start + n)], lowercase) { return true }
      start += 1
    }
    return false
  }

  private mutating func finish(_ complete: (Response) -> Void) {
    complete(current)
    state = .head
  }
}
