/// The commands every session starts with.
enum BuiltInCommands {
  static var all: [any CommandHandler] {
    [
      HelpCommand(), LoadCommand(), ModelCommand(), InputsCommand(), PredictCommand(), SweepCommand(),
      PlotCommand(kind: .line), PlotCommand(kind: .scatter), BarCommand(), HistCommand(),
      VarsCommand(), DelCommand(), HistoryCommand(), SaveCommand(), ClearCommand(), QuitCommand(name: "quit"),
      QuitCommand(name: "exit"), SessionsCommand(),
      UnavailableCommand(name: "serve", usage: "serve [PORT]", summary: "serve the model over HTTP"),
      UnavailableCommand(name: "loadtest", usage: "loadtest [URL]", summary: "load-test a running server"),
    ]
  }
}
