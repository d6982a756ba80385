import Foundation
import Model
import Testing

@testable import Notebook

#if canImport(Glibc)
  import Glibc
#endif

/// A TCP socket listening on 127.0.0.1 at a free port, for servers that misbehave on purpose.
final class Listener: @unchecked Sendable {
  let descriptor: Int32
  let port: Int

  init() throws {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
        bind(descriptor, raw, length) == 0 && listen(descriptor, 64) == 0
          && getsockname(descriptor, raw, &length) == 0
      }
    }
    guard descriptor >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
    self.descriptor = descriptor
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  /// Accepts connections on a thread and closes each at once, until `close()`.
  func closeEveryConnection() {
    Thread { [self] in
      while true {
        let client = accept(descriptor, nil, nil)
        guard client >= 0 else { return }
        Glibc.close(client)
      }
    }.start()
  }

  /// Accepts connections on a thread; on each, reads a request, answers `answer` (by default
  /// `200 ok` with `Connection: close`), and closes it; until `close()`.
  func answerOnceAndClose(
    with answer: String = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
  ) {
    Thread { [self] in
      while true {
        let client = accept(descriptor, nil, nil)
        guard client >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        _ = read(client, &buffer, buffer.count)
        let bytes = Array(answer.utf8)
        _ = write(client, bytes, bytes.count)
        Glibc.close(client)
      }
    }.start()
  }

  func close() {
    shutdown(descriptor, Int32(SHUT_RDWR))
    Glibc.close(descriptor)
  }
}

@Suite("the load-test engine against sockets that fail", .serialized)
struct LoadTestEngineTests {
  @Test("a port where nothing listens: every request is a connect error, and the count bounds the test")
  func refused() async throws {
    let listener = try Listener()
    listener.close()
    let plan = try LoadTestPlan(url: "http://127.0.0.1:\(listener.port)/predict", connections: 2, requests: 20)
    let result = await LoadTestEngine(plan: plan).run()
    #expect(result.responses == 0)
    #expect(result.errors.map(\.kind) == ["connect"])
    #expect(result.errorCount == 20)
  }

  @Test("a server that accepts and never answers: requests time out, and are counted once each")
  func timeouts() async throws {
    let listener = try Listener()
    defer { listener.close() }
    let plan = try LoadTestPlan(
      url: "http://127.0.0.1:\(listener.port)/predict", connections: 2, requests: 4, requestTimeout: .milliseconds(300))
    let result = await LoadTestEngine(plan: plan).run()
    #expect(result.responses == 0)
    #expect(result.errors.map(\.kind) == ["timeout"])
    #expect(result.errorCount == 4)
  }

  @Test("timeout= in the notebook sets how long a request may wait")
  func timeoutOption() async throws {
    let listener = try Listener()
    defer { listener.close() }
    let report = try await onOwnThread {
      let session = try LoadTestLiveTests.session()
      return LoadTestLiveTests.text(
        session.run("loadtest http://127.0.0.1:\(listener.port)/predict requests=2 connections=1 timeout=200ms"))
    }
    #expect(report.contains("errors by kind: timeout 2"), "\(report)")
  }

  @Test("a server that closes every connection: each request is a closed error, and the client reconnects")
  func closed() async throws {
    let listener = try Listener()
    defer { listener.close() }
    listener.closeEveryConnection()
    let plan = try LoadTestPlan(url: "http://127.0.0.1:\(listener.port)/predict", connections: 1, requests: 5)
    let result = await LoadTestEngine(plan: plan).run()
    #expect(result.responses == 0)
    #expect(result.errors.map(\.kind) == ["closed"])
    #expect(result.errorCount == 5)
  }

  @Test("a server that answers and closes (Connection: close): every answer counts, the client reconnects")
  func connectionClose() async throws {
    let listener = try Listener()
    defer { listener.close() }
    listener.answerOnceAndClose()
    let plan = try LoadTestPlan(url: "http://127.0.0.1:\(listener.port)/predict", connections: 1, requests: 5)
    let result = await LoadTestEngine(plan: plan).run()
    #expect(result.responses == 5 && result.errorCount == 0, "\(result.errors)")
    #expect(result.bytes == 10)
  }

  @Test("a server that answers something other than HTTP: each request is an error of kind other")
  func notHTTP() async throws {
    let listener = try Listener()
    defer { listener.close() }
    listener.answerOnceAndClose(with: "SSH-2.0-OpenSSH_9.2\r\n\r\n")
    let plan = try LoadTestPlan(url: "http://127.0.0.1:\(listener.port)/predict", connections: 1, requests: 3)
    let result = await LoadTestEngine(plan: plan).run()
    #expect(result.responses == 0)
    #expect(result.errors.map(\.kind) == ["other"] && result.errorCount == 3, "\(result.errors)")
  }

  @Test("stop() ends a long test at once, with no answer waited for, and says it was interrupted")
  func stop() async throws {
    let listener = try Listener()
    defer { listener.close() }
    let plan = try LoadTestPlan(
      url: "http://127.0.0.1:\(listener.port)/predict", connections: 4, duration: .seconds(120),
      requestTimeout: .seconds(100))
    let engine = LoadTestEngine(plan: plan)
    async let result = engine.run()
    try await _Concurrency.Task<Never, Never>.sleep(for: .milliseconds(300))
    engine.stop()
    let stopped = await result
    #expect(stopped.interrupted)
    #expect(stopped.responses == 0 && stopped.errorCount == 0)
    #expect(stopped.elapsed < .seconds(100))
  }
}

@Suite("the load-test engine against a live fathom server", .serialized)
struct LoadTestEngineLiveTests {
  /// Runs `body` with the URL of a fathom server on iris, then stops the server.
  func withServer(_ body: @Sendable (String, String) async throws -> Void) async throws {
    let shared = try await onOwnThread { LoadTestLiveTests.SharedSession(try LoadTestLiveTests.session()) }
    let (base, json) = try await onOwnThread { () throws -> (String?, String) in
      _ = shared.session.run("serve 0")
      let url = (shared.session.commands["loadtest"] as? LoadTestCommand)?.server.url
      return (url, try LoadTestCommand.body(for: shared.session))
    }
    do {
      guard let base else { throw POSIXError(.ECONNREFUSED) }
      try await body(base, json)
    } catch {
      _ = try await onOwnThread { shared.session.run("serve stop") }
      throw error
    }
    _ = try await onOwnThread { shared.session.run("serve stop") }
  }

  @Test("answers of every status are counted; non-2xx ones are errors by status; bytes are the bodies'")
  func statuses() async throws {
    try await withServer { base, json in
      let ok = await LoadTestEngine(
        plan: try LoadTestPlan(url: base + "/predict", body: json, connections: 3, requests: 30)
      ).run()
      #expect(ok.responses == 30 && ok.errorCount == 0, "\(ok.errors)")
      #expect(ok.bytes > 30 * 20)
      let missing = await LoadTestEngine(
        plan: try LoadTestPlan(url: base + "/nowhere", method: "GET", connections: 2, requests: 10)
      ).run()
      #expect(missing.responses == 10)
      #expect(missing.errors.map(\.kind) == ["status_404"] && missing.errorCount == 10)
      let invalid = await LoadTestEngine(
        plan: try LoadTestPlan(url: base + "/predict", body: #"{"sepal_length": "x"}"#, connections: 1, requests: 5)
      ).run()
      #expect(invalid.errors.map(\.kind) == ["status_422"] && invalid.errorCount == 5)
    }
  }

  @Test("open loop: no more requests than rate × duration are sent, and answers come back")
  func openLoop() async throws {
    try await withServer { base, json in
      let plan = try LoadTestPlan(url: base + "/predict", body: json, connections: 4, duration: .seconds(1), rate: 40)
      let result = await LoadTestEngine(plan: plan).run()
      #expect(result.responses > 0 && result.responses <= 40, "\(result.responses)")
      #expect(result.errorCount == 0, "\(result.errors)")
      #expect(!result.interrupted)
    }
  }
}
