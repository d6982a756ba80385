internal import Foundation

#if canImport(Glibc)
  internal import Glibc
#endif

/// Keeps the running session on disk after every cell, so that a crash or a
/// killed terminal loses nothing: `$XDG_STATE_HOME/fathom/autosave-PID.fathom`.
public struct Autosave: Sendable {
  /// A session left behind by a fathom that did not exit cleanly.
  public struct Orphan: Sendable, Equatable {
    /// The autosave file.
    public var path: String
    /// How many cells it holds.
    public var cellCount: Int
    /// The model its header names.
    public var model: String = ""
    /// When it was last written (internal: Foundation is not part of the API).
    var modified: Date = .distantPast
  }

  /// How many orphaned autosaves are kept; older ones are removed at start-up.
  public static let keptOrphans = 5

  /// fathom's state directory: `$XDG_STATE_HOME/fathom`, by default `~/.local/state/fathom`.
  public static func stateDirectory() -> String { stateDirectory(environment: ProcessInfo.processInfo.environment) }

  /// fathom's state directory for the given environment variables.
  public static func stateDirectory(environment: [String: String]) -> String {
    if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/fathom" }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return home + "/.local/state/fathom"
  }

  /// The autosave file of this process.
  public let path: String

  /// Creates the autosave of process `pid` in `directory`.
  public init(directory: String, pid: Int32) {
    path = directory + "/autosave-\(pid).fathom"
  }

  /// Creates the autosave of this process in `directory`.
  public init(directory: String) { self.init(directory: directory, pid: getpid()) }

  /// Writes the transcript; failures are silent because autosave must never interrupt work.
  public func write(_ transcript: Transcript) {
    let directory = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try? AtomicFile.write(transcript.text, to: path)
  }

  /// Removes the file (after a clean exit).
  public func remove() { unlink(path) }

  /// Whether process `pid` still runs: it exists and is not a zombie (a killed fathom
  /// whose parent has not collected it yet is gone for our purposes).
  static func isRunning(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 || errno == EPERM else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return true }
    // The state letter follows the parenthesised command name: "1234 (fathom) Z ...".
    return stat[close...].dropFirst(2).first != "Z"
  }

  /// Autosaves whose process is gone, newest first.
  public static func orphans(in directory: String) -> [Orphan] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    var found: [(Orphan, Date)] = []
    for name in names where name.hasPrefix("autosave-") && name.hasSuffix(".fathom") {
      let pidText = name.dropFirst("autosave-".count).dropLast(".fathom".count)
      guard let pid = Int32(pidText) else { continue }
      if pid != getpid(), isRunning(pid) { continue }
      let path = directory + "/" + name
      guard let data = FileManager.default.contents(atPath: path),
        let transcript = try? Transcript.parse(String(decoding: data, as: UTF8.self)),
        !transcript.inputs.isEmpty
      else { continue }
      let date =
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? Date.distantPast
      found.append(
        (
          Orphan(path: path, cellCount: transcript.inputs.count, model: transcript.header.model, modified: date),
          date
        ))
    }
    return found.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0.path > $1.0.path) }.map(\.0)
  }

  /// Removes all but the newest `keeping` orphaned autosaves, so that they do not pile up.
  /// - Returns: the orphans kept, newest first.
  @discardableResult
  public static func prune(in directory: String, keeping: Int = keptOrphans) -> [Orphan] {
    let all = orphans(in: directory)
    for old in all.dropFirst(keeping) { unlink(old.path) }
    return Array(all.prefix(keeping))
  }
}
