import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
  /// A JSON response from bytes.
  static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
    Response(
      status: status, headers: [.contentType: "application/json"],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  /// A JSON response from fixed text.
  static func json(_ text: StaticString, status: HTTPResponse.Status = .ok) -> Response {
    let bytes = text.withUTF8Buffer { Array($0) }
    return json(bytes: bytes, status: status)
  }

  /// An HTML page.
  static func html(_ bytes: [UInt8]) -> Response {
    Response(
      status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  /// Prometheus text exposition.
  static func metricsText(_ bytes: [UInt8]) -> Response {
    Response(
      status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  /// CSV text.
  static func csv(_ bytes: [UInt8]) -> Response {
    Response(
      status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
  }
}
