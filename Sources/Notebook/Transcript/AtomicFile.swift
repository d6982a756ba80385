internal import Foundation

#if canImport(Glibc)
  internal import Glibc
#endif

/// Writes files so that a reader sees the old or the new contents, never a
/// half-written file: a temporary file beside it, fsync, rename, fsync the directory.
///
/// The temporary file is `.NAME.tmp-PID`. A process killed mid-write leaves one behind; the
/// next write to the same file removes those whose process is gone.
enum AtomicFile {
  static func write(_ text: String, to path: String) throws(NotebookError) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    removeStaleTemporaries(of: url.lastPathComponent, in: directory)
    let temporary = directory + "/" + temporaryName(of: url.lastPathComponent, pid: getpid())
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw failure("cannot write \(path)") }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        let error = failure("cannot write \(path)")
        close(fd)
        unlink(temporary)
        throw error
      }
      written += n
    }
    guard fsync(fd) == 0 else {
      let error = failure("cannot flush \(path)")
      close(fd)
      unlink(temporary)
      throw error
    }
    close(fd)
    guard rename(temporary, path) == 0 else {
      let error = failure("cannot replace \(path)")
      unlink(temporary)
      throw error
    }
    let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if directoryFD >= 0 {
      _ = fsync(directoryFD)
      close(directoryFD)
    }
  }

  /// The name of the temporary file process `pid` writes `name` through.
  static func temporaryName(of name: String, pid: Int32) -> String { ".\(name).tmp-\(pid)" }

  /// Removes the temporary files of `name` left by processes that no longer run (killed
  /// during a write): they would otherwise pile up beside the user's file.
  private static func removeStaleTemporaries(of name: String, in directory: String) {
    let prefix = ".\(name).tmp-"
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
    for entry in entries where entry.hasPrefix(prefix) {
      guard let pid = Int32(entry.dropFirst(prefix.count)), pid > 0 else { continue }
      if pid == getpid() || !Autosave.isRunning(pid) { unlink(directory + "/" + entry) }
    }
  }

  /// The one place that turns errno into words.
  private static func failure(_ what: String) -> NotebookError {
    NotebookError(.file, "\(what): \(String(cString: strerror(errno)))")
  }
}
