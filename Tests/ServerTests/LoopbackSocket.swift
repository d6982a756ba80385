import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A blocking TCP client on 127.0.0.1 that writes raw bytes, for requests an HTTP client
/// library will not send (HTTP/1.0, bad framing) and for seeing exactly what the server
/// writes and when it closes.
///
/// Use it inside `LoopbackSocket.run`, which blocks a thread of its own rather than one of
/// the few Swift concurrency threads the server's responders need too.
struct LoopbackSocket {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// What the server wrote, and how the connection ended.
  struct Received: Sendable {
    var bytes: [UInt8] = []
    /// The server closed (end of file or reset) before the wait was over.
    var closed = false
    /// The close was a reset rather than an orderly end.
    var reset = false
    var text: String { String(decoding: bytes, as: UTF8.self) }
    /// How many answers it holds: the status lines, at the start or after a line break
    /// (a detail may itself name HTTP/1.0).
    var answers: Int {
      text.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("HTTP/1.") }.count
    }
  }

  private let socket: Int32

  /// Connects to the loopback port.
  init(port: Int) throws {
    socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw Failure(description: "socket: errno \(errno)") }
    // Short receive timeouts: waiting is done in bounded loops above.
    var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      Glibc.close(socket)
      throw Failure(description: "connect: errno \(errno)")
    }
  }

  /// Runs `body` with a connection to `port` on a thread of its own, and closes the connection after.
  static func run<T: Sendable>(port: Int, _ body: @escaping @Sendable (LoopbackSocket) throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        continuation.resume(
          with: Result {
            let connection = try LoopbackSocket(port: port)
            defer { Glibc.close(connection.socket) }
            return try body(connection)
          })
      }
      thread.start()
    }
  }

  /// Sends all of `text`'s bytes.
  func send(_ text: String) throws { try send(Array(text.utf8)) }

  /// Sends all of `bytes`; a connection the server has already closed is not an error here.
  func send(_ bytes: [UInt8]) throws {
    var sent = 0
    while sent < bytes.count {
      let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if n < 0, errno == EPIPE || errno == ECONNRESET { return }
      guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
      sent += n
    }
  }

  /// Reads until the server closes or `limit` passes.
  func receiveUntilClosed(limit: Duration = .seconds(5)) -> Received {
    receive(limit: limit) { _ in false }
  }

  /// Reads until `done` holds for what has arrived, the server closes, or `limit` passes.
  func receive(limit: Duration = .seconds(5), until done: (Received) -> Bool) -> Received {
    var received = Received()
    let deadline = ContinuousClock.now + limit
    var buffer = [UInt8](repeating: 0, count: 16 << 10)
    while ContinuousClock.now < deadline, !done(received) {
      let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
      if n > 0 {
        received.bytes += buffer[..<n]
      } else if n == 0 {
        received.closed = true
        break
      } else if errno == ECONNRESET {
        received.closed = true
        received.reset = true
        break
      }
    }
    return received
  }

  /// Shuts the sending side: the server sees the end of input.
  func finishSending() {
    shutdown(socket, Int32(SHUT_WR))
  }
}
