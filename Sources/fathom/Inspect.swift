import ArgumentParser
import Foundation
import Model

/// `fathom inspect MODEL`: what a model file holds.
struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show a model's inputs, outputs, features, classes, operators and opsets.")

  @Argument(help: "An .onnx file, or a built-in model name (\(Model.builtInNames.joined(separator: ", "))).")
  var model: String

  func run() throws {
    let loaded = try loadModel(model)
    print(ModelReport(loaded).text)
  }
}

/// Loads a model path or built-in name, turning failures into a clean exit.
func loadModel(_ reference: String) throws -> Model {
  do {
    if Model.builtInNames.contains(reference), !FileManager.default.fileExists(atPath: reference) {
      return try Model.builtIn(named: reference)
    }
    return try Model(contentsOf: URL(fileURLWithPath: reference))
  } catch {
    throw failure(error.message)
  }
}

/// Prints `message` on standard error and gives the error that makes fathom exit with status 1.
func failure(_ message: String) -> ExitCode {
  FileHandle.standardError.write(Data("fathom: \(message)\n".utf8))
  return ExitCode.failure
}
