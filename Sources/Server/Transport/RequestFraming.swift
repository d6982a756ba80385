import NIOHTTP1

/// How a request says where its body ends, checked as RFC 9112 §6 asks of a server.
///
/// Two parties that read one request's framing differently (a proxy in front and fathom
/// behind it) are how requests get smuggled, so anything but one clear answer is refused:
/// `Transfer-Encoding` other than a lone `chunked` (`identity` is obsolete, other codings
/// are not decoded here), `Transfer-Encoding` with `Content-Length`, and
/// `Transfer-Encoding` on HTTP/1.0, which has no chunked coding.
enum RequestFraming {
  /// Why the request's framing is refused, or `nil` when it is unambiguous.
  static func problem(in head: HTTPRequestHead) -> String? {
    // The common case, no Transfer-Encoding, without building the list of its values.
    guard head.headers.contains(name: "Transfer-Encoding") else { return nil }
    let transferEncoding = head.headers["Transfer-Encoding"]
    if head.version.major == 1 && head.version.minor == 0 {
      return "Transfer-Encoding is not allowed on an HTTP/1.0 request; send Content-Length"
    }
    if head.headers.contains(name: "Content-Length") {
      return "A request may not carry both Content-Length and Transfer-Encoding"
    }
    let codings = transferEncoding.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
      .map { $0.trimmingCharacters(in: " \t").lowercased() }
    guard codings == ["chunked"] else {
      return "Transfer-Encoding must be chunked alone; other and repeated codings are not accepted"
    }
    return nil
  }

  /// Whether the request announces a body: a positive `Content-Length` or chunked coding.
  static func hasBody(_ head: HTTPRequestHead) -> Bool {
    if head.headers.contains(name: "Transfer-Encoding") { return true }
    // One Content-Length (a request with two was refused by the decoder).
    guard let length = head.headers.first(name: "Content-Length") else { return false }
    return Int(length).map { $0 > 0 } ?? true
  }
}

extension Substring {
  /// The text without leading and trailing characters from `set` (HTTP's optional whitespace).
  fileprivate func trimmingCharacters(in set: String) -> Substring {
    var s = self
    while let c = s.first, set.contains(c) { s = s.dropFirst() }
    while let c = s.last, set.contains(c) { s = s.dropLast() }
    return s
  }
}
