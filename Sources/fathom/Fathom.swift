import ArgumentParser
import Foundation
import Model
import Notebook

/// The `fathom` command: explore and serve ONNX models.
@main
struct Fathom: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fathom",
    abstract: "Explore an ONNX model in a terminal notebook, or serve it over HTTP.",
    version: "fathom \(NotebookVersion.current)",
    subcommands: [Repl.self, Replay.self, Inspect.self, PredictCommand.self, Serve.self, LoadTest.self, Bench.self],
    defaultSubcommand: Repl.self
  )

  /// ArgumentParser's own main, after one check of its own: a first word that is neither a
  /// subcommand nor a model but is close to a subcommand's name is a misspelt subcommand, not a
  /// model for the default `repl` (which would answer "Unexpected argument" or "cannot read").
  static func main() async {
    var arguments = Array(CommandLine.arguments.dropFirst())
    if let word = arguments.first, let near = misspeltSubcommand(word) {
      FileHandle.standardError.write(
        Data(
          "Error: unknown command '\(word)'; did you mean '\(near)'?\n  See 'fathom --help' for the commands.\n".utf8))
      Foundation.exit(ExitCode.validationFailure.rawValue)
    }
    if arguments.first == "serve" {
      do {
        let environment = ProcessInfo.processInfo.environment
        arguments = ["serve"] + (try ServeEnvironment.arguments(Array(arguments.dropFirst()), environment: environment))
      } catch {
        FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
        Foundation.exit(ExitCode.validationFailure.rawValue)
      }
    }
    do {
      var command = try parseAsRoot(arguments)
      if var command = command as? any AsyncParsableCommand {
        try await command.run()
      } else {
        try command.run()
      }
    } catch {
      exit(withError: error)
    }
  }

  /// The subcommand `word` is a near miss of, when `word` names no subcommand, model file or
  /// built-in model.
  static func misspeltSubcommand(_ word: String) -> String? {
    guard !word.hasPrefix("-"), !word.contains("/"), !word.contains(".") else { return nil }
    let names = configuration.subcommands.map { $0._commandName } + ["help"]
    guard !names.contains(word), !Model.builtInNames.contains(word), !FileManager.default.fileExists(atPath: word)
    else { return nil }
    return nearestName(to: word, in: names)
  }
}
