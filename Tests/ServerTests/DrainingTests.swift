import AsyncHTTPClient
import Foundation
import Model
import NIOCore
import NIOHTTP1
import Server
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite("graceful shutdown and slow clients", .serialized)
struct DrainingTests {
  /// A batch of `rows` flowers as one JSON body.
  static func batch(rows: Int) -> String {
    let rows = (0..<rows).map { i in
      i % 2 == 0 ? Fixtures.setosaJSON : Fixtures.virginicaJSON
    }
    return #"{"instances": ["# + rows.joined(separator: ", ") + "]}"
  }

  @Test(
    "stop() while requests are in flight: every one is answered in full, and stop returns after them",
    .timeLimit(.minutes(1)))
  func stopDrainsRequestsInFlight() async throws {
    let requests = 8
    let rows = 400
    let body = Array(Self.batch(rows: rows).utf8)
    let half = body.count / 2
    let server = ModelServer(
      store: ModelStore(Fixtures.iris), configuration: ServerConfiguration(port: 0, accessLog: false))
    let address = try await server.start()
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(
      idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: requests)
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

    // Each request sends the first half of its body, then waits for its gate: so every one
    // is in flight (head received, body being read) when stop() is called.
    var gates: [AsyncStream<ByteBuffer>.Continuation] = []
    let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
      for _ in 0..<requests {
        let (stream, gate) = AsyncStream.makeStream(of: ByteBuffer.self)
        gate.yield(ByteBuffer(bytes: body[..<half]))
        gates.append(gate)
        group.addTask {
          var request = HTTPClientRequest(url: address.url + "/predict")
          request.method = .POST
          request.headers.add(name: "Content-Type", value: "application/json")
          request.body = .stream(stream, length: .known(Int64(body.count)))
          let response = try await client.execute(request, timeout: .seconds(30))
          let bytes = try await response.body.collect(upTo: 16 << 20)
          let json = try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any]
          return (Int(response.status.code), (json?["predictions"] as? [Any])?.count ?? -1)
        }
      }

      try await waitUntil("all \(requests) requests are in flight") { await server.status().inFlight == requests }
      let stopped = Atomic<Bool>(false)
      let stopping = _Concurrency.Task {
        await server.stop()
        stopped.store(true, ordering: .sequentiallyConsistent)
      }
      // Draining: stop() waits for the requests, and no new connection is taken.
      try await waitUntil("the listening socket is closed") { !Self.accepts(port: address.port) }
      let stoppedEarly = stopped.load(ordering: .sequentiallyConsistent)
      #expect(!stoppedEarly)
      #expect(await server.status().inFlight == requests)

      for gate in gates {
        gate.yield(ByteBuffer(bytes: body[half...]))
        gate.finish()
      }
      var answers: [(Int, Int)] = []
      for try await answer in group { answers.append(answer) }
      await stopping.value
      let stoppedAfter = stopped.load(ordering: .sequentiallyConsistent)
      #expect(stoppedAfter)
      return answers
    }
    try await client.shutdown()

    #expect(answers.count == requests)
    for (status, predictions) in answers {
      #expect(status == 200)
      #expect(predictions == rows)
    }
    let status = await server.status()
    #expect(status.address == nil)
    #expect(status.requests == requests)
    #expect(status.inFlight == 0)
  }

  @Test("a body that trickles in past bodyTimeout is answered 408 and the connection closed", .timeLimit(.minutes(1)))
  func slowBodyTimesOut() async throws {
    let server = ModelServer(
      store: ModelStore(Fixtures.iris),
      configuration: ServerConfiguration(port: 0, accessLog: false, bodyTimeout: .milliseconds(300)))
    let address = try await server.start()
    defer { _Concurrency.Task { await server.stop() } }

    // A valid body, padded with spaces, sent 100 bytes every 100 ms: 2 s in all.
    let length = 2000
    let body = Array(
      (Fixtures.setosaJSON + String(repeating: " ", count: length - Fixtures.setosaJSON.utf8.count)).utf8)
    let connection = try RawConnection(port: address.port)
    try connection.send(
      Array(
        "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n"
          .utf8))
    let start = ContinuousClock.now
    var answer: [UInt8] = []
    var offset = 0
    // Stop sending as soon as the server answers, so the close does not reset the answer away.
    while offset < length, answer.isEmpty {
      try connection.send(Array(body[offset..<min(offset + 100, length)]))
      offset += 100
      try await _Concurrency.Task.sleep(for: .milliseconds(100))
      answer = connection.receiveAvailable()
    }
    answer += connection.receiveUntilClosed()
    let elapsed = ContinuousClock.now - start
    let text = String(decoding: answer, as: UTF8.self)

    #expect(text.hasPrefix("HTTP/1.1 408"), "answer: \(text)")
    #expect(text.lowercased().contains("connection: close"))
    #expect(text.contains(#"{"detail":"The request body took too long to arrive"}"#))
    #expect(offset < length, "the server waited for the whole body")
    #expect(elapsed < .seconds(2))
    await server.stop()
    #expect(await server.status().errors == 1)
  }

  /// Whether something accepts TCP connections on the loopback port.
  static func accepts(port: Int) -> Bool {
    (try? RawConnection(port: port)) != nil
  }
}

/// Polls `condition` every 10 ms for up to 10 s.
func waitUntil(_ what: String, _ condition: () async -> Bool) async throws {
  let deadline = ContinuousClock.now + .seconds(10)
  while !(await condition()) {
    guard ContinuousClock.now < deadline else {
      Issue.record("timed out waiting until \(what)")
      return
    }
    try await _Concurrency.Task.sleep(for: .milliseconds(10))
  }
}

/// A blocking TCP connection to 127.0.0.1, for sending a request byte by byte as a slow
/// client would, which an HTTP client library does not allow. Reads time out after 5 s.
final class RawConnection {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  private let socket: Int32

  init(port: Int) throws {
    socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw Failure(description: "socket: errno \(errno)") }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
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
      close(socket)
      throw Failure(description: "connect: errno \(errno)")
    }
  }

  deinit { close(socket) }

  func send(_ bytes: [UInt8]) throws {
    var sent = 0
    while sent < bytes.count {
      let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
      sent += n
    }
  }

  /// What has arrived so far, without waiting.
  func receiveAvailable() -> [UInt8] {
    receive(flags: Int32(MSG_DONTWAIT), untilClosed: false)
  }

  /// Everything until the peer closes (or 5 s pass without data).
  func receiveUntilClosed() -> [UInt8] {
    receive(flags: 0, untilClosed: true)
  }

  private func receive(flags: Int32, untilClosed: Bool) -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, flags) }
      guard n > 0 else { break }
      result += buffer[..<n]
      if !untilClosed { break }
    }
    return result
  }
}
