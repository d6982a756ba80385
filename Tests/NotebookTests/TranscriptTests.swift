import Foundation
import Model
import Plot
import Testing

@testable import Notebook

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

@Suite("transcripts")
struct TranscriptTests {
  @Test("a transcript reads back as written, escaping output lines that look like inputs or notes")
  func roundTrip() throws {
    let transcript = Transcript(
      header: .init(model: "iris", modelSHA256: "abc"),
      entries: [
        .note("# a note"),
        .cell(input: "x = 1", output: ""),
        .cell(
          input: "\"tricky\"",
          output: ">>> not an input\n# not a note\n\\ backslash\n... not a continuation\n\nafter a blank"),
        .cell(input: "two\nlines", output: "ok"),
      ])
    let text = transcript.text
    #expect(text.contains("\n\\>>> not an input\n\\# not a note\n\\\\ backslash\n\\... not a continuation\n"))
    #expect(text.contains(">>> two\n... lines\nok\n"))
    #expect(try Transcript.parse(text) == transcript)
  }

  @Test(
    "malformed transcripts are refused with the line",
    arguments: [
      ("hello\n", "line 1 should be \"#! fathom transcript 1\"; this is not a fathom transcript"),
      ("#! fathom transcript 9\n", "this transcript has format 9; this fathom reads up to 1: update fathom"),
      (
        "#! fathom transcript 1\n\noutput first\n",
        "line 3: output with no input before it (inputs start with \">>> \")"
      ),
      ("#! fathom transcript 1\n# n\n... more\n", "line 3: a continuation (...) must follow an input line (>>>)"),
    ])
  func malformed(text: String, message: String) {
    #expect(throws: NotebookError(.file, message)) { try Transcript.parse(text) }
  }

  @Test("a session's transcript records inputs, plain outputs at width 80, notes and errors")
  func sessionTranscript() throws {
    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    session.run("# start")
    session.run("x = 2")
    session.run("x + ")
    session.run("predict petal_length=5")
    let entries = session.transcript.entries
    #expect(entries.count == 4)
    #expect(entries[0] == .note("# start"))
    #expect(entries[1] == .cell(input: "x = 2", output: ""))
    #expect(
      entries[2] == .cell(input: "x + ", output: "  x + \n      ^\nerror: expected a value, got the end of the line"))
    guard case .cell(_, let output) = entries[3] else { return }
    #expect(output.hasPrefix("predicted: versicolor"))
    #expect(!output.contains("\u{1B}"))
    #expect(output.split(separator: "\n").allSatisfy { $0.count <= 80 })
    #expect(session.cellNumber == 4)
  }

  @Test("every transcript in sessions/ replays with identical outputs")
  func sessionsReplayClean() throws {
    let directory = repositoryRoot.appendingPathComponent("sessions")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".fathom") }
    #expect(files.count >= 3)
    for file in files.sorted() {
      let outcome = TranscriptReplayer.replay(path: directory.appendingPathComponent(file).path, mode: .check)
      #expect(outcome.exitStatus == 0, "\(file):\n\(outcome.output)\(outcome.messages)")
    }
  }

  @Test("--check fails with a unified diff, --update rewrites the outputs")
  func checkAndUpdate() throws {
    let path = NSTemporaryDirectory() + "fathom-check-\(UUID().uuidString).fathom"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let text = "#! fathom transcript 1\n#! model: iris\n\n>>> 1 + 1\n3\n>>> 2 * 2\n4\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let failed = TranscriptReplayer.replay(path: path, mode: .check)
    #expect(failed.exitStatus == 1)
    #expect(failed.output.hasPrefix("--- \(path) (recorded)\n+++ \(path) (replayed)\n@@ -"))
    #expect(failed.output.contains("\n >>> 1 + 1\n-3\n+2\n >>> 2 * 2\n"))
    #expect(TranscriptReplayer.replay(path: path, mode: .update).exitStatus == 0)
    #expect(TranscriptReplayer.replay(path: path, mode: .check).exitStatus == 0)
    let updated = try String(contentsOfFile: path, encoding: .utf8)
    #expect(updated.contains(">>> 1 + 1\n2\n"))
  }

  @Test("save writes the transcript atomically, including the save cell")
  func save() throws {
    let path = NSTemporaryDirectory() + "fathom-save-\(UUID().uuidString).fathom"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    session.run("y = 3")
    #expect(session.hasUnsavedCells)
    let output = session.run("save \(path)").rendered(width: 80, colorMode: .none)
    #expect(output == "saved 2 cells to \(path)")
    #expect(!session.hasUnsavedCells)
    let saved = try Transcript.parse(try String(contentsOfFile: path, encoding: .utf8))
    #expect(saved.inputs == ["y = 3", "save \(path)"])
    #expect(saved.header.modelSHA256 == session.model.info.sha256)
    let failed = session.run("save /nonexistent-dir/x.fathom").rendered(width: 80, colorMode: .none)
    #expect(failed.hasSuffix("error: cannot write /nonexistent-dir/x.fathom: No such file or directory"))
  }

  @Test("autosave files of dead processes are found as orphans; live ones are not")
  func autosaveOrphans() throws {
    let directory = NSTemporaryDirectory() + "fathom-state-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let transcript = Transcript(
      header: .init(model: "iris", modelSHA256: ""), entries: [.cell(input: "1", output: "1")])
    Autosave(directory: directory, pid: 999_999).write(transcript)
    Autosave(directory: directory, pid: 1).write(transcript)  // pid 1 is always alive
    let orphans = Autosave.orphans(in: directory)
    #expect(orphans.map(\.path) == [directory + "/autosave-999999.fathom"])
    #expect(orphans.map(\.cellCount) == [1])
    #expect(orphans.map(\.model) == ["iris"])
    #expect(Autosave.stateDirectory(environment: ["XDG_STATE_HOME": "/s"]) == "/s/fathom")
    #expect(Autosave.stateDirectory(environment: ["HOME": "/h"]) == "/h/.local/state/fathom")
  }
}

@Suite("transcripts pass their own check")
struct TranscriptSelfCheckTests {
  @Test("clear asks the terminal to clear; its escape codes never reach the output or the transcript")
  func clearIsNotOutput() throws {
    let session = Session(
      model: try Model.builtIn(named: "iris"), modelReference: "iris",
      options: Session.Options(colorMode: .ansi256, interactive: true))
    let output = session.run("clear")
    #expect(output.clearsScreen)
    #expect(output.rendered(width: 80, colorMode: .ansi256) == "")
    #expect(session.transcript.entries == [.cell(input: "clear", output: "")])
    #expect(!session.transcript.text.contains("\u{1B}"))
  }

  /// Writes `text` to a temporary transcript and replays it with --check.
  func check(_ text: String) throws -> TranscriptReplayer.Outcome {
    let path = NSTemporaryDirectory() + "fathom-selfcheck-\(UUID().uuidString).fathom"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return TranscriptReplayer.replay(path: path, mode: .check)
  }

  @Test("a cell stopped with Ctrl-C is saved as such and replay --check keeps it without re-running it")
  func interruptedCell() throws {
    let stopped = CellOutput(parts: [.error(NotebookError(.cancelled, Interrupt.message), line: "sweep")])
    #expect(stopped.rendered(width: 80, colorMode: .none) == Interrupt.outputLine)
    let text = """
      #! fathom transcript 1
      #! model: iris

      >>> x = 2
      >>> sweep petal_length from 1 to 7 steps 2000
      error: interrupted (Ctrl-C); the session is intact
      >>> x * 21
      42

      """
    let outcome = try check(text)
    #expect(outcome.exitStatus == 0, "\(outcome.output)\(outcome.messages)")
    #expect(outcome.messages.contains("cell 2 (sweep petal_length from 1 to 7 steps 2000) was stopped with Ctrl-C"))
  }

  @Test("transcripts with CRLF line ends or a UTF-8 byte-order mark replay and check")
  func crlfAndBOM() throws {
    let good = "#! fathom transcript 1\n#! model: iris\n\n# a note\n>>> 1 + 1\n2\n>>> \"a\" + \"b\"\n\"ab\"\n"
    for variant in [
      good.replacingOccurrences(of: "\n", with: "\r\n"), "\u{FEFF}" + good,
      "\u{FEFF}" + good.replacingOccurrences(of: "\n", with: "\r\n"),
    ] {
      let outcome = try check(variant)
      #expect(outcome.exitStatus == 0, "\(variant.debugDescription): \(outcome.output)\(outcome.messages)")
      #expect(outcome.messages.contains("2 cells match"))
    }
    #expect(try Transcript.parse("\u{FEFF}" + good.replacingOccurrences(of: "\n", with: "\r\n")).inputs.count == 2)
  }
}
