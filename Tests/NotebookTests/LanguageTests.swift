import Model
import Plot
import Testing

@testable import Notebook

/// Runs lines in a fresh iris session and returns the last cell's plain output.
func run(_ lines: [String], model: String = "iris") throws -> String {
  let session = Session(model: try Model.builtIn(named: model), modelReference: model)
  var last = ""
  for line in lines { last = session.run(line).rendered(width: 80, colorMode: .none) }
  return last
}

@Suite("the session language")
struct LanguageTests {
  @Test(
    "expressions print their value",
    arguments: [
      ("1 + 2 * 3", "7"),
      ("(1 + 2) * 3", "9"),
      ("2 ^ 3 ^ 2", "512"),
      ("-2 ^ 2", "-4"),
      ("10 / 4", "2.5"),
      ("1 / 0", "Infinity"),
      ("-x", "-4.5"),
      ("x * 2", "9"),
      ("x > 4 and x < 5", "true"),
      ("not (x == 4.5)", "false"),
      ("x != 3", "true"),
      ("\"ab\" + \"c\"", "\"abc\""),
      ("[1, 2, 3] * 2", "[2, 4, 6]"),
      ("[1, 2, 3] + [10, 20, 30]", "[11, 22, 33]"),
      ("[1, 2] < 2", "[true, false]"),
      ("sqrt(16)", "4"),
      ("abs(-3)", "3"),
      ("round(2.567, 2)", "2.57"),
      ("min([3, 1, 2])", "1"),
      ("max(3, 7)", "7"),
      ("sum([1, 2, 3])", "6"),
      ("mean([1, 2, 3, 4])", "2.5"),
      ("len([1, 2, 3])", "3"),
      ("linspace(0, 1, 5)", "[0, 0.25, 0.5, 0.75, 1]"),
      ("range(4)", "[0, 1, 2, 3]"),
      ("range(1, 2, 0.5)", "[1, 1.5]"),
      ("exp(0) + log(1) + sin(0) + cos(0)", "2"),
      ("[10, 20, 30][-1]", "30"),
      ("1e3 + .5", "1000.5"),
      ("null", ""),
      ("true or false", "true"),
      ("len(range(100))", "100"),
      ("2 ** 10", "1024"),
    ])
  func expressions(input: String, expected: String) throws {
    #expect(try run(["x = 4.5", input]) == expected)
  }

  @Test("several statements with ; and _ holds the last result")
  func statementsAndLastResult() throws {
    #expect(try run(["a = 2; b = 3; a * b", "_ + 1"]) == "7")
    #expect(try run(["1; 2"]) == "1\n2")
  }

  @Test(
    "syntax errors point at the column with a caret",
    arguments: [
      ("1 +", 4, "expected a value, got the end of the line"),
      ("x = (1 + 2", 11, "expected ) to close the ( at column 5, got the end of the line"),
      ("1 2", 3, "expected ; or the end of the line, got the number 2"),
      ("\"abc", 1, "this string has no closing quote"),
      ("x = 3 $ 4", 7, "expected ; or the end of the line, got $"),
      ("predict = 3", 1, "predict is a command and cannot be assigned to"),
      ("true = 1", 1, "true is a reserved word and cannot be assigned to"),
      ("[1, 2", 6, "expected , or ] (the [ is at column 1), got the end of the line"),
      ("1 < 2 < 3", 7, "comparisons cannot be chained; use and, got <"),
    ])
  func syntaxErrors(input: String, column: Int, message: String) throws {
    let output = try run([input])
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines == ["  " + input, "  " + String(repeating: " ", count: column - 1) + "^", "error: " + message])
  }

  @Test(
    "unknown names and wrong types explain themselves",
    arguments: [
      ("petal_lenght", "unknown name petal_lenght; did you mean petal_length?"),
      ("sqr(4)", "unknown function sqr; did you mean sqrt? (help functions lists them)"),
      ("1 + \"a\"", "cannot apply + to a number and a string"),
      ("[1, 2] + [1, 2, 3]", "+ needs lists of the same length, got 2 and 3 values"),
      ("linspace(0, 1)", "linspace: takes 3 arguments, got 2"),
      ("mean([])", "mean: needs at least one value"),
      ("[1][3]", "index 3 is out of range for a list of 1 values"),
      (
        "r = predict; r.lable",
        "a prediction has no field lable; did you mean label? (fields: label, probability, probabilities, inputs, defaults_used)"
      ),
      (
        "r = predict; r.probabilities.setosaa",
        "a record has no field setosaa; did you mean setosa? (fields: setosa, versicolor, virginica)"
      ),
      ("x.y", "a number has no fields (.y)"),
      ("not 1", "not needs a boolean, got a number"),
    ])
  func nameAndTypeErrors(input: String, message: String) throws {
    let output = try run(["x = 1", input])
    #expect(output.split(separator: "\n").last.map(String.init) == "error: " + message)
  }

  @Test(
    "misspelled commands and names suggest the nearest command, variable or feature",
    arguments: [
      ("swep petal_length", "unknown command swep; did you mean sweep? (help lists the commands)"),
      ("predcit", "unknown command predcit; did you mean predict? (help lists the commands)"),
      ("predcit petal_length=5", "unknown command predcit; did you mean predict? (help lists the commands)"),
      ("plto [1, 2]", "unknown command plto; did you mean plot? (help lists the commands)"),
      ("hsitory", "unknown command hsitory; did you mean history? (help lists the commands)"),
      ("xx + 1", "unknown name xx; did you mean x?"),
      ("sepal_lenght * 2", "unknown name sepal_lenght; did you mean sepal_length?"),
      ("sepal_length", "sepal_length has no value yet; set it with sepal_length = …"),
    ])
  func suggestions(input: String, message: String) throws {
    let output = try run(["x = 1", input])
    #expect(output.split(separator: "\n").last.map(String.init) == "error: " + message)
  }

  @Test("a variable whose name is close to a command is still a variable")
  func variableNearACommand() throws {
    #expect(try run(["plt = 3", "plt"]) == "3")
    #expect(try run(["swep = 2; swep * 2"]) == "4")
  }

  @Test("an error never ends the session: variables survive")
  func errorsKeepTheSession() throws {
    #expect(try run(["x = 2", "x = (", "y = 1 +", "x"]) == "2")
  }

  @Test("field access on a prediction")
  func predictionFields() throws {
    #expect(try run(["petal_length = 1.4; petal_width = 0.2", "r = predict", "r.label"]) == "\"setosa\"")
    let p = try run(["petal_length = 1.4; petal_width = 0.2", "r = predict", "r.probabilities.setosa > 0.5"])
    #expect(p == "true")
    #expect(try run(["r = predict bmi=30", "r.value > 0"], model: "diabetes") == "true")
  }

  @Test(
    "numbers print the same in every locale",
    arguments: [(0.1 + 0.2, "0.30000000000000004"), (1e-7, "1e-07"), (-0.5, "-0.5"), (3, "3")])
  func numberFormat(value: Double, expected: String) {
    #expect(formatNumber(value) == expected)
  }

  @Test(
    "fixed and short formats",
    arguments: [(0.91234, 3, "0.912"), (-0.0004, 3, "0.000"), (2.5, 0, "3"), (152.1334, 2, "152.13")])
  func fixedFormat(value: Double, digits: Int, expected: String) {
    #expect(formatFixed(value, digits: digits) == expected)
  }
}
