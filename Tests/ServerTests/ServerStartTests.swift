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
}
