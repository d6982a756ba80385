internal import Foundation

#if canImport(Glibc)
  internal import Glibc
#endif

/// Writes files so that a reader sees the old or the new contents, never a
/// half-written file: a temporary file beside it, fsync, rename, fsync the directory.
enum AtomicFile {
  static func write(_ text: String, to path: String) throws(NotebookError) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let temporary = directory + "/.\(url.lastPathComponent).tmp-\(getpid())"
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

  /// The one place that turns errno into words.
  private static func failure(_ what: String) -> NotebookError {
    NotebookError(.file, "\(what): \(String(cString: strerror(errno)))")
  }
}
