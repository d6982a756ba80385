import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `fathom serve` as a process: its options from the environment, and its drain on SIGTERM.
@Suite("fathom serve: environment and SIGTERM drain", .serialized)
struct ServeProcessTests {
  /// Starts `fathom serve` with `arguments`, and `environment` added to this process's; returns
  /// the process and the port it printed.
  static func serve(_ arguments: [String], environment: [String: String]) async throws -> (Process, Int) {
    let binary = try #require(OpenAPIStabilityTests.fathomBinary, "build fathom first or set FATHOM_BINARY")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["serve"] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let url = try #require(try await OpenAPIStabilityTests.firstURL(in: output.fileHandleForReading))
    let port = try #require(Int(url.split(separator: ":").last ?? ""))
    return (process, port)
  }

  @Test("FATHOM_PORT, MODEL and FATHOM_DRAIN_DELAY configure serve; the command line wins", .timeLimit(.minutes(1)))
  func environment() async throws {
    let (process, port) = try await Self.serve(
      ["--no-access-log"], environment: ["FATHOM_PORT": "0", "MODEL": "diabetes", "FATHOM_DRAIN_DELAY": "0"])
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    #expect(port > 0)
    // MODEL chose diabetes: its feature is known, iris's is not.
    let model = try await TestHTTP.get(port: port, path: "/model")
    #expect(model.contains(#""name":"diabetes""#), "\(model.prefix(120))")

    let (second, secondPort) = try await Self.serve(
      ["iris", "--port", "0", "--no-access-log", "--drain-delay", "0"],
      environment: ["MODEL": "diabetes", "FATHOM_PORT": "1"])
    defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
    #expect(secondPort != 1)
    #expect(try await TestHTTP.get(port: secondPort, path: "/model").contains(#""name":"iris""#))
  }

  @Test("a variable that does not read stops the start, naming it", .timeLimit(.minutes(1)))
  func badVariable() async throws {
    let binary = try #require(OpenAPIStabilityTests.fathomBinary)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["serve"]
    process.environment = ["FATHOM_PORT": "0x1f40", "PATH": "/usr/bin:/bin"]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let text: String = await withCheckedContinuation { continuation in
      Thread {
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        waitOnThread(process, limit: 10)
        continuation.resume(returning: String(decoding: data, as: UTF8.self))
      }.start()
    }
    #expect(process.terminationStatus == 64)
    #expect(text.contains("FATHOM_PORT is '0x1f40'; it should be a number"), "\(text)")
  }

  @Test(
    "SIGTERM: /ready answers 503 at once while /health is still served for the drain delay, then exit 0",
    .timeLimit(.minutes(1)))
  func drain() async throws {
    let (process, port) = try await Self.serve(
      ["--port", "0", "--no-access-log", "--drain-delay", "2"], environment: [:])
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    #expect(try Replica.httpStatus(port: port, path: "/ready") == 200)
    kill(process.processIdentifier, SIGTERM)
    try await Task.sleep(for: .milliseconds(300))
    #expect(try Replica.httpStatus(port: port, path: "/ready") == 503)
    #expect(try Replica.httpStatus(port: port, path: "/health") == 200)
    #expect(try Replica.httpStatus(port: port, path: "/v2/health/ready") == 503)
    let status: Int32 = await withCheckedContinuation { continuation in
      Thread {
        waitOnThread(process, limit: 20)
        continuation.resume(returning: process.isRunning ? -1 : process.terminationStatus)
      }.start()
    }
    #expect(status == 0)
    // The port is closed, and free for the next replica at once.
    #expect((try? Replica.httpStatus(port: port, path: "/health")) == nil)
  }
}

/// A GET over loopback with AsyncHTTPClient; the body.
enum TestHTTP {
  static func get(port: Int, path: String) async throws -> String {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
      let response = try await client.execute(
        HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(10))
      let body = try await response.body.collect(upTo: 1 << 20)
      try await client.shutdown()
      return String(buffer: body)
    } catch {
      try? await client.shutdown()
      throw error
    }
  }
}
