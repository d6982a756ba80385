public import Model
public import Plot

/// A notebook session: the model, the variables, the numbered cells and
/// their transcript. One line run is one cell.
///
/// ```swift
/// let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
/// let output = session.run("petal_length = 5; predict")
/// print(output.rendered(width: 80, colorMode: .none))
/// ```
public final class Session {
  /// How the session prints, and whether it replays.
  public struct Options: Sendable {
    /// The columns plots use on screen.
    public var width: Int
    /// The colours used on screen.
    public var colorMode: ColorMode
    /// Whether a person is typing at a terminal.
    public var interactive: Bool
    /// Whether the cells come from a transcript being replayed (`save` writes nothing).
    public var replaying: Bool
    /// Whether a replay runs `serve` and `loadtest` again (`fathom replay --rerun-loadtests`)
    /// instead of keeping their recorded outputs.
    public var rerunsServerCommands: Bool

    /// Creates options; the defaults are those of transcripts: width 80, no colour.
    public init(
      width: Int = 80, colorMode: ColorMode = .none, interactive: Bool = false, replaying: Bool = false,
      rerunsServerCommands: Bool = false
    ) {
      self.width = width
      self.colorMode = colorMode
      self.interactive = interactive
      self.replaying = replaying
      self.rerunsServerCommands = rerunsServerCommands
    }
  }

  /// The width transcripts are recorded at.
  public static let transcriptWidth = 80

  /// The model predictions use.
  public internal(set) var model: Model {
    didSet { modelDidChange?(model) }
  }
  /// Called when `load` switches the model (the notebook's server swaps what it serves).
  public var modelDidChange: ((Model) -> Void)?
  /// During a replay, what commands want the replayer to say (such as a load test not re-run).
  var replayNotes: [String] = []
  /// How the model was named when loaded: a built-in name or a path.
  public internal(set) var modelReference: String
  /// How the session prints.
  public var options: Options
  /// The number the next cell gets.
  public private(set) var cellNumber = 1
  /// Every cell and note so far, as saved by `save`.
  public private(set) var transcript: Transcript
  /// Set by `quit`.
  public internal(set) var quitRequested = false
  /// During a replay, the output the running cell printed when it was recorded
  /// (a command whose output cannot be reproduced, such as a load test, may reuse it).
  public internal(set) var recordedOutput: String?
  /// Called after every cell (autosave hooks in here).
  public var afterCell: ((Session) -> Void)?
  /// Asks the person a yes/no question (`save` over an existing file); nil when nobody is
  /// at a terminal, and then such commands refuse instead of guessing.
  public var askYesNo: ((String) -> Bool)?

  var variables: [String: SessionValue] = [:]
  var commands: [String: any CommandHandler] = [:]
  /// Transcript entries already written by `save`; more means unsaved work.
  var savedEntryCount = 0
  /// The files `save` wrote in this session: saving to them again needs no question.
  var savedPaths: Set<String> = []
  private var output = CellOutput()

  /// Creates a session on a model.
  /// - Parameters:
  ///   - model: the model to start with.
  ///   - modelReference: how to open it again: a built-in name or a path.
  ///   - options: how to print.
  ///   - stateDirectory: where `serve` writes its access log; fathom's state directory by default.
  public init(model: Model, modelReference: String, options: Options = Options(), stateDirectory: String? = nil) {
    self.model = model
    self.modelReference = modelReference
    self.options = options
    self.transcript = Transcript(
      header: Transcript.Header(model: modelReference, modelSHA256: model.info.sha256), entries: [])
    let server = NotebookServer(stateDirectory: stateDirectory ?? Autosave.stateDirectory())
    for handler in BuiltInCommands.all(server: server) { register(handler) }
  }

  /// Adds a command, replacing a built-in one of the same name.
  public func register(_ handler: any CommandHandler) {
    commands[handler.name] = handler
  }

  /// The command words, sorted.
  public var commandNames: [String] { commands.keys.sorted() }

  /// Whether cells were run since the last `save`.
  public var hasUnsavedCells: Bool {
    guard savedEntryCount < transcript.entries.count else { return false }
    return transcript.entries[savedEntryCount...].contains { if case .cell = $0 { true } else { false } }
  }

  /// The variable names, sorted.
  public var variableNames: [String] { variables.keys.sorted() }

  /// Runs one line as a cell: notes are kept, empty lines ignored.
  /// - Returns: what the cell printed.
  @discardableResult
  public func run(_ line: String) -> CellOutput {
    let trimmed = line.trimmingWhitespace
    if trimmed.isEmpty { return CellOutput() }
    if trimmed.hasPrefix("#") {
      transcript.entries.append(.note(trimmed))
      afterCell?(self)
      return CellOutput()
    }
    Interrupt.reset()
    output = CellOutput()
    var onlyQuits = false
    do {
      var parser = Parser(line, commandNames: Set(commands.keys))
      let statements = try parser.statements()
      onlyQuits = statements.allSatisfy {
        if case .command(let call) = $0 { call.name == "quit" || call.name == "exit" } else { false }
      }
      for statement in statements {
        try execute(statement)
        if quitRequested { break }
      }
    } catch {
      output.parts.append(.error(error, line: line))
    }
    let result = output
    if onlyQuits && quitRequested {
      // Leaving is not part of the session's work: a transcript ending in quit would make
      // a restored or replayed session stop at once.
      afterCell?(self)
      return result
    }
    let plain = result.rendered(width: Self.transcriptWidth, colorMode: .none)
    transcript.entries.append(.cell(input: line, output: plain))
    cellNumber += 1
    afterCell?(self)
    return result
  }

  /// Adds a cell to the transcript without running it (a replayed cell that cannot be re-run).
  func record(input: String, output: String) {
    transcript.entries.append(.cell(input: input, output: output))
    cellNumber += 1
  }

  private func execute(_ statement: Statement) throws(NotebookError) {
    switch statement {
    case .expression(.name(let name, let column)) where variables[name] == nil:
      throw unknownStatementWord(name, column: column)
    case .expression(let expression):
      let value = try evaluator.evaluate(expression)
      if value != .null {
        print(value.display)
        variables["_"] = value
      }
    case .command(let call):
      if let value = try runCommand(call) { variables["_"] = value }
    case .assignment(let name, _, .expression(let expression)):
      variables[name] = try evaluator.evaluate(expression)
    case .assignment(let name, _, .command(let call)):
      variables[name] = try runCommand(call) ?? .null
    }
  }

  private func runCommand(_ call: CommandCall) throws(NotebookError) -> SessionValue? {
    guard let handler = commands[call.name] else {
      throw NotebookError(.unknownName, "unknown command \(call.name)", column: call.column)
    }
    var arguments = CommandArguments(call, evaluator: evaluator)
    return try handler.run(&arguments, in: self)
  }

  /// A statement that is one unknown word: most likely a misspelled command, else a name.
  private func unknownStatementWord(_ word: String, column: Int) -> NotebookError {
    let names = evaluator.knownNames
    let commandNames = self.commandNames
    if let near = nearestName(to: word, in: names + commandNames), commandNames.contains(near) {
      return NotebookError(
        .unknownName, "unknown command \(word); did you mean \(near)? (help lists the commands)", column: column)
    }
    return evaluator.unknownName(word, column: column)
  }

  var evaluator: Evaluator {
    Evaluator(variables: variables, featureNames: model.signature.featureNames)
  }

  // MARK: printing, for commands

  /// Prints a line (or lines) of text as the cell's output.
  public func print(_ text: String) { output.append(text) }

  /// Asks the terminal loop to clear the screen before it prints this cell's output.
  func requestClearScreen() { output.clearsScreen = true }

  /// Prints a plot taking at most `height` lines.
  public func show(_ plot: Plot, height: Int) { output.parts.append(.plot(plot, height: height)) }

  // MARK: variables, for commands

  /// The value of a variable.
  public func variable(_ name: String) -> SessionValue? { variables[name] }

  func setVariable(_ name: String, _ value: SessionValue) { variables[name] = value }

  func removeVariable(_ name: String) -> SessionValue? { variables.removeValue(forKey: name) }

  func markSaved() { savedEntryCount = transcript.entries.count + 1 }
}

extension String {
  var trimmingWhitespace: String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}
