import ArgumentParser
import Foundation
import Model
import Notebook

/// `fathom inspect MODEL`: what a model file holds.
struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show a model's inputs, outputs, features, classes, operators and opsets.")

  @Argument(help: ArgumentHelp(modelReferenceHelp + "."))
  var model: String

  func run() throws {
    let loaded = try loadModel(model)
    print(ModelSummary(loaded, reference: model).text)
  }
}

/// The help of every MODEL argument: the references `Model.open(reference:)` accepts.
let modelReferenceHelp =
  "An .onnx file, a directory holding one, or a built-in model name (\(Model.builtInNames.joined(separator: ", ")))"

/// Opens a model by reference (`Model.open(reference:)`), turning failures into a clean exit.
func loadModel(_ reference: String) throws -> Model {
  do {
    return try Model.open(reference: reference)
  } catch {
    throw failure(error.message)
  }
}

/// Prints `message` on standard error and gives the error that makes fathom exit with status 1.
func failure(_ message: String) -> ExitCode {
  FileHandle.standardError.write(Data("fathom: \(message)\n".utf8))
  return ExitCode.failure
}
