import Foundation
import Model
import Plot
import Testing

@testable import Notebook

func plain(_ output: CellOutput) -> String { output.rendered(width: 80, colorMode: .none) }

@Suite("save never overwrites or writes what it should not")
struct SaveTests {
  @Test("an existing file is not overwritten without a yes; save! and --force overwrite")
  func overwriting() throws {
    let directory = try temporaryDirectory("save")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/s.fathom"
    try "precious".write(toFile: path, atomically: false, encoding: .utf8)
    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    session.run("x = 1")
    // Nobody at a terminal: an error that says how to overwrite, and the file is untouched.
    #expect(
      plain(session.run("save \(path)")).hasSuffix(
        "error: \(path) exists; save! \(path) (or save \(path) --force) overwrites it, or pick another name"))
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
    #expect(session.hasUnsavedCells)
    // At a terminal: the question, and no means no.
    var questions: [String] = []
    session.askYesNo = {
      questions.append($0); return false
    }
    #expect(plain(session.run("save \(path)")) == "not saved: \(path) is unchanged")
    #expect(questions == ["\(path) exists. Overwrite it? [y/N] "])
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
    session.askYesNo = {
      questions.append($0); return true
    }
    #expect(plain(session.run("save \(path)")).hasPrefix("saved 4 cells to \(path)"))
    // A file this session saved is saved again without a question.
    #expect(plain(session.run("save \(path)")).hasPrefix("saved 5 cells to \(path)"))
    #expect(questions.count == 2)

    session.askYesNo = nil
    let other = directory + "/t.fathom"
    try "old".write(toFile: other, atomically: false, encoding: .utf8)
    #expect(plain(session.run("save! \(other)")) == "saved 6 cells to \(other)")
    #expect(try Transcript.parse(try String(contentsOfFile: other, encoding: .utf8)).inputs.last == "save! \(other)")
    try "old".write(toFile: other + "2", atomically: false, encoding: .utf8)
    #expect(plain(session.run("save \(other)2 --force")) == "saved 7 cells to \(other)2")
  }

  @Test("save writes regular files only: a directory or a FIFO is refused with what it is")
  func onlyRegularFiles() throws {
    let directory = try temporaryDirectory("save-kinds")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let fifo = directory + "/pipe"
    #expect(mkfifo(fifo, 0o600) == 0)
    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    session.askYesNo = { _ in true }
    #expect(
      plain(session.run("save! \(directory)")).hasSuffix(
        "error: cannot save to \(directory): it is a directory; save writes regular files only, give a file name"))
    #expect(
      plain(session.run("save! \(fifo)")).hasSuffix(
        "error: cannot save to \(fifo): it is a FIFO (named pipe); save writes regular files only, give a file name"))
    #expect(UserPath.kind(of: fifo) == .fifo)
  }

  @Test("temporary files left by a write that was killed are removed by the next write")
  func staleTemporaries() throws {
    let directory = try temporaryDirectory("save-tmp")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let dead = directory + "/" + AtomicFile.temporaryName(of: "s.fathom", pid: 2_147_483_000)
    let ours = directory + "/" + AtomicFile.temporaryName(of: "s.fathom", pid: getpid())
    let alive = directory + "/" + AtomicFile.temporaryName(of: "s.fathom", pid: 1)
    for path in [dead, ours, alive] { try "torn".write(toFile: path, atomically: false, encoding: .utf8) }
    try AtomicFile.write("new\n", to: directory + "/s.fathom")
    let left = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    #expect(left == [".s.fathom.tmp-1", "s.fathom"])
  }

  @Test("~ is $HOME in paths; a directory without a model is named in plain words")
  func paths() throws {
    #expect(UserPath.expanded("~/s.fathom", environment: ["HOME": "/h"]) == "/h/s.fathom")
    #expect(UserPath.expanded("~", environment: ["HOME": "/h/"]) == "/h")
    #expect(UserPath.expanded("a~/b", environment: ["HOME": "/h"]) == "a~/b")
    let directory = try temporaryDirectory("load-dir")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let output = try run(["load \(directory)"])
    #expect(
      output.hasSuffix(
        "error: the directory \(directory) holds no .onnx file; name a model file, or a directory holding exactly one"))
  }

  @Test("fathom saves ~/FILE into $HOME", .enabled(if: TmuxDriver.fathomBinary != nil))
  func tildeInTheBinary() throws {
    let home = try temporaryDirectory("home")
    defer { try? FileManager.default.removeItem(atPath: home) }
    let binary = try #require(TmuxDriver.fathomBinary)
    let (status, text) = try ChildProcess.run(
      "/usr/bin/env", ["HOME=\(home)", "XDG_STATE_HOME=\(home)/state", binary], input: "x = 1\nsave ~/s.fathom\n",
      capture: true)
    #expect(status == 0, "\(text)")
    #expect(text == "saved 2 cells to ~/s.fathom\n")
    #expect(FileManager.default.fileExists(atPath: home + "/s.fathom"))
  }
}

@Suite("restore re-evaluates state on the recorded model, not side effects")
struct RestoreTests {
  func transcript(model: String, sha: String, _ cells: [(String, String)]) -> Transcript {
    Transcript(header: .init(model: model, modelSHA256: sha), entries: cells.map { .cell(input: $0.0, output: $0.1) })
  }

  @Test("the recorded model is loaded first; save, serve, loadtest and quit cells are skipped and listed")
  func modelAndSideEffects() throws {
    let directory = try temporaryDirectory("restore")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let diabetes = try Model.builtIn(named: "diabetes")
    let target = directory + "/s.fathom"
    let recorded = transcript(
      model: "diabetes", sha: diabetes.info.sha256,
      [
        ("bmi = 30", ""), ("save \(target)", "saved 2 cells"), ("r = predict", "predicted: …"),
        ("serve 8080", "serving"), ("quit", ""),
        ("sweep bmi steps 2000", Interrupt.outputLine),
      ])
    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    var shown: [String] = []
    let report = session.restore(recorded) { input, _ in shown.append(input) }
    #expect(session.model.name == "diabetes")
    #expect(session.modelReference == "diabetes")
    #expect(shown == ["bmi = 30", "r = predict"])
    #expect(session.variable("bmi") == .number(30))
    #expect(!FileManager.default.fileExists(atPath: target))
    #expect(
      report == [
        "loaded diabetes, the model the session was recorded on",
        "not re-run (4 cells): save \(target) (save acts outside the session); "
          + "serve 8080 (serve acts outside the session); quit (quit acts outside the session); "
          + "sweep bmi steps 2000 (stopped with Ctrl-C)",
      ])
    #expect(!session.quitRequested)
  }

  @Test("a recorded model that is missing or changed is reported")
  func missingOrChangedModel() throws {
    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    let missing = transcript(model: "/nonexistent/m.onnx", sha: "abc", [("1 + 1", "2")])
    let report = session.restore(missing) { _, _ in }
    #expect(report.count == 1)
    #expect(report[0].hasPrefix("the session was recorded on /nonexistent/m.onnx, which cannot be opened ("))
    #expect(report[0].hasSuffix("); its cells run on iris instead"))
    let changed = transcript(model: "diabetes", sha: "0123", [])
    let changedReport = session.restore(changed) { _, _ in }
    #expect(
      changedReport == [
        "loaded diabetes, the model the session was recorded on",
        "warning: diabetes changed since the session was recorded (its SHA-256 differs); "
          + "predictions may differ from the recording",
      ])
  }

  @Test("quit is not recorded as a cell, so a restored or replayed session does not stop at once")
  func quitIsNotACell() throws {
    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    session.run("x = 1")
    session.run("quit")
    #expect(session.quitRequested)
    #expect(session.transcript.inputs == ["x = 1"])
  }

  @Test("old autosaves are pruned to the newest few; sessions lists them")
  func pruningAndListing() throws {
    let directory = try temporaryDirectory("state")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let recorded = transcript(model: "iris", sha: "", [("1", "1")])
    for pid in 0..<7 {
      let autosave = Autosave(directory: directory, pid: Int32(2_147_483_000 + pid))
      autosave.write(recorded)
      try FileManager.default.setAttributes(
        [.modificationDate: Date(timeIntervalSince1970: 1_700_000_000 + Double(pid) * 60)], ofItemAtPath: autosave.path)
    }
    let kept = Autosave.prune(in: directory)
    #expect(kept.count == Autosave.keptOrphans)
    #expect(kept.first?.path == directory + "/autosave-2147483006.fathom")
    #expect(Autosave.orphans(in: directory).map(\.path) == kept.map(\.path))

    let session = Session(model: try Model.builtIn(named: "iris"), modelReference: "iris")
    session.register(SessionsCommand(directory: directory))
    let listing = plain(session.run("sessions")).split(separator: "\n").map(String.init)
    #expect(listing.first == "unsaved sessions, newest first:")
    #expect(listing[1] == "\(directory)/autosave-2147483006.fathom  1 cell  iris  2023-11-14 22:19:20Z")
    #expect(listing.count == 2 + Autosave.keptOrphans)
    let empty = try temporaryDirectory("state-empty")
    defer { try? FileManager.default.removeItem(atPath: empty) }
    session.register(SessionsCommand(directory: empty))
    #expect(plain(session.run("sessions")) == "no unsaved sessions in \(empty)")
  }
}
