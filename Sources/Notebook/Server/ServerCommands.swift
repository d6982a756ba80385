/// The notebook's server commands, `serve` and `loadtest`, sharing one server.
///
/// ```swift
/// let session = Session(model: model, modelReference: "iris")
/// for command in ServerCommands.make() { session.register(command) }
/// ```
public enum ServerCommands {
  /// A new `serve` and `loadtest` pair for one session.
  /// - Parameters:
  ///   - rerunOnReplay: whether a replay runs them (`fathom replay --rerun-loadtests`)
  ///     instead of keeping their recorded outputs.
  ///   - stateDirectory: where the server's access log goes; fathom's state directory by default.
  /// - Returns: the commands, to pass to `Session.register(_:)` or `InteractiveLoop(commands:)`.
  public static func make(rerunOnReplay: Bool = false, stateDirectory: String? = nil) -> [any CommandHandler] {
    let server = NotebookServer(stateDirectory: stateDirectory ?? Autosave.stateDirectory())
    return [
      ServeCommand(server: server, rerunOnReplay: rerunOnReplay),
      LoadTestCommand(server: server, rerunOnReplay: rerunOnReplay),
    ]
  }
}
