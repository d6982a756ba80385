import Foundation
import Model
import Server
import Testing

/// Starts a server over iris on a free loopback port, runs `body` with its port, and stops it.
private func withServer<T>(
  _ configuration: ServerConfiguration = ServerConfiguration(), _ body: (Int) async throws -> T
) async throws -> T {
  var configuration = configuration
  configuration.host = "127.0.0.1"
  configuration.port = 0
  configuration.accessLog = false
  let server = ModelServer(store: ModelStore(Fixtures.iris), configuration: configuration)
  let address = try await server.start()
  do {
    let result = try await body(address.port)
    await server.stop()
    return result
  } catch {
    await server.stop()
    throw error
  }
}

@Suite("the connection: keep-alive, closing, framing and timeouts", .serialized)
struct TransportTests {
  @Test(
    "a request that does not keep the connection alive gets its answer, then the connection closes at once",
    arguments: [
      "GET /health HTTP/1.0\r\n\r\n",
      "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET /health HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n",
      "POST /predict HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: \(Fixtures.setosaJSON.utf8.count)"
        + "\r\n\r\n\(Fixtures.setosaJSON)",
    ])
  func closesAfterTheAnswer(request: String) async throws {
    let (received, elapsed) = try await withServer { port in
      try await LoopbackSocket.run(port: port) { socket in
        try socket.send(request)
        let start = ContinuousClock.now
        let received = socket.receiveUntilClosed(limit: .seconds(5))
        return (received, ContinuousClock.now - start)
      }
    }
    #expect(received.text.hasPrefix("HTTP/1.1 200"), "answer: \(received.text)")
    #expect(received.text.lowercased().contains("connection: close"))
    #expect(received.closed && !received.reset, "the connection was left open: \(received.text)")
    #expect(elapsed < .seconds(2))
  }

  @Test("an HTTP/1.0 request with Connection: keep-alive is told so, and the connection serves another")
  func http10KeepAlive() async throws {
    let (first, second) = try await withServer { port in
      try await LoopbackSocket.run(port: port) { socket in
        let request = "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        try socket.send(request)
        let first = socket.receive { $0.text.hasSuffix(#"{"status":"ok"}"#) }
        try socket.send(request)
        let second = socket.receive { $0.text.hasSuffix(#"{"status":"ok"}"#) }
        return (first, second)
      }
    }
    #expect(first.text.hasPrefix("HTTP/1.1 200"), "answer: \(first.text)")
    #expect(first.text.lowercased().contains("connection: keep-alive"))
    #expect(!first.closed)
    #expect(second.text.hasPrefix("HTTP/1.1 200"), "second answer: \(second.text)")
  }

  @Test(
    "a body declared over the limit is answered 413 alone: nothing more is written, and the connection closes",
    arguments: [0, 64 << 10])
  func tooLargeClosesCleanly(bytesSent: Int) async throws {
    let received = try await withServer(ServerConfiguration(maxBodyBytes: 1 << 20)) { port in
      try await LoopbackSocket.run(port: port) { socket in
        try socket.send(
          "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n")
        try socket.send([UInt8](repeating: UInt8(ascii: " "), count: bytesSent))
        return socket.receiveUntilClosed(limit: .seconds(5))
      }
    }
    #expect(received.text.hasPrefix("HTTP/1.1 413"), "answer: \(received.text)")
    #expect(received.answers == 1, "more than one answer: \(received.text)")
    #expect(!received.text.contains("400 Bad Request"))
    #expect(received.closed && !received.reset)
  }

  @Test("a body that grows over the limit while it streams is answered 413 alone, and the connection closes")
  func tooLargeWhileStreaming() async throws {
    let received = try await withServer(ServerConfiguration(maxBodyBytes: 1000)) { port in
      try await LoopbackSocket.run(port: port) { socket in
        try socket.send(
          "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<4 { try socket.send("400\r\n" + String(repeating: " ", count: 0x400) + "\r\n") }
        return socket.receiveUntilClosed(limit: .seconds(5))
      }
    }
    #expect(received.text.hasPrefix("HTTP/1.1 413"), "answer: \(received.text)")
    #expect(received.answers == 1, "more than one answer: \(received.text)")
    #expect(received.closed && !received.reset)
  }

  @Test(
    "framing that could be read two ways is answered 400 and the connection closed, the body never read",
    arguments: [
      "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n",
      "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
      "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
      "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
      "POST /predict HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
    ])
  func ambiguousFramingIsRefused(head: String) async throws {
    // The body smuggles a second request: it must not be answered.
    let smuggled = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    let body = String(smuggled.utf8.count, radix: 16) + "\r\n" + smuggled + "\r\n0\r\n\r\n" + smuggled
    let received = try await withServer { port in
      try await LoopbackSocket.run(port: port) { socket in
        try socket.send(head.replacingOccurrences(of: "\r\n\r\n", with: "\r\nContent-Type: application/json\r\n\r\n"))
        try socket.send(body)
        return socket.receiveUntilClosed(limit: .seconds(5))
      }
    }
    #expect(received.text.hasPrefix("HTTP/1.1 400"), "answer: \(received.text)")
    #expect(received.answers == 1, "more than one answer: \(received.text)")
    #expect(received.closed)
  }

  @Test("a lone chunked Transfer-Encoding is still read and answered")
  func chunkedIsAccepted() async throws {
    let body = Fixtures.setosaJSON
    let received = try await withServer { port in
      try await LoopbackSocket.run(port: port) { socket in
        try socket.send(
          "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n0\r\n\r\n")
        return socket.receive { $0.text.contains("setosa") }
      }
    }
    #expect(received.text.hasPrefix("HTTP/1.1 200"), "answer: \(received.text)")
    #expect(!received.closed)
  }

  @Test("a connection that sends nothing is closed after the idle timeout", .timeLimit(.minutes(1)))
  func idleTimeout() async throws {
    let (received, elapsed) = try await withServer(ServerConfiguration(idleTimeout: .milliseconds(300))) { port in
      try await LoopbackSocket.run(port: port) { socket in
        let start = ContinuousClock.now
        let received = socket.receiveUntilClosed(limit: .seconds(5))
        return (received, ContinuousClock.now - start)
      }
    }
    #expect(received.closed)
    #expect(received.bytes.isEmpty)
    #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(2), "closed after \(elapsed)")
  }

  @Test("a body that stops arriving is answered 408 after the body timeout", .timeLimit(.minutes(1)))
  func stalledBodyTimesOut() async throws {
    let configuration = ServerConfiguration(idleTimeout: .seconds(30), bodyTimeout: .milliseconds(300))
    let (received, elapsed) = try await withServer(configuration) { port in
      try await LoopbackSocket.run(port: port) { socket in
        try socket.send(
          "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"sepal")
        let start = ContinuousClock.now
        let received = socket.receiveUntilClosed(limit: .seconds(5))
        return (received, ContinuousClock.now - start)
      }
    }
    #expect(received.text.hasPrefix("HTTP/1.1 408"), "answer: \(received.text)")
    #expect(received.text.contains(#"{"detail":"The request body took too long to arrive"}"#))
    #expect(received.answers == 1)
    #expect(received.closed && !received.reset)
    #expect(elapsed < .seconds(2), "answered after \(elapsed)")
  }
}
