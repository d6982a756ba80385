internal import Foundation
internal import Model
internal import Server

/// The notebook's own server: at most one per session, over the session's model,
/// started and stopped from the REPL, logging to a file in the state directory.
final class NotebookServer {
  /// The running server, its address and its log.
  private struct Running {
    var server: ModelServer
    var store: ModelStore
    var address: ServerAddress
    var log: FileHandle
  }

  /// How long `start` waits for the server to bind before giving up.
  static let startLimit = Duration.seconds(60)

  private var running: Running?
  private var hookInstalled = false
  /// Where access logs go: `$XDG_STATE_HOME/fathom/server.log`.
  let logPath: String

  /// Creates the controller; nothing is started.
  /// - Parameter stateDirectory: fathom's state directory (the log file goes there).
  init(stateDirectory: String = Autosave.stateDirectory()) {
    logPath = stateDirectory + "/server.log"
  }

  /// Where the server listens, when it runs.
  var address: ServerAddress? { running?.address }

  /// `http://127.0.0.1:PORT`, when it runs.
  var url: String? { running?.address.url }

  /// Starts serving `session`'s model on 127.0.0.1:`port` (0 picks a free port).
  /// - Returns: the address bound.
  /// - Throws: `NotebookError` when a server already runs, the log cannot be opened, or the port is taken.
  func start(port: Int, session: Session) throws(NotebookError) -> ServerAddress {
    if let running {
      throw NotebookError(.usage, "already serving at \(running.address.url); serve stop first")
    }
    let log = try openLog()
    let store = ModelStore(session.model)
    // No line per request: one load test would write millions. Starts, stops and errors are logged.
    let configuration = ServerConfiguration(
      host: "127.0.0.1", port: port, accessLog: false, logger: LogFormat.text.makeLogger(stream: log))
    let server = ModelServer(store: store, configuration: configuration)
    // Binding a loopback port takes milliseconds; the limit only guards against a start that
    // hangs, and Ctrl-C ends the wait sooner. A busy machine can delay the tasks that start the
    // server by seconds, so the limit is generous.
    let started: Result<ServerAddress, ServerError>? = BlockingWait.run(
      limit: Self.startLimit, poll: { _ in Interrupt.requested ? .cancel : .wait }
    ) {
      do throws(ServerError) {
        return .success(try await server.start())
      } catch {
        return .failure(error)
      }
    }
    switch started {
    case .success(let address)?:
      running = Running(server: server, store: store, address: address, log: log)
      installHook(on: session)
      return address
    case .failure(let error)?:
      try? log.close()
      throw NotebookError(.usage, error.message)
    case nil:
      _ = BlockingWait.run(limit: .seconds(10)) { await server.stop() }
      try? log.close()
      if Interrupt.requested { throw NotebookError(.cancelled, Interrupt.message) }
      throw NotebookError(.usage, "the server did not start within \(Self.startLimit.components.seconds) s")
    }
  }

  /// Stops the server, letting requests in flight finish (at most 10 s).
  /// - Returns: the status just before stopping, or `nil` when nothing was running.
  func stop() -> ServerStatus? {
    guard let current = running else { return nil }
    running = nil
    let server = current.server
    let status = BlockingWait.run(limit: .seconds(10)) { () async -> ServerStatus in
      let status = await server.status()
      await server.stop()
      return status
    }
    try? current.log.close()
    return status
  }

  /// What the running server has done so far.
  func status() -> ServerStatus? {
    guard let server = running?.server else { return nil }
    return BlockingWait.run(limit: .seconds(5)) { await server.status() }
  }

  /// Serves `model` from now on; requests in flight finish on the old one.
  func modelChanged(_ model: Model) {
    running?.store.swap(to: model)
  }

  /// Lets `load` swap the served model, keeping any hook installed before.
  private func installHook(on session: Session) {
    guard !hookInstalled else { return }
    hookInstalled = true
    let previous = session.modelDidChange
    session.modelDidChange = { [self] model in
      previous?(model)
      modelChanged(model)
    }
  }

  /// How large the log may grow before the next `serve` moves it to `server.log.1`.
  static let logLimit = 1 << 20

  /// Opens the log file for appending, creating it and its directory; a log past `logLimit`
  /// is first moved to `server.log.1` (replacing the one before), so at most two are kept.
  private func openLog() throws(NotebookError) -> FileHandle {
    let directory = (logPath as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      let size = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0
      if size > Self.logLimit {
        _ = try? FileManager.default.removeItem(atPath: logPath + ".1")
        try FileManager.default.moveItem(atPath: logPath, toPath: logPath + ".1")
      }
      if !FileManager.default.fileExists(atPath: logPath) {
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
      }
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
      _ = try handle.seekToEnd()
      return handle
    } catch {
      throw NotebookError(.file, "cannot open the server log \(logPath): \(error.localizedDescription)")
    }
  }
}
