import Foundation
import Model
import Server
import Testing

@Suite("starting the server: refused configurations, warnings and bind errors", .serialized)
struct ServerStartTests {
  @Test("an empty or blank API key is refused at start, with a message that says so", arguments: ["", " ", "\t \n"])
  func blankKeyIsRefused(key: String) async throws {
    let server = ModelServer(
      store: ModelStore(Fixtures.iris), configuration: ServerConfiguration(port: 0, apiKey: key, accessLog: false))
    do {
      try await server.start()
      await server.stop()
      Issue.record("a server started with the API key \(key.debugDescription)")
    } catch {
      #expect(error.message.contains("API key is empty"), "\(error.message)")
    }
    #expect(await server.status().address == nil)
  }

  @Test(
    "serving beyond loopback without a key warns; loopback, or a key, does not",
    arguments: [
      ("0.0.0.0", nil, true), ("::", nil, true), ("192.168.1.20", nil, true), ("example.com", nil, true),
      ("0.0.0.0", "secret", false), ("127.0.0.1", nil, false), ("127.1.2.3", nil, false), ("::1", nil, false),
      ("localhost", nil, false),
    ] as [(String, String?, Bool)])
  func exposureWarning(host: String, key: String?, warns: Bool) {
    let warning = ServerConfiguration(host: host, apiKey: key).exposureWarning
    #expect((warning != nil) == warns, "\(host): \(warning ?? "no warning")")
    if let warning { #expect(warning.contains("without an API key")) }
  }

  @Test("a port already in use is said in words, with the port, and no errno")
  func portInUse() async throws {
    let first = ModelServer(
      store: ModelStore(Fixtures.iris), configuration: ServerConfiguration(port: 0, accessLog: false))
    let address = try await first.start()
    let second = ModelServer(
      store: ModelStore(Fixtures.iris), configuration: ServerConfiguration(port: address.port, accessLog: false))
    do {
      try await second.start()
      await second.stop()
      Issue.record("a second server bound port \(address.port)")
    } catch {
      #expect(error.portInUse == address.port)
      #expect(error.message.hasPrefix("port \(address.port) is in use; pick another"), "\(error.message)")
      #expect(!error.message.contains("errno"))
    }
    await first.stop()
  }
}
