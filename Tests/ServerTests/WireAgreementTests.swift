import Foundation
import Model
import Server
import Testing

/// A zoo model (Tests/Fixtures/zoo) and a few of its test rows as named features.
struct ZooRows: CustomStringConvertible, Sendable {
  let name: String
  var description: String { name }

  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/zoo")

  /// The zoo models fathom runs: those index.json does not mark pending.
  static let runnable: [ZooRows] = {
    let index = directory.appendingPathComponent("index.json")
    guard let data = try? Data(contentsOf: index),
      let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
    else { return [] }
    return entries.compactMap { entry in
      guard entry["pending"] == nil, let name = entry["name"] as? String else { return nil }
      return ZooRows(name: name)
    }
  }()

  var modelURL: URL { Self.directory.appendingPathComponent("\(name).onnx") }

  /// Up to `limit` of the rows onnxruntime was run on, as features by name, keeping only
  /// rows the server's strict validation accepts.
  func rows(of model: Model, limit: Int = 8) throws -> [[String: FeatureValue]] {
    let data = try Data(contentsOf: Self.directory.appendingPathComponent("\(name).expected.json"))
    let document = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    let inputs = document["inputs"] as? [String: [String: Any]] ?? [:]
    let signature = model.signature
    let count = signature.inputs.compactMap { (inputs[$0.name]?["shape"] as? [Int])?.first }.min() ?? 0
    var rows: [[String: FeatureValue]] = Array(repeating: [:], count: min(count, limit))
    for feature in signature.features {
      let input = try #require(inputs[signature.inputs[feature.binding.input].name])
      let shape = input["shape"] as? [Int] ?? []
      let cells = input["data"] as? [Any] ?? []
      let width = shape.count >= 2 ? shape[1] : 1
      for r in rows.indices {
        rows[r][feature.name] = Self.featureValue(cells[r * width + feature.binding.column])
      }
    }
    return rows.filter { model.validate($0).isEmpty }
  }

  /// A cell of expected.json, where non-finite numbers are the strings `NaN`, `Infinity`, `-Infinity`.
  private static func featureValue(_ cell: Any) -> FeatureValue {
    if let n = cell as? NSNumber { return .number(n.doubleValue) }
    guard let s = cell as? String else { return .null }
    return ["NaN", "Infinity", "-Infinity"].contains(s) ? .number(Double(s) ?? .nan) : .string(s)
  }
}

/// The rows as the two input formats: JSON objects and CSV with a header of feature names.
struct RowTexts {
  let json: [String]
  let csv: String

  init(_ rows: [[String: FeatureValue]], features: [String]) {
    json = rows.map { row in
      var w = JSONWriter()
      w.raw("{")
      var first = true
      for name in features {
        w.separator(&first)
        w.key(name)
        switch row[name] {
        case .number(let d)?: w.number(d)
        case .string(let s)?: w.string(s)
        case .bool(let b)?: w.bool(b)
        default: w.raw("null")
        }
      }
      w.raw("}")
      return String(decoding: w.bytes, as: UTF8.self)
    }
    var w = CSVWriter()
    for name in features { w.field(name) }
    w.endRecord()
    for row in rows {
      for name in features {
        switch row[name] {
        case .number(let d)?: w.number(d)
        case .string(let s)?: w.field(s)
        case .bool(let b)?: w.field(b ? "true" : "false")
        default: w.field("")
        }
      }
      w.endRecord()
    }
    csv = String(decoding: w.bytes, as: UTF8.self)
  }
}

/// Runs the built `fathom` binary and collects its standard output.
enum FathomBinary {
  /// $FATHOM_BINARY, or `fathom` beside the test bundle.
  static var path: String? {
    if let path = ProcessInfo.processInfo.environment["FATHOM_BINARY"] { return path }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<3 {
      let candidate = directory.appendingPathComponent("fathom").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return nil
  }

  /// Runs `fathom arguments…`, its standard error going to `errors`; returns its exit status,
  /// standard output and standard error. The child is waited for on a thread of its own: a
  /// blocked thread of the small task pool would starve the servers other tests run.
  static func run(_ arguments: [String], errors: URL) async throws -> (
    status: Int32, output: String, errors: String
  ) {
    let executable = try #require(path, "build fathom first or set FATHOM_BINARY")
    return try await withCheckedThrowingContinuation { continuation in
      Thread {
        continuation.resume(
          with: Result { try runBlocking(executable, arguments, errors: errors) })
      }.start()
    }
  }

  private static func runBlocking(_ executable: String, _ arguments: [String], errors: URL) throws -> (
    status: Int32, output: String, errors: String
  ) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errors)
    process.standardInput = FileHandle.nullDevice
    // Waiting on a semaphore, not Process.waitUntilExit, which spins its run loop.
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    // Read standard output to its end before waiting, so a full pipe cannot stall the child.
    let out = output.fileHandleForReading.readDataToEndOfFile()
    exited.wait()
    let errorText = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), errorText)
  }
}

@Suite("fathom predict and POST /predict write the same bytes", .serialized)
struct WireAgreementTests {
  @Test(
    "for every zoo model, JSON Lines and CSV in, JSON and CSV out: the CLI and the server agree byte for byte",
    arguments: ZooRows.runnable)
  func cliAndServerAgree(_ zoo: ZooRows) async throws {
    let model = try Model(contentsOf: zoo.modelURL)
    let rows = try zoo.rows(of: model)
    try #require(!rows.isEmpty, "\(zoo.name) has no row that passes validation")
    let texts = RowTexts(rows, features: model.signature.featureNames)

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-wire-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let jsonlFile = directory.appendingPathComponent("rows.jsonl")
    let csvFile = directory.appendingPathComponent("rows.csv")
    try Data(texts.json.map { $0 + "\n" }.joined().utf8).write(to: jsonlFile)
    try Data(texts.csv.utf8).write(to: csvFile)

    func cli(_ input: URL, _ format: String) async throws -> String {
      let run = try await FathomBinary.run(
        ["predict", zoo.modelURL.path, "--input", input.path, "--format", format],
        errors: directory.appendingPathComponent("stderr.txt"))
      let command = "fathom predict \(input.lastPathComponent) --format \(format)"
      #expect(run.status == 0, "\(zoo.name): \(command): \(run.errors)")
      return run.output
    }
    let linesFromJSON = try await cli(jsonlFile, "jsonl")
    let linesFromCSV = try await cli(csvFile, "jsonl")
    let csvFromJSON = try await cli(jsonlFile, "csv")
    let csvFromCSV = try await cli(csvFile, "csv")
    #expect(linesFromJSON == linesFromCSV, "\(zoo.name): JSON Lines from JSON Lines and from CSV input")
    #expect(csvFromJSON == csvFromCSV, "\(zoo.name): CSV from JSON Lines and from CSV input")
    let lines = linesFromJSON.split(separator: "\n").map(String.init)
    try #require(lines.count == rows.count, "\(zoo.name): \(lines.count) lines for \(rows.count) rows")

    try await TestServer.with(model) { s in
      let batch = #"{"instances":["# + texts.json.joined(separator: ",") + "]}"
      let csvAccept = [("Accept", "text/csv")]
      let jsonFromJSON = try await s.post("/predict", batch)
      let jsonFromCSV = try await s.post("/predict", texts.csv, contentType: "text/csv")
      let serverCSVFromJSON = try await s.post("/predict", batch, headers: csvAccept)
      let serverCSVFromCSV = try await s.post("/predict", texts.csv, contentType: "text/csv", headers: csvAccept)
      let single = try await s.post("/predict", texts.json[0])
      for answer in [jsonFromJSON, jsonFromCSV, serverCSVFromJSON, serverCSVFromCSV, single] {
        #expect(answer.status == 200, "\(zoo.name): \(answer.body)")
      }

      // The server adds "model" and "version" after the predictions; the CLI writes the predictions alone.
      let predictions = #"{"predictions":["# + lines.joined(separator: ",") + #"],"model":"#
      #expect(jsonFromJSON.body.hasPrefix(predictions), "\(zoo.name): \(jsonFromJSON.body) vs \(lines)")
      #expect(jsonFromCSV.body == jsonFromJSON.body, "\(zoo.name): JSON answer from a CSV and a JSON body")
      #expect(single.body.hasPrefix(lines[0].dropLast() + #","model":"#), "\(zoo.name): \(single.body)")
      #expect(serverCSVFromJSON.body == csvFromJSON, "\(zoo.name): CSV answer and fathom predict --format csv")
      #expect(serverCSVFromCSV.body == csvFromJSON, "\(zoo.name): CSV answer from a CSV body")
    }
  }

  @Test("a regressor with several targets writes value and values in JSON, value_0… in CSV")
  func severalTargets() throws {
    let p = Prediction(values: [1.5, -2, .nan])
    var json = JSONWriter()
    p.writeJSON(to: &json)
    #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"value":1.5,"values":[1.5,-2,null]}"#)
    let csv = Prediction.csv([p], signature: Fixtures.diabetes.signature)
    #expect(String(decoding: csv, as: UTF8.self) == "value_0,value_1,value_2\n1.5,-2,NaN\n")
  }

  @Test("CSV quotes a field with a comma, a quote or a line break, and only then")
  func csvQuoting() {
    var w = CSVWriter()
    for field in ["plain", "a,b", #"say "hi""#, "two\nlines"] { w.field(field) }
    w.endRecord()
    #expect(String(decoding: w.bytes, as: UTF8.self) == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n")
  }
}
