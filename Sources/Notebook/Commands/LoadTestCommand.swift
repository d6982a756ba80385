internal import Foundation
internal import Model

#if canImport(Glibc)
  internal import Glibc
#endif

/// `loadtest [URL] [connections=64] [duration=10s | requests=N] [rate=R] [body=…] [method=GET] [timeout=10s]`.
///
/// Uses the load tester (`LoadTest/`) through its interface only: a ``LoadTestPlan`` in,
/// ``LoadTestRunner/run(_:live:)``, a ``LoadTestResult`` out.
struct LoadTestCommand: CommandHandler {
  let name = "loadtest"
  let usage =
    "loadtest [URL] [connections=64] [duration=10s | requests=N] [rate=R] [body=JSON] [method=POST|GET] [timeout=10s]"
  let summary = "load-test a server: requests/s, latency percentiles, errors, plots"
  let details = """
    Without a URL, the session's own server (serve) is tested with POST /predict and a
    body made from the current inputs (the feature variables, defaults for the rest).
    Closed loop by default: each connection sends its next request when the last is
    answered. rate=R sends R requests per second in all (open loop) and measures each
    latency from when the request was due, so stalls are not hidden. A request unanswered
    after timeout= (10 s by default) counts as a timeout error. Bounds: at most
    300 s, 10,000,000 requests and 1024 connections; Ctrl-C stops it and reports what
    was measured. Only the URL you name is targeted, never a remote default.
    The result is a value; latencies are in milliseconds:
      r = loadtest requests=1000 connections=8
      r.rps; r.p50; r.p99; r.p99_9; r.max; r.errors; r.error_kinds
    A replay keeps the recorded result (fathom replay --rerun-loadtests runs it again).
    """

  /// The session's own server, shared by `serve` and `loadtest`.
  let server: NotebookServer

  func run(_ arguments: inout CommandArguments, in session: Session) throws(NotebookError) -> SessionValue? {
    if session.options.replaying && !session.options.rerunsServerCommands {
      let recorded = ReplayedOutput.keep(command: name, in: session)
      return recorded.flatMap(Self.value(fromSummary:))
    }
    let plan = try makePlan(arguments, in: session)
    let live = session.options.interactive && isatty(STDOUT_FILENO) == 1
    if live {
      FileHandle.standardOutput.write(Data((plan.headline + "\n").utf8))
    }
    guard let result = LoadTestRunner.run(plan, live: live) else {
      throw NotebookError(.cancelled, "the load test did not finish in time; nothing was measured")
    }
    let summary = LoadTestReport.summary(result)
    session.print(summary.joined(separator: "\n"))
    for (plot, height) in LoadTestReport.plots(result) { session.show(plot, height: height) }
    return Self.value(fromSummary: summary.joined(separator: "\n"))
  }

  /// Reads the arguments into a plan.
  func makePlan(_ arguments: CommandArguments, in session: Session) throws(NotebookError) -> LoadTestPlan {
    var url: String?
    var options: [String: String] = [:]
    for word in try Self.words(arguments.raw) {
      if let equals = word.firstIndex(of: "="), !word.contains("://"),
        !word[..<equals].isEmpty, word[..<equals].allSatisfy({ $0.isLetter || $0 == "_" })
      {
        let key = String(word[..<equals])
        guard ["connections", "duration", "requests", "rate", "body", "method", "timeout"].contains(key) else {
          throw NotebookError(
            .usage, "unknown option \(key) (options: connections, duration, requests, rate, body, method, timeout)")
        }
        options[key] = Self.resolved(String(word[word.index(after: equals)...]), in: session)
      } else if url == nil {
        url = word
      } else {
        throw NotebookError(.usage, "unexpected argument \(word) (usage: \(usage))")
      }
    }
    if options["duration"] != nil && options["requests"] != nil {
      throw NotebookError(.usage, "give duration= or requests=, not both")
    }
    let target: String
    if let url {
      target = url
    } else if let base = server.url {
      target = base + "/predict"
    } else {
      throw NotebookError(
        .usage, "no server is running: start one with serve, or name one (loadtest http://127.0.0.1:8000/predict)")
    }
    func integer(_ key: String) throws(NotebookError) -> Int? {
      guard let text = options[key] else { return nil }
      guard let value = Int(text) else { throw NotebookError(.usage, "\(key) should be a whole number, got \(text)") }
      return value
    }
    func duration(_ key: String) throws(NotebookError) -> Duration? {
      guard let text = options[key] else { return nil }
      guard let parsed = LoadTestPlan.parseDuration(text) else {
        throw NotebookError(.usage, "\(key) should be like 10s, 500ms or 2m, got \(text)")
      }
      return parsed
    }
    var rate: Double?
    if let text = options["rate"] {
      guard let value = Double(text) else { throw NotebookError(.usage, "rate should be a number, got \(text)") }
      rate = value
    }
    let method = options["method"] ?? "POST"
    var body = "{}"
    if let given = options["body"] {
      body = given
    } else if method.uppercased() == "POST" && url == nil {
      body = try Self.body(for: session)
    }
    let connections = try integer("connections")
    let requests = try integer("requests")
    return try LoadTestPlan(
      url: target, method: method, body: body, connections: connections ?? 64, duration: try duration("duration"),
      requests: requests, rate: rate, requestTimeout: try duration("timeout") ?? .seconds(10))
  }

  /// A `/predict` body from the session's inputs: the feature variables, and the defaults for the rest.
  static func body(for session: Session) throws(NotebookError) -> String {
    let row = session.featureRow()
    var fields: [String] = []
    var missing: [String] = []
    for feature in session.model.signature.features {
      guard let value = row[feature.name] ?? feature.defaultValue else {
        missing.append(feature.name)
        continue
      }
      let json: String
      switch value {
      case .number(let v) where v.isFinite: json = formatNumber(v)
      case .string(let s): json = quoted(s)
      case .bool(let b): json = b ? "true" : "false"
      case .null: json = "null"
      default:
        throw NotebookError(.type, "\(feature.name) is \(value), which a JSON request cannot carry; set it to a number")
      }
      fields.append("\(quoted(feature.name)): \(json)")
    }
    guard missing.isEmpty else {
      throw NotebookError(
        .usage, "no value for \(missing.joined(separator: ", ")) (no default): set \(missing[0]) = … or pass body=…")
    }
    return "{" + fields.joined(separator: ", ") + "}"
  }

  /// A string variable's text when `value` names one, else `value` itself.
  private static func resolved(_ value: String, in session: Session) -> String {
    switch session.variable(value) {
    case .string(let s)?: s
    case .number(let n)?: formatNumber(n)
    default: value
    }
  }

  /// Splits on spaces outside quotes. A quote (' or ") opens only at the start of a word or
  /// right after `=`, and is removed: `body='{"a": 1}'` is `body={"a": 1}`.
  static func words(_ text: String) throws(NotebookError) -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Character?
    var inWord = false
    for c in text {
      if let q = quote {
        if c == q { quote = nil } else { current.append(c) }
      } else if c == "'" || c == "\"", current.isEmpty || current.hasSuffix("=") {
        quote = c
        inWord = true
      } else if c.isWhitespace {
        if inWord { words.append(current) }
        current = ""
        inWord = false
      } else {
        current.append(c)
        inWord = true
      }
    }
    if quote != nil { throw NotebookError(.syntax, "a quote is not closed in: \(text)") }
    if inWord { words.append(current) }
    return words
  }

  /// The session value of a printed summary (the live one or a recorded one); `nil` when there is none.
  ///
  /// The value is read back from the printed summary, so a replayed transcript (which prints
  /// the recorded summary instead of re-running the test) gives the same value as the live run did.
  ///
  /// Fields: `url`, `connections`, `requests` (answers), `errors`, `seconds`, `rps`, `bytes`,
  /// latencies in milliseconds `p50`, `p90`, `p99`, `p99_9`, `max`, and `error_kinds` (a record).
  static func value(fromSummary text: String) -> SessionValue? {
    var url: String?
    var connections: Double?
    var counts: [String: Double] = [:]
    var latencies: [String: Double] = [:]
    var kinds: [(String, SessionValue)] = []
    for rawLine in text.split(separator: "\n") {
      let line = String(rawLine).trimmingWhitespace
      if line.hasPrefix("loadtest "), url == nil, let colon = line.range(of: ": ") {
        url = String(line[line.index(line.startIndex, offsetBy: 9)..<colon.lowerBound])
        connections = line[colon.upperBound...].split(separator: " ").first.flatMap { Double($0) }
      } else if line.hasPrefix("responses ") {
        counts = pairs(line)
      } else if line.hasPrefix("latency ms: ") {
        latencies = pairs(String(line.dropFirst("latency ms: ".count)))
      } else if line.hasPrefix("errors by kind: ") {
        kinds = pairs(String(line.dropFirst("errors by kind: ".count))).sorted { $0.key < $1.key }
          .map { ($0.key, .number($0.value)) }
      }
    }
    guard let url, let responses = counts["responses"] else { return nil }
    let fields: [(String, SessionValue)] = [
      ("url", .string(url)),
      ("connections", .number(connections ?? 0)),
      ("requests", .number(responses)),
      ("errors", .number(counts["errors"] ?? 0)),
      ("seconds", .number(counts["seconds"] ?? 0)),
      ("rps", .number(counts["req/s"] ?? 0)),
      ("bytes", .number(counts["bytes"] ?? 0)),
      ("p50", .number(latencies["p50"] ?? 0)),
      ("p90", .number(latencies["p90"] ?? 0)),
      ("p99", .number(latencies["p99"] ?? 0)),
      ("p99_9", .number(latencies["p99.9"] ?? 0)),
      ("max", .number(latencies["max"] ?? 0)),
      ("error_kinds", .record(Record(kind: "record", kinds))),
    ]
    return .record(Record(kind: "loadtest", fields))
  }

  /// `name value, name value` as a dictionary.
  private static func pairs(_ text: String) -> [String: Double] {
    var result: [String: Double] = [:]
    for item in text.split(separator: ",") {
      let words = item.split(separator: " ")
      guard words.count >= 2, let value = Double(words[words.count - 1]) else { continue }
      result[words[0..<(words.count - 1)].joined(separator: " ")] = value
    }
    return result
  }
}
