import Foundation
import Model
import Plot
import Testing

@testable import Notebook

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory(_ name: String) throws -> String {
  let directory = NSTemporaryDirectory() + "fathom-\(name)-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  return directory
}

/// The last line of the last cell's plain output.
func lastLine(_ lines: [String], model: String = "iris") throws -> String {
  try run(lines, model: model).split(separator: "\n").last.map(String.init) ?? ""
}

@Suite("input never crashes the notebook: counts, sizes and nesting have limits")
struct InputLimitTests {
  @Test(
    "counts that do not fit an Int, and lists too long to hold, are errors",
    arguments: [
      ("range(1e300)", "error: range: would make 1e+300 values; at most 1000000 (use a larger step)"),
      (
        "range(-1e308, 1e308)",
        "error: range: would make more values than can be counted; at most 1000000 (use a larger step)"
      ),
      ("range(1e9)", "error: range: would make 1000000000 values; at most 1000000 (use a larger step)"),
      (
        "range(0, 1, 1e-320)",
        "error: range: would make more values than can be counted; at most 1000000 (use a larger step)"
      ),
      ("range(1e308, -1e308)", "[]"),
      ("range(0 / 0)", "error: range: needs finite bounds and a non-zero step"),
      ("linspace(0, 1, 1e300)", "error: linspace: n should be a whole number of at least 1, got 1e+300"),
      ("linspace(0, 1, 1e7)", "error: linspace: n should be at most 1000000, got 10000000"),
      ("[1, 2][1e300]", "error: index 1e+300 is out of range for a list of 2 values"),
      ("[1, 2][-1e300]", "error: index -1e+300 is out of range for a list of 2 values"),
      ("[1, 2][0 / 0]", "error: a list index must be a whole number, got NaN"),
      ("round(2.5, 1e300)", "NaN"),
      ("-0", "0"),
      ("1e-320 * 1e-320", "0"),
      ("1e308 * 10", "Infinity"),
    ])
  func countsAndSizes(input: String, expected: String) throws {
    #expect(try lastLine([input]) == expected)
  }

  @Test("arithmetic over lists that share storage is refused before it makes every copy")
  func sharedListsAreBounded() throws {
    let message = "error: + would make more than 1000000 values; work on smaller lists"
    #expect(try lastLine(["x = range(1e6)", "y = [x, x, x]", "y + 1"]) == message)
    #expect(try lastLine(["x = range(1e6)", "y = [x, x, x]", "sin(y)"]).hasSuffix("work on smaller lists"))
    #expect(try lastLine(["x = range(1e6)", "len(x + 1)"]) == "1000000")
  }

  @Test("a string that doubles cell after cell stops at the length limit")
  func stringsAreBounded() throws {
    let doublings = Array(repeating: "s = s + s", count: 21)
    let output = try lastLine(["s = \"0123456789\""] + doublings)
    #expect(output == "error: + would make a string longer than 10000000 bytes")
  }

  @Test("sweep ends whose distance overflows are refused")
  func sweepOverflow() throws {
    #expect(
      try lastLine(["sweep petal_length from -1e308 to 1e308"])
        == "error: the sweep needs two different finite ends, got -1e+308 and 1e+308")
  }

  /// A line nesting `depth` levels of `open … close` around `1`.
  static func nested(_ depth: Int, _ open: String, _ close: String) -> String {
    String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
  }

  static let tooDeep =
    "error: this line nests more than 200 levels deep (brackets, - or not in a row, ^); "
    + "split it into steps with variables"

  @Test(
    "deep nesting is a syntax error at any depth, and up to the limit it evaluates",
    arguments: [
      ("(", ")"), ("[", "]"), ("-", ""), ("not ", ""), ("abs(", ")"), ("2 ^ ", ""), ("[1][0 * ", "]"),
    ])
  func deepNesting(open: String, close: String) throws {
    for depth in [300, 5_000, 100_000] {
      #expect(try lastLine([Self.nested(depth, open, close)]) == Self.tooDeep, "\(depth) levels of \(open)")
    }
    let fine = try lastLine([Self.nested(150, open, close)])
    #expect(!fine.hasPrefix("error:") || open == "not ", "150 levels of \(open): \(fine)")
  }

  @Test(
    "chains of any length evaluate without recursion: + - * / and or, fields and indexes",
    arguments: [
      (Array(repeating: "1", count: 100_000).joined(separator: "+"), "100000"),
      ("0" + String(repeating: "-1", count: 50_000), "-50000"),
      ("1" + String(repeating: "*1", count: 50_000), "1"),
      ("true" + String(repeating: " and true", count: 50_000), "true"),
      ("false" + String(repeating: " or false", count: 50_000), "false"),
      ("[5]" + String(repeating: "[0]", count: 1) + String(repeating: " + 0", count: 30_000), "5"),
    ])
  func longChains(line: String, expected: String) throws {
    #expect(try lastLine([line]) == expected)
  }

  @Test("a long field chain is an error, not a crash")
  func longFieldChain() throws {
    let line = "r = predict; r" + String(repeating: ".inputs", count: 30_000)
    #expect(try lastLine([line]).hasPrefix("error: a record has no field inputs"))
  }

  @Test("lists built cell by cell cannot nest past the limit, and the session stays usable")
  func valuesNestBoundedly() throws {
    let lines = ["x = 1"] + Array(repeating: "x = [x]", count: 260) + ["len(x)"]
    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    var outputs: [String] = []
    for line in lines { outputs.append(session.run(line).rendered(width: 80, colorMode: .none)) }
    #expect(outputs[200] == "")
    #expect(
      outputs[201].hasSuffix(
        "error: lists may nest at most 200 levels deep; this one would nest deeper"))
    #expect(outputs.last == "1")
    #expect(session.run("1 + 1").rendered(width: 80, colorMode: .none) == "2")
  }

  /// A debug build spends about 12 KiB of stack per level of brackets (measured with
  /// `ulimit -s`: 200 levels need 3 MiB), a release build far less; 8 MiB is a main thread's.
  @Test("the nesting limit fits in a main thread's 8 MiB stack, in parser and evaluator, even in debug")
  func nestingFitsASmallStack() async throws {
    let lines = [
      Self.nested(199, "(", ")"), Self.nested(199, "[", "]"), Self.nested(198, "-", ""),
      Self.nested(198, "abs(", ")"), Self.nested(10_000, "(", ")"),
    ]
    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    let outputs = await withCheckedContinuation { (continuation: CheckedContinuation<[String], Never>) in
      // Safe: the session is used by this one thread only, and the test waits for it.
      nonisolated(unsafe) let session = session
      let thread = Thread {
        continuation.resume(returning: lines.map { session.run($0).rendered(width: 80, colorMode: .none) })
      }
      thread.stackSize = 8 * 1024 * 1024
      thread.start()
    }
    #expect(outputs[0] == "1")
    #expect(outputs[2] == "1")
    #expect(outputs[4].hasSuffix(Self.tooDeep))
  }
}

@Suite("fathom replay survives long and deep lines")
struct ReplayLimitTests {
  @Test(
    "a transcript with a 100,000-term chain and 10,000 nested brackets replays in the binary",
    .enabled(if: TmuxDriver.fathomBinary != nil))
  func longAndDeepLines() throws {
    let directory = try temporaryDirectory("replay-deep")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/deep.fathom"
    let chain = Array(repeating: "1", count: 100_000).joined(separator: "+")
    let deep = InputLimitTests.nested(10_000, "(", ")")
    let minus = String(repeating: "-", count: 30_000) + "1"
    let text = "#! fathom transcript 1\n#! model: iris\n\n>>> \(chain)\n>>> \(deep)\n>>> \(minus)\n>>> 1 + 1\n"
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    let binary = try #require(TmuxDriver.fathomBinary)
    let (status, output) = try ChildProcess.run(
      "/usr/bin/env", ["HOME=\(directory)", binary, "replay", path], capture: true)
    #expect(status == 0, "exit status \(status)")
    #expect(output.contains("\n100000\n"))
    #expect(output.components(separatedBy: InputLimitTests.tooDeep).count == 3)
    #expect(output.hasSuffix(">>> 1 + 1\n2\n"))
  }
}
