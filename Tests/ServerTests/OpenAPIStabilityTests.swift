import AsyncHTTPClient
import Foundation
import Model
import NIOCore
import NIOHTTP1
import Server
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite("the OpenAPI document is the same in every process", .serialized)
struct OpenAPIStabilityTests {
  /// The fathom binary: $FATHOM_BINARY, or `fathom` beside the test bundle.
  static var fathomBinary: String? {
    if let path = ProcessInfo.processInfo.environment["FATHOM_BINARY"] { return path }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<3 {
      let candidate = directory.appendingPathComponent("fathom").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return nil
  }

  @Test(
    "two `fathom serve` processes answer byte-identical /openapi.json (each process hashes with its own seed)",
    .timeLimit(.minutes(2)), arguments: ["iris", "diabetes"])
  func sameDocumentInTwoProcesses(model: String) async throws {
    let binary = try #require(
      Self.fathomBinary, "build fathom first (swift build --product fathom) or set FATHOM_BINARY")
    let first = try await Self.openAPIDocument(binary: binary, model: model)
    let second = try await Self.openAPIDocument(binary: binary, model: model)
    #expect(first.count > 1000)
    #expect(first == second, "the documents differ: \(String(decoding: first.prefix(300), as: UTF8.self))…")
  }

  @Test(
    "the document's keys come in declaration order, and the features in the model's order",
    arguments: ["iris", "diabetes"])
  func declarationOrder(name: String) async throws {
    let model = try Model.builtIn(named: name)
    let body = try await TestServer.with(model) { try await $0.get("/openapi.json").body }
    #expect(body.hasPrefix(#"{"openapi":"3.1.0","info":{"#), "\(body.prefix(80))")
    let features = try #require(body.range(of: #""Features":{"#))
    let rest = body[features.upperBound...]
    let positions = model.signature.featureNames.compactMap { rest.range(of: "\"\($0)\":{")?.lowerBound }
    #expect(positions.count == model.signature.featureNames.count)
    #expect(positions == positions.sorted(), "features out of the model's order")
    // The same text parses as JSON, so the encoder's output is well formed.
    #expect((try? JSONSerialization.jsonObject(with: Data(body.utf8))) is [String: Any])
  }

  /// Runs `fathom serve MODEL --port 0`, fetches /openapi.json, and stops the process.
  static func openAPIDocument(binary: String, model: String) async throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["serve", model, "--port", "0", "--no-access-log", "--drain-delay", "0"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer {
      if process.isRunning {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
      }
    }
    let url = try #require(
      try await firstURL(in: output.fileHandleForReading), "fathom serve printed no address")
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
      let response = try await client.execute(HTTPClientRequest(url: url + "/openapi.json"), timeout: .seconds(30))
      let body = try await response.body.collect(upTo: 16 << 20)
      try await client.shutdown()
      #expect(response.status.code == 200)
      return Array(body.readableBytesView)
    } catch {
      try? await client.shutdown()
      throw error
    }
  }

  /// The `http://…` address in the first line the server prints (read on a thread of its own: it blocks).
  static func firstURL(in handle: FileHandle) async throws -> String? {
    let line: String = await withCheckedContinuation { continuation in
      Thread {
        var bytes: [UInt8] = []
        // Bounded: one line of a few dozen bytes, or the end of the output if the process died.
        while bytes.count < 4096, !bytes.contains(UInt8(ascii: "\n")) {
          let chunk = handle.availableData
          if chunk.isEmpty { break }
          bytes += chunk
        }
        continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
      }.start()
    }
    guard let start = line.range(of: "http://") else { return nil }
    return String(line[start.lowerBound...].prefix { !$0.isWhitespace })
  }
}
