import Foundation
import Model
import Plot
import Testing

@testable import Notebook

/// A seeded fuzzer over the session language: random and grammar-shaped lines, extreme
/// numbers, deep nesting, long lines, and every command with random arguments. The process
/// must never trap, every line must become a cell (a result or an error), and the session
/// must stay usable. `make fuzz` runs it longer: FUZZ_LINES lines (default 1500 here),
/// FUZZ_SEED to vary the input, FUZZ_VERBOSE=1 to print each line before it runs.
@Suite("the session language survives random input (fuzzer)")
struct SessionFuzzTests {
  /// SplitMix64, as in the model fuzzer: small, seeded, reproducible.
  struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static let environment = ProcessInfo.processInfo.environment
  static var lineCount: Int { Int(environment["FUZZ_LINES"] ?? "") ?? 1500 }
  static var seed: UInt64 { UInt64(environment["FUZZ_SEED"] ?? "") ?? 0x5EED_F00D }
  static var verbose: Bool { environment["FUZZ_VERBOSE"] == "1" }

  /// Commands that act on the world are left out; `save` and `load` get safe arguments.
  static let excludedCommands: Set<String> = ["serve", "loadtest", "quit", "exit"]

  /// Makes lines from a seed.
  struct LineMaker {
    var rng: SplitMix
    let features: [String]
    let commands: [String]
    let directory: String

    static let numbers = [
      "0", "-0", "1", "2", "4.5", "0.5", "1e308", "-1e308", "1e309", "1e-320", "4.9e-324", "1e300", "1e9",
      "1e6", "99999999999999999999", "0.1", ".5", "7", "-1", "3.14159", "1e-7", "2000", "200",
    ]
    static let names = ["x", "xs", "r", "s", "_", "nan", "inf", "y", "zz", "petal_lenght", "predcit", "swep"]
    static let operators = ["+", "-", "*", "/", "^", "**", "==", "!=", "<", "<=", ">", ">=", "and", "or"]
    static let functions = Builtins.names + ["nope", "sqr", "lenn"]
    static let tokens =
      numbers + names + operators + [
        "(", ")", "[", "]", ",", ".", "=", ";", "not", "true", "false", "null", "\"a\"", "'b'", "\"", "#",
        "$", "from", "to", "steps", "!", "--force", "é", "日本", "\u{0}", "\t",
      ]

    mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
    mutating func count(_ upTo: Int) -> Int { Int(rng.next() % UInt64(upTo)) }

    mutating func atom() -> String {
      switch count(6) {
      case 0, 1: return pick(Self.numbers)
      case 2: return pick(Self.names + features)
      case 3: return pick(["\"text\"", "true", "false", "null", "''", "\"é\\\"\\n\""])
      case 4: return pick(["range(5)", "[1, 2, 3]", "[]", "linspace(0, 1, 7)", "[[1, 2], [3, 4]]"])
      default: return pick(features)
      }
    }

    mutating func expression(_ depth: Int = 0) -> String {
      if depth > 5 || chance(30) { return atom() }
      switch count(8) {
      case 0, 1: return expression(depth + 1) + " \(pick(Self.operators)) " + expression(depth + 1)
      case 2: return pick(["-", "not ", "+", "--"]) + expression(depth + 1)
      case 3: return "(" + expression(depth + 1) + ")"
      case 4: return "[" + (0..<count(4)).map { _ in expression(depth + 1) }.joined(separator: ", ") + "]"
      case 5:
        let arguments = (0..<count(4)).map { _ in expression(depth + 1) }
        return pick(Self.functions) + "(" + arguments.joined(separator: ", ") + ")"
      case 6: return expression(depth + 1) + "[" + expression(depth + 1) + "]"
      default: return expression(depth + 1) + "." + pick(["label", "value", "inputs", "x", "probabilities"])
      }
    }

    mutating func commandLine() -> String {
      let command = pick(commands)
      switch command {
      case "save":
        return pick(["save", "save!", "save"]) + " " + directory + "/fuzz\(count(3)).fathom"
          + (chance(20) ? " --force" : "")
      case "load": return "load " + pick(["iris", "diabetes", directory, directory + "/missing.onnx", ""])
      case "sweep":
        var line = "sweep " + pick(features + Self.names)
        if chance(60) { line += " from \(expression(4)) to \(expression(4))" }
        if chance(30) { line += ", " + pick(features) + (chance(50) ? " from \(atom()) to \(atom())" : "") }
        if chance(40) { line += " steps " + pick(["2", "3", "10", "0", "-5", "1e300", "nan", "2.5", "200", "x"]) }
        return line
      case "predict":
        var line = "predict"
        for _ in 0..<count(4) { line += " \(pick(features + Self.names))=\(expression(4))" }
        return line
      case "help": return "help " + pick(commands + Self.functions + ["", "language", "functions", "zzz"])
      default:
        var line = command
        for _ in 0..<count(4) { line += (chance(50) ? ", " : " ") + expression(3) }
        return line
      }
    }

    /// One line of any kind.
    mutating func line() -> String {
      switch count(12) {
      case 0, 1, 2: return expression()
      case 3: return pick(Self.names + features) + " = " + expression()
      case 4, 5, 6: return commandLine()
      case 7: return (0..<(1 + count(12))).map { _ in pick(Self.tokens) }.joined(separator: chance(50) ? " " : "")
      case 8:
        let characters = Array("abc019 .,;:=+-*/^()[]{}\"'#!$%&|\\<>~`?é日\u{7F}")
        return String((0..<count(40)).map { _ in pick(characters) })
      case 9:
        // Deep nesting, around and past the limit.
        let depth = pick([150, 199, 200, 201, 1_000, 5_000])
        let (open, close) = pick([("(", ")"), ("[", "]"), ("-", ""), ("not ", ""), ("sqrt(", ")"), ("2^", "")])
        return String(repeating: open, count: depth) + atom() + String(repeating: close, count: depth)
      case 10:
        // A long line: a chain of many terms.
        let terms = pick([100, 2_000, 20_000])
        return (0..<terms).map { _ in atom() }.joined(separator: pick([" + ", "*", " and ", "-", ";"]))
      default:
        // A valid line with one character inserted, deleted or replaced.
        var characters = Array(expression())
        let i = count(characters.count + 1)
        switch count(3) {
        case 0: characters.insert(pick(Array("()[],.;=\"'#-")), at: i)
        case 1 where i < characters.count: characters.remove(at: i)
        default: if i < characters.count { characters[i] = pick(Array("x1 (")) }
        }
        return String(characters)
      }
    }
  }

  @Test("random lines: no trap, every line a cell, the session stays usable", arguments: ["iris", "diabetes"])
  func randomLines(model: String) throws {
    let directory = NSTemporaryDirectory() + "fathom-fuzz-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let session = Session(model: try Model.builtIn(named: model), modelReference: model)
    // `sessions` reads the autosaves of a test folder, not the user's.
    session.register(SessionsCommand(directory: directory))
    let commands = session.commandNames.filter { !Self.excludedCommands.contains($0) }
    var maker = LineMaker(
      rng: SplitMix(state: Self.seed ^ UInt64(model.count)), features: session.model.signature.featureNames,
      commands: commands, directory: directory)
    // Bounded in count and in time, however slow the machine (debug builds check overflow).
    let deadline = ContinuousClock.now.advanced(by: .seconds(Self.lineCount > 1500 ? 3600 : 8))
    var ran = 0
    for index in 0..<Self.lineCount where ContinuousClock.now < deadline {
      let line = maker.line()
      if Self.verbose { print("fuzz \(model) \(index): \(line.prefix(300))") }
      let cellsBefore = session.transcript.entries.count
      let output = session.run(line)
      ran += 1
      let trimmed = line.trimmingWhitespace
      if !trimmed.isEmpty {
        #expect(session.transcript.entries.count == cellsBefore + 1, "line \(index) left no cell: \(line)")
      }
      #expect(!output.rendered(width: 80, colorMode: .none).contains("\u{1B}"), "line \(index): \(line)")
      if session.model.name != model { session.run("load \(model)") }
      if index % 100 == 0 {
        #expect(session.run("1 + 1").rendered(width: 80, colorMode: .none) == "2", "after line \(index)")
      }
    }
    #expect(ran > 0)
    #expect(session.run("1 + 1").rendered(width: 80, colorMode: .none) == "2")
    // Whatever was typed, the transcript reads back as it was written.
    let text = session.transcript.text
    #expect(try Transcript.parse(text).text == text)
  }
}
