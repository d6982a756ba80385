import Foundation
import Model
import Plot
import Testing

@testable import Notebook

@Suite("commands")
struct CommandTests {
  @Test(
    "command errors say what is wrong and how to fix it",
    arguments: [
      (
        "predict petal_lenght=5",
        "petal_lenght is not a feature of iris; did you mean petal_length? (features: sepal_length, sepal_width, petal_length, petal_width)"
      ),
      ("predict petal_length", "expected = after petal_length (usage: predict [feature=value ...])"),
      (
        "sweep petal_lenght",
        "petal_lenght is not a feature of iris; did you mean petal_length? (features: sepal_length, sepal_width, petal_length, petal_width)"
      ),
      (
        "sweep petal_length from 1",
        "expected to after from A (usage: sweep FEATURE [from A to B] [, FEATURE2 [from C to D]] [steps N])"
      ),
      ("sweep petal_length steps 1", "steps should be a whole number from 2 to 2000, got 1"),
      ("sweep petal_length from 2 to 2", "the sweep needs two different finite ends, got 2 and 2"),
      ("sweep petal_length, petal_length", "sweep two different features, not petal_length twice"),
      ("load /nowhere.onnx", "cannot read /nowhere.onnx: no such file"),
      ("del nothing", "there is no variable nothing"),
      ("help predikt", "no help on predikt; did you mean predict?"),
      (
        "serve eighty",
        "expected a port number from 0 to 65535, stop or status (usage: serve [PORT] | serve stop | serve status)"
      ),
      (
        "loadtest",
        "no server is running: start one with serve, or name one (loadtest http://127.0.0.1:8000/predict)"
      ),
      ("plot 3", "ys should be a list of numbers, got a number"),
      ("plot [1, 2], [1]", "xs has 2 values but ys has 1"),
      ("hist [1, \"a\"]", "xs: value 2 should be a number, got a string"),
      ("model extra", "unexpected argument (usage: model), got extra"),
      ("bar [\"a\"], [1, 2]", "1 labels but 2 values"),
    ])
  func errors(input: String, message: String) throws {
    let output = try run([input])
    #expect(output.split(separator: "\n").last.map(String.init) == "error: " + message)
  }

  @Test("validation errors list every problem in words")
  func validationIssues() throws {
    let output = try run(["petal_length = 99", "sepal_width = \"wide\"", "predict"])
    #expect(
      output == """
        error: the model cannot predict: 2 problems
          - sepal_width should be a number, got the string "wide"
          - petal_length should be at most 6.9, got 99
        """)
  }

  @Test("predict uses the feature variables, says which defaults it used, and draws the probabilities")
  func predict() throws {
    let output = try run(["petal_length = 5; petal_width = 1.8", "predict"])
    let lines = output.split(separator: "\n").map(String.init)
    #expect(lines[0].hasPrefix("predicted: virginica (probability 0."))
    #expect(lines[1] == "defaults used: sepal_length=5.8, sepal_width=3")
    #expect(lines.contains { $0.contains("setosa ┤") })
  }

  @Test("a regression predicts a value; r = predict keeps it")
  func regression() throws {
    #expect(try run(["predict age=50", "_.defaults_used"], model: "diabetes").hasPrefix("[\"sex\", \"bmi\""))
    #expect(try run(["r = predict", "r.value == predict.value"], model: "diabetes").contains("error"))
  }

  @Test("a sweep draws one series per class and returns lists; two features draw a heatmap")
  func sweep() throws {
    let out = try run(["s = sweep petal_length from 1 to 7 steps 30", "len(s.petal_length) + len(s.virginica)"])
    #expect(out == "60")
    let heat = try run(["sweep petal_length, petal_width steps 10"])
    #expect(heat.contains("top-class probability over petal_length × petal_width"))
    #expect(heat.contains("predicted labels over the grid:"))
  }

  @Test("vars, del, history and load keep the session consistent")
  func sessionCommands() throws {
    #expect(try run(["a = 1; b = [1, 2]", "vars"]) == "a  number   1\nb  list[2]  [1, 2]")
    #expect(try run(["a = 1", "del a", "a"]).contains("\nerror: unknown name a"))
    #expect(try run(["a = 1", "b = 2", "history"]) == "[1] a = 1\n[2] b = 2")
    #expect(try run(["load diabetes", "model"]).hasPrefix("diabetes: regression — "))
  }

  @Test("a registered command replaces the built-in one of the same name")
  func registerCommand() throws {
    struct FakeServe: CommandHandler {
      let name = "serve"
      let usage = "serve [PORT]"
      let summary = "serve the model"
      func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
        session.print("serving \(session.model.name) on \(try arguments.value().display)")
        return nil
      }
    }
    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    session.register(FakeServe())
    #expect(session.run("serve 8080").rendered(width: 80, colorMode: .none) == "serving iris on 8080")
  }

  @Test("quit stops the remaining statements")
  func quit() throws {
    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    #expect(session.run("quit; 1 + 1").parts.isEmpty)
    #expect(session.quitRequested)
  }

  @Test(
    "Tab completes commands, names, functions, fields and paths",
    arguments: [
      ("pre", ["predict"]),
      ("x = petal_l", ["petal_length"]),
      ("x = lin", ["linspace"]),
      ("predict petal_length=5; swe", ["sweep"]),
      ("r.prob", ["probabilities", "probability"]),
      ("load dia", ["diabetes"]),
    ])
  func completion(before: String, expected: [String]) {
    let candidates = Completion.candidates(
      before, commands: ["predict", "sweep", "save"], variables: ["r"],
      features: ["petal_length", "petal_width"],
      fields: { $0 == "r" ? ["label", "probability", "probabilities"] : [] })
    #expect(candidates == expected)
  }

  @Test("path completion lists files and directories")
  func pathCompletion() throws {
    let directory = NSTemporaryDirectory() + "fathom-complete-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory + "/models", withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: directory + "/model.onnx", contents: Data())
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(Completion.paths(directory + "/mod", builtIns: []) == [directory + "/model.onnx", directory + "/models/"])
    #expect(Completion.currentWord("save \(directory)/mo") == "\(directory)/mo")
  }
}
