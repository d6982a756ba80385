public import ArgumentParser
import Foundation
import Model
import Server

/// `fathom serve [MODEL]`: serve a model over HTTP until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve a model over HTTP: /predict, /docs, /openapi.json, /metrics and the Open Inference Protocol V2.",
    discussion: """
      Binds 127.0.0.1 unless --host says otherwise. SIGTERM drains as load balancers expect: \
      /ready answers 503 at once, requests are served for --drain-delay seconds more, then the \
      port closes, requests in flight finish, and fathom exits 0 (within --shutdown-timeout). \
      SIGINT (Ctrl-C) skips the delay.

      Every option can also be set in the environment, as FATHOM_ and the option's name in \
      capitals: FATHOM_HOST, FATHOM_PORT (or PORT), FATHOM_API_KEY, FATHOM_CORS_ORIGIN (comma-separated), \
      FATHOM_MAX_BODY_BYTES, FATHOM_MAX_BATCH_SIZE, FATHOM_IDLE_TIMEOUT, FATHOM_BODY_TIMEOUT, \
      FATHOM_DRAIN_DELAY, FATHOM_SHUTDOWN_TIMEOUT, FATHOM_LOG_FORMAT, FATHOM_ACCESS_LOG=0; the model \
      as FATHOM_MODEL (or MODEL). The command line wins over the environment.
      """)

  @Argument(help: ArgumentHelp(modelReferenceHelp + " (also --model; default iris)."))
  var model: String?

  @Option(
    name: .customLong("model"),
    help: ArgumentHelp("The model, for platforms that pass it as an option.", valueName: "model"))
  var modelOption: String?

  @Option(help: "The address to bind.")
  var host: String = "127.0.0.1"

  @Option(help: "The port to bind (0 picks a free one).")
  var port: Int = 8000

  @Option(help: "Require this key on prediction routes, in X-API-Key or Authorization: Bearer.")
  var apiKey: String?

  @Option(help: "An origin browsers may call from (repeatable; * for any).")
  var corsOrigin: [String] = []

  @Option(help: "The largest request body accepted, in bytes.")
  var maxBodyBytes: Int = 1 << 20

  @Option(help: "The most rows one batch may hold.")
  var maxBatchSize: Int = 10_000

  @Option(help: "Seconds a connection may sit idle, or a client take to send its headers, before it is closed.")
  var idleTimeout: Double = 30

  @Option(help: "Seconds a client may take to send a request body before it is answered 408.")
  var bodyTimeout: Double = 30

  @Option(help: "Seconds to keep serving after SIGTERM, with /ready answering 503, before the port closes.")
  var drainDelay: Double = 5

  @Option(help: "Seconds requests in flight may take to finish after the port closes.")
  var shutdownTimeout: Double = 30

  @Option(help: "How log lines are written.")
  var logFormat: LogFormat = .text

  @Flag(help: "Do not write an access-log line per request.")
  var noAccessLog = false

  func validate() throws {
    if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
    if maxBodyBytes < 1 { throw ValidationError("--max-body-bytes must be positive") }
    if maxBatchSize < 1 { throw ValidationError("--max-batch-size must be positive") }
    if let model, let modelOption, model != modelOption {
      throw ValidationError("the model is given twice (\(model) and --model \(modelOption)); give it once")
    }
    if let apiKey, apiKey.allSatisfy(\.isWhitespace) {
      throw ValidationError("--api-key is empty; give a key, or leave the option out to serve without one")
    }
    for (name, seconds) in [
      ("--idle-timeout", idleTimeout), ("--body-timeout", bodyTimeout), ("--shutdown-timeout", shutdownTimeout),
    ]
    where !(seconds > 0 && seconds <= 86_400) {
      throw ValidationError("\(name) must be a number of seconds between 0 and 86400")
    }
    if !(drainDelay >= 0 && drainDelay <= 3600) {
      throw ValidationError("--drain-delay must be a number of seconds from 0 to 3600")
    }
  }

  func run() async throws {
    // The server owns its process: it keeps a batch's buffers for the next request
    // (docs/PERFORMANCE.md, "Allocator").
    MemoryPolicy.keepBatchBuffers()
    let clock = ContinuousClock()
    let start = clock.now
    let loaded = try loadModel(model ?? modelOption ?? Model.defaultModelName)
    let loadDuration = clock.now - start
    let configuration = ServerConfiguration(
      host: host, port: port, apiKey: apiKey, corsOrigins: corsOrigin, maxBodyBytes: maxBodyBytes,
      maxBatchSize: maxBatchSize, accessLog: !noAccessLog, idleTimeout: .seconds(idleTimeout),
      bodyTimeout: .seconds(bodyTimeout), drainDelay: .seconds(drainDelay), shutdownTimeout: .seconds(shutdownTimeout),
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
