import ArgumentParser
import Foundation
import Model
import Notebook

/// `fathom [MODEL]`: the notebook, on a model file or a built-in model.
struct Repl: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl",
    abstract: "Open the notebook on a model (the default subcommand).",
    discussion: """
      With a terminal: a line editor with history and completion, numbered cells.
      With a pipe: one cell per input line, outputs only, exit status 1 if a cell failed:
        echo 'predict petal_length=5' | fathom
      """)

  @Argument(help: ArgumentHelp(modelReferenceHelp + "."))
  var model: String = Model.defaultModelName

  func run() throws {
    let loaded = try loadModel(model)
    let status = InteractiveLoop(model: loaded, reference: model).run()
    if status != 0 { throw ExitCode(status) }
  }
}
