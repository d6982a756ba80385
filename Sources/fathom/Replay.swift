import ArgumentParser
import Foundation
import Notebook

/// `fathom replay FILE [--check | --update]`.
struct Replay: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Re-run a saved session transcript at width 80 without colour.",
    discussion: """
      Without options, prints the transcript with fresh outputs. --check compares every
      output with the recorded one and exits with status 1 and a unified diff when one
      changed. --update rewrites the recorded outputs. Format: docs/TRANSCRIPTS.md.
      """)

  @Argument(help: "The transcript files (.fathom).")
  var files: [String]

  @Flag(help: "Fail with a diff when an output differs from the recording.")
  var check = false

  @Flag(help: "Rewrite the recorded outputs with the fresh ones.")
  var update = false

  @Flag(help: "Run serve and loadtest cells again (by default their recorded outputs are kept).")
  var rerunLoadtests = false

  func validate() throws {
    if check && update { throw ValidationError("--check and --update cannot be used together") }
    if files.isEmpty { throw ValidationError("give a transcript file to replay") }
  }

  func run() throws {
    let mode: TranscriptReplayer.Mode = check ? .check : update ? .update : .show
    var status: Int32 = 0
    for file in files {
      let outcome = TranscriptReplayer.replay(path: file, mode: mode, rerunServerCommands: rerunLoadtests)
      FileHandle.standardOutput.write(Data(outcome.output.utf8))
      FileHandle.standardError.write(Data(outcome.messages.utf8))
      status = max(status, outcome.exitStatus)
    }
    if status != 0 { throw ExitCode(status) }
  }
}
