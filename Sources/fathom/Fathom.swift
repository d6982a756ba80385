import ArgumentParser

/// The `fathom` command: explore and serve ONNX models.
@main
struct Fathom: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fathom",
    abstract: "Explore an ONNX model in a terminal notebook, or serve it over HTTP.",
    subcommands: [Repl.self, Replay.self, Inspect.self, PredictCommand.self, Serve.self, LoadTest.self, Bench.self],
    defaultSubcommand: Repl.self
  )
}
