import AsyncHTTPClient
import Foundation
import Model
import NIOCore
import Server
import Testing

@Suite("starting, stopping, swapping and load", .serialized)
struct LifecycleTests {
  @Test("start binds a free port, status counts requests, stop releases it")
  func startStatusStop() async throws {
    let server = ModelServer(
      store: ModelStore(Fixtures.iris), configuration: ServerConfiguration(port: 0, accessLog: false))
    let address = try await server.start()
    #expect(address.port > 0)
    await #expect(throws: ServerError.self) { try await server.start() }
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    for path in ["/health", "/nowhere"] {
      let response = try await client.execute(HTTPClientRequest(url: address.url + path), timeout: .seconds(10))
      _ = try await response.body.collect(upTo: 1 << 20)
    }
    try await client.shutdown()
    let status = await server.status()
    #expect(status.address == address)
    #expect(status.requests == 2)
    #expect(status.errors == 1)
    #expect(status.p50 != nil && status.p99 != nil)
    await server.stop()
    #expect(await server.status().address == nil)
    // The stopped server answers nothing more. (Whether anything listens on the port is not the
    // check: once freed, the port can be taken at once by a server of a test running in parallel,
    // as happened on CI; that server's answer does not count here.)
    let before = await server.status().requests
    let after = HTTPClient(eventLoopGroupProvider: .singleton)
    _ = try? await after.execute(HTTPClientRequest(url: address.url + "/health"), timeout: .seconds(5))
    try await after.shutdown()
    #expect(await server.status().requests == before, "the stopped server answered")
  }

  @Test("binding a port in use fails with a ServerError")
  func portInUse() async throws {
    let first = ModelServer(
      store: ModelStore(Fixtures.iris), configuration: ServerConfiguration(port: 0, accessLog: false))
    let address = try await first.start()
    let second = ModelServer(
      store: ModelStore(Fixtures.iris), configuration: ServerConfiguration(port: address.port, accessLog: false))
    await #expect(throws: ServerError.self) { try await second.start() }
    await first.stop()
  }

  @Test("1,000 requests over 64 connections are all answered correctly")
  func concurrentLoad() async throws {
    let setosa = try Fixtures.iris.predict(Fixtures.setosa).label?.description
    let virginica = try Fixtures.iris.predict(Fixtures.virginica).label?.description
    try await TestServer.with(Fixtures.iris, connections: 64) { s in
      let correct = try await withThrowingTaskGroup(of: Int.self) { group in
        for worker in 0..<64 {
          group.addTask {
            var ok = 0
            var i = worker
            while i < 1000 {
              let even = i % 2 == 0
              let answer = try await s.post("/predict", even ? Fixtures.setosaJSON : Fixtures.virginicaJSON)
              if answer.status == 200, answer.object["label"] as? String == (even ? setosa : virginica) { ok += 1 }
              i += 64
            }
            return ok
          }
        }
        return try await group.reduce(0, +)
      }
      #expect(correct == 1000)
      #expect(await s.server.status().requests == 1000)
    }
  }

  @Test("swapping the model under concurrent requests: every answer comes whole from one model")
  func swapUnderLoad() async throws {
    try await TestServer.with(Fixtures.iris, connections: 16) { s in
      let results = try await withThrowingTaskGroup(of: [String].self) { group in
        for _ in 0..<16 {
          group.addTask {
            var models: [String] = []
            for _ in 0..<25 {
              let answer = try await s.post("/predict", "{}")
              let o = answer.object
              #expect(answer.status == 200)
              // Each answer is consistent: a label from iris, a value from diabetes.
              switch o["model"] as? String {
              case "iris": #expect(o["label"] is String)
              case "diabetes": #expect(o["value"] is Double)
              default: Issue.record("unexpected answer \(answer.body)")
              }
              models.append(o["model"] as? String ?? "?")
            }
            return models
          }
        }
        group.addTask {
          try await _Concurrency.Task.sleep(for: .milliseconds(20))
          s.server.store.swap(to: Fixtures.diabetes)
          return []
        }
        return try await group.reduce(into: [String]()) { $0 += $1 }
      }
      #expect(results.count == 400)
      let after = try await s.post("/predict", "{}")
      #expect(after.object["model"] as? String == "diabetes")
    }
  }
}
