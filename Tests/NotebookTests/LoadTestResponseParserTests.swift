import NIOCore
import Testing

@testable import Notebook

@Suite("the load tester's HTTP response parser")
struct LoadTestResponseParserTests {
  typealias Response = LoadTestResponseParser.Response

  /// Feeds `text` in pieces of `piece` bytes (all at once when 0); returns the responses and whether it threw.
  func parse(_ text: String, piece: Int = 0, close: Bool = false) -> (responses: [Response], error: String?) {
    var parser = LoadTestResponseParser()
    var responses: [Response] = []
    let bytes = Array(text.utf8)
    let size = piece == 0 ? max(bytes.count, 1) : piece
    var start = 0
    do throws(LoadTestResponseParser.Malformed) {
      while start < bytes.count {
        let end = min(start + size, bytes.count)
        try parser.read(ByteBuffer(bytes: bytes[start..<end])) { responses.append($0) }
        start = end
      }
    } catch {
      return (responses, error.reason)
    }
    if close { parser.closed { responses.append($0) } }
    return (responses, nil)
  }

  @Test("Content-Length bodies, two responses back to back, read whole or a byte at a time")
  func contentLength() {
    let text =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 5\r\n\r\nhello"
      + "HTTP/1.1 422 Unprocessable Content\r\nContent-Length: 2\r\n\r\n{}"
    let expected = [
      Response(status: 200, bodyBytes: 5, keepAlive: true), Response(status: 422, bodyBytes: 2, keepAlive: true),
    ]
    for piece in [0, 1, 3, 7] {
      let (responses, error) = parse(text, piece: piece)
      #expect(error == nil)
      #expect(responses == expected, "pieces of \(piece)")
    }
  }

  @Test("chunked bodies with extensions and trailers count the data, not the framing")
  func chunked() {
    let text =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
      + "5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: yes\r\n\r\n"
      + "HTTP/1.1 204 No Content\r\n\r\n"
    for piece in [0, 1, 4] {
      let (responses, error) = parse(text, piece: piece)
      #expect(error == nil)
      #expect(
        responses == [
          Response(status: 200, bodyBytes: 15, keepAlive: true), Response(status: 204, bodyBytes: 0, keepAlive: true),
        ],
        "pieces of \(piece)")
    }
  }

  @Test("keep-alive: HTTP/1.0 closes unless asked, Connection: close closes, a body without length ends at the close")
  func connectionHandling() {
    #expect(
      parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").responses == [
        Response(status: 200, bodyBytes: 0, keepAlive: false)
      ])
    #expect(
      parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").responses
        == [Response(status: 200, bodyBytes: 0, keepAlive: true)])
    #expect(
      parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok").responses
        == [Response(status: 200, bodyBytes: 2, keepAlive: false)])
    let open = parse("HTTP/1.1 200 OK\r\n\r\nuntil the end", close: false)
    #expect(open.responses.isEmpty)
    #expect(
      parse("HTTP/1.1 200 OK\r\n\r\nuntil the end", close: true).responses
        == [Response(status: 200, bodyBytes: 13, keepAlive: false)])
  }

  @Test("a 100 Continue before the answer is skipped")
  func informational() {
    #expect(
      parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx").responses
        == [Response(status: 201, bodyBytes: 1, keepAlive: true)])
  }

  @Test("bytes that are not HTTP are an error, never a crash or a guess")
  func malformed() {
    #expect(parse("SSH-2.0-OpenSSH_9.2\r\n\r\n").error == "the response does not start with an HTTP/1.x status line")
    #expect(parse("HTTP/1.1 2x0 OK\r\n\r\n").error == "the response does not start with an HTTP/1.x status line")
    #expect(parse("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n").error == "a response header has no colon")
    #expect(parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n").error == "Content-Length is not a number")
    #expect(
      parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").error == "a chunk size is not hexadecimal")
    #expect(
      parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd").error == "a chunk does not end with CRLF")
    let huge = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 70_000) + "\r\n\r\n"
    #expect(parse(huge).error == "the response head, or a line of it, is longer than 64 KiB")
  }
}
