public import ArgumentParser
import Foundation
import Model
import Server

/// `fathom serve [MODEL]`: serve a model over HTTP until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve a model over HTTP: /predict, /docs, /openapi.json, /metrics and the Open Inference Protocol V2.",
    discussion: """
      Binds 127.0.0.1 unless --host says otherwise. SIGINT or SIGTERM stops accepting connections, \
      lets requests in flight finish, and exits 0.
      """)

  @Argument(help: ArgumentHelp(modelReferenceHelp + "."))
  var model: String = Model.defaultModelName

  @Option(help: "The address to bind.")
  var host: String = "127.0.0.1"

  @Option(help: "The port to bind (default: $PORT when set, else 8000; 0 picks a free one).")
  var port: Int?

  @Option(
    help: "Require this key on prediction routes, in X-API-Key or Authorization: Bearer (default: $FATHOM_API_KEY).")
  var apiKey: String?

  @Option(help: "An origin browsers may call from (repeatable; * for any).")
  var corsOrigin: [String] = []

  @Option(help: "The largest request body accepted, in bytes.")
  var maxBodyBytes: Int = 1 << 20

  @Option(help: "Seconds a connection may sit idle, or a client take to send its headers, before it is closed.")
  var idleTimeout: Double = 30

  @Option(help: "Seconds a client may take to send a request body before it is answered 408.")
  var bodyTimeout: Double = 30

  @Option(help: "How log lines are written.")
  var logFormat: LogFormat = .text

  @Flag(help: "Do not write an access-log line per request.")
  var noAccessLog = false

  func validate() throws {
    if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
    if maxBodyBytes < 1 { throw ValidationError("--max-body-bytes must be positive") }
    if let apiKey, apiKey.allSatisfy(\.isWhitespace) {
      throw ValidationError("--api-key is empty; give a key, or leave the option out to serve without one")
    }
    for (name, seconds) in [("--idle-timeout", idleTimeout), ("--body-timeout", bodyTimeout)]
    where !(seconds > 0 && seconds <= 86_400) {
      throw ValidationError("\(name) must be a number of seconds between 0 and 86400")
    }
  }

  func run() async throws {
    // The server owns its process: it keeps a batch's buffers for the next request
    // (docs/PERFORMANCE.md, "Allocator").
    MemoryPolicy.keepBatchBuffers()
    let environment = ProcessInfo.processInfo.environment
    let clock = ContinuousClock()
    let start = clock.now
    let loaded = try loadModel(model)
    let loadDuration = clock.now - start
    var resolvedPort = port ?? 8000
    if port == nil, let text = environment["PORT"] {
      guard let p = Int(text), (0...65535).contains(p) else {
        throw ValidationError("PORT is \(text); it should be a port number")
      }
      resolvedPort = p
    }
    let configuration = ServerConfiguration(
      host: host, port: resolvedPort, apiKey: apiKey ?? environment["FATHOM_API_KEY"].flatMap { $0.isEmpty ? nil : $0 },
      corsOrigins: corsOrigin, maxBodyBytes: maxBodyBytes, accessLog: !noAccessLog,
      idleTimeout: .seconds(idleTimeout), bodyTimeout: .seconds(bodyTimeout),
      logger: logFormat.makeLogger())
    let server = ModelServer(store: ModelStore(loaded, loadDuration: loadDuration), configuration: configuration)
    let name = loaded.name
    do {
      try await server.run { address in
        let line = "fathom serving \(name) at \(address.url) (web app at /, API docs at /docs)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
      }
    } catch {
      let message = error.portInUse.map { "port \($0) is in use; pick another with --port" } ?? error.message
      FileHandle.standardError.write(Data("fathom: \(message)\n".utf8))
      throw ExitCode(1)
    }
  }
}

/// `--log-format text|json`: the values are the raw values, listed in the help. LogFormat is
/// public, so this file imports ArgumentParser publicly for the conformance.
extension LogFormat: ExpressibleByArgument {}
