/// The commands every session starts with.
enum BuiltInCommands {
  /// Every built-in command; `serve` and `loadtest` share `server`, the session's own.
  static func all(server: NotebookServer) -> [any CommandHandler] {
    [
      HelpCommand(), LoadCommand(), ModelCommand(), InputsCommand(), PredictCommand(), SweepCommand(),
      PlotCommand(kind: .line), PlotCommand(kind: .scatter), BarCommand(), HistCommand(),
      VarsCommand(), DelCommand(), HistoryCommand(), SaveCommand(), ClearCommand(), QuitCommand(name: "quit"),
      QuitCommand(name: "exit"), SessionsCommand(), ServeCommand(server: server), LoadTestCommand(server: server),
    ]
  }
}
