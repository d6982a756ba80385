internal import Foundation
internal import Model
internal import Plot

/// Re-runs a saved transcript: shows it, checks its outputs, or updates them.
public struct TranscriptReplayer {
  /// What replay does with the outputs.
  public enum Mode: Sendable {
    /// Print the transcript with fresh outputs.
    case show
    /// Compare fresh outputs with the recorded ones; a difference fails.
    case check
    /// Rewrite the file with fresh outputs.
    case update
  }

  /// What a replay printed and how it ended.
  public struct Outcome: Sendable {
    /// For standard output.
    public var output: String
    /// For standard error (warnings, the diff's explanation).
    public var messages: String
    /// 0 on success, 1 when a check found a difference or the file is unusable.
    public var exitStatus: Int32
  }

  /// Replays the transcript at `path`.
  /// - Parameters:
  ///   - path: the transcript file.
  ///   - mode: show, check or update.
  ///   - rerunServerCommands: whether `serve` and `loadtest` cells run again
  ///     (`fathom replay --rerun-loadtests`); by default their recorded outputs are kept.
  public static func replay(path: String, mode: Mode, rerunServerCommands: Bool = false) -> Outcome {
    guard let data = FileManager.default.contents(atPath: path) else {
      return Outcome(output: "", messages: "fathom: cannot read \(path)\n", exitStatus: 1)
    }
    let recorded: Transcript
    do {
      recorded = try Transcript.parse(String(decoding: data, as: UTF8.self))
    } catch {
      return Outcome(output: "", messages: "fathom: \(path): \(error.message)\n", exitStatus: 1)
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let replayed: Transcript
    var messages = ""
    do {
      (replayed, messages) = try rerun(recorded, relativeTo: directory, rerunServerCommands: rerunServerCommands)
    } catch {
      return Outcome(output: "", messages: "fathom: \(path): \(error.message)\n", exitStatus: 1)
    }
    switch mode {
    case .show:
      return Outcome(output: replayed.text, messages: messages, exitStatus: 0)
    case .check:
      var comparable = replayed
      comparable.header = recorded.header
      let before = recorded.text
      let after = comparable.text
      if before == after {
        return Outcome(
          output: "", messages: messages + "\(path): \(counted(recorded.inputs.count, "cell")) match\n", exitStatus: 0)
      }
      let diff = UnifiedDiff.make(
        old: before, new: after, oldName: "\(path) (recorded)", newName: "\(path) (replayed)")
      return Outcome(
        output: diff,
        messages: messages
          + "\(path): outputs differ from the recording (fathom replay --update \(path) accepts them)\n",
        exitStatus: 1)
    case .update:
      do {
        try AtomicFile.write(replayed.text, to: path)
      } catch {
        return Outcome(output: "", messages: "fathom: \(error.message)\n", exitStatus: 1)
      }
      return Outcome(
        output: "", messages: messages + "\(path): updated \(counted(replayed.inputs.count, "cell"))\n", exitStatus: 0)
    }
  }

  /// Runs every cell of `transcript` in a fresh session at width 80 without colour.
  /// - Returns: the transcript with fresh outputs, and warnings.
  static func rerun(_ transcript: Transcript, relativeTo directory: String, rerunServerCommands: Bool = false)
    throws(NotebookError)
    -> (Transcript, String)
  {
    var reference = transcript.header.model
    if !Model.builtInNames.contains(reference), !reference.hasPrefix("/"),
      FileManager.default.fileExists(atPath: directory + "/" + reference)
    {
      reference = directory + "/" + reference
    }
    let model: Model
    do {
      model = try Model.open(reference: reference)
    } catch {
      throw NotebookError(.model, error.message)
    }
    var warnings = ""
    if !transcript.header.modelSHA256.isEmpty, transcript.header.modelSHA256 != model.info.sha256 {
      warnings += "warning: the model \(transcript.header.model) is not the one recorded (its SHA-256 differs)\n"
    }
    let session = Session(
      model: model, modelReference: transcript.header.model,
      options: Session.Options(replaying: true, rerunsServerCommands: rerunServerCommands))
    for entry in transcript.entries {
      switch entry {
      case .note(let note): session.run(note)
      case .cell(let input, let output) where Interrupt.stoppedCell(output: output):
        // Where Ctrl-C stopped it cannot be reproduced: run to the end, it would print
        // something else and --check would fail on a recording that is right.
        warnings += "cell \(session.cellNumber) (\(input)) was stopped with Ctrl-C when recorded: not re-run\n"
        session.record(input: input, output: output)
      case .cell(let input, let output):
        session.recordedOutput = output
        let cells = session.transcript.entries.count
        let fresh = session.run(input)
        session.recordedOutput = nil
        // A session no longer records quit; a transcript that holds one keeps it, so it checks.
        if session.quitRequested, session.transcript.entries.count == cells {
          session.record(input: input, output: fresh.rendered(width: Session.transcriptWidth, colorMode: .none))
        }
      }
      if session.quitRequested { break }
    }
    warnings += session.replayNotes.map { $0 + "\n" }.joined()
    return (session.transcript, warnings)
  }
}

/// A unified diff of two texts, line by line, with three lines of context.
enum UnifiedDiff {
  static func make(old: String, new: String, oldName: String, newName: String) -> String {
    let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    // Longest common subsequence table, from the ends (transcripts are small).
    var table = [[Int32]](repeating: [Int32](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
      for j in stride(from: b.count - 1, through: 0, by: -1) {
        table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
      }
    }
    enum Op { case same(String), removed(String), added(String) }
    var ops: [(Op, Int, Int)] = []  // op, old line index, new line index
    var i = 0
    var j = 0
    while i < a.count || j < b.count {
      if i < a.count, j < b.count, a[i] == b[j] {
        ops.append((.same(a[i]), i, j))
        i += 1
        j += 1
      } else if i < a.count, j == b.count || table[i + 1][j] >= table[i][j + 1] {
        ops.append((.removed(a[i]), i, j))
        i += 1
      } else {
        ops.append((.added(b[j]), i, j))
        j += 1
      }
    }
    var out = ["--- \(oldName)", "+++ \(newName)"]
    let changed = ops.indices.filter { if case .same = ops[$0].0 { false } else { true } }
    var k = 0
    while k < changed.count {
      var first = max(0, changed[k] - 3)
      var last = min(ops.count - 1, changed[k] + 3)
      while k + 1 < changed.count, changed[k + 1] - 3 <= last + 1 {
        k += 1
        last = min(ops.count - 1, changed[k] + 3)
      }
      first = max(0, first)
      var oldCount = 0
      var newCount = 0
      var body: [String] = []
      for (op, _, _) in ops[first...last] {
        switch op {
        case .same(let s):
          body.append(" " + s)
          oldCount += 1
          newCount += 1
        case .removed(let s):
          body.append("-" + s)
          oldCount += 1
        case .added(let s):
          body.append("+" + s)
          newCount += 1
        }
      }
      let oldStart = ops[first].1 + (oldCount > 0 ? 1 : 0)
      let newStart = ops[first].2 + (newCount > 0 ? 1 : 0)
      out.append("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@")
      out += body
      k += 1
    }
    return out.joined(separator: "\n") + "\n"
  }
}
