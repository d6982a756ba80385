internal import Model
internal import Server

/// `serve [PORT]`, `serve stop`, `serve status`: the session's model over HTTP,
/// in the background, on 127.0.0.1.
struct ServeCommand: CommandHandler {
  let name = "serve"
  let usage = "serve [PORT] | serve stop | serve status"
  let summary = "serve the model over HTTP in the background (127.0.0.1)"
  let details = """
    serve starts a server on 127.0.0.1:8000 (serve 0 picks a free port) over the
    session's model: POST /predict, /docs, /openapi.json, /metrics, /v2/... .
    Access logs go to $XDG_STATE_HOME/fathom/server.log, never over the prompt.
    load swaps the served model at once. serve status shows requests and latency;
    serve stop lets requests in flight finish. A replay does not start servers:
    it keeps the recorded output (fathom replay --rerun-loadtests starts them).
    """

  /// The session's own server, shared by `serve` and `loadtest`.
  let server: NotebookServer

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    if session.options.replaying && !session.options.rerunsServerCommands {
      ReplayedOutput.keep(command: name, in: session)
      return nil
    }
    let word = arguments.raw
    switch word {
    case "stop":
      guard let status = server.stop() else {
        throw NotebookError(.usage, "no server is running (serve [PORT] starts one)")
      }
      session.print(
        "stopped serving at \(status.address?.url ?? "?"): \(status.requests) requests, \(status.errors) errors")
    case "status":
      guard let status = server.status() else {
        session.print("not serving (serve [PORT] starts a server)")
        return nil
      }
      session.print(status.description)
      session.print("access log: \(server.logPath)")
    default:
      var port = 8000
      if !word.isEmpty {
        guard let number = Int(word), (0...65535).contains(number) else {
          throw NotebookError(
            .usage, "expected a port number from 0 to 65535, stop or status (usage: \(usage))",
            column: arguments.call.rawColumn)
        }
        port = number
      }
      let address = try server.start(port: port, session: session)
      session.print("serving \(session.model.name) at \(address.url)/ (the web app; API docs at \(address.url)/docs)")
      session.print("access log: \(server.logPath); serve stop to stop, loadtest to measure it")
    }
    return nil
  }
}

/// What `serve` and `loadtest` print during a replay: the recorded output, unchanged.
enum ReplayedOutput {
  /// Prints the recorded output of the cell being replayed and notes that the command was not re-run.
  /// - Returns: the recorded output, or `nil` when the replayer gave none.
  @discardableResult
  static func keep(command: String, in session: Session) -> String? {
    session.replayNotes.append(
      "cell \(session.cellNumber): \(command) not re-run on replay; the recorded output is kept "
        + "(fathom replay --rerun-loadtests runs it)")
    guard let recorded = session.recordedOutput else {
      session.print("(\(command) not re-run on replay; use --rerun-loadtests)")
      return nil
    }
    if !recorded.isEmpty { session.print(recorded) }
    return recorded
  }
}
