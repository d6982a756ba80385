internal import Foundation

#if canImport(Glibc)
  internal import Glibc
#endif

/// Paths as a person types them: `~` is their home, and what is at a path is named in words.
enum UserPath {
  /// What a path names, when it is not a regular file or a directory.
  enum Kind: Equatable {
    case regularFile, directory, device, fifo, socket, other

    /// The kind as a noun with its article, for messages: "a directory".
    var noun: String {
      switch self {
      case .regularFile: "a file"
      case .directory: "a directory"
      case .device: "a device"
      case .fifo: "a FIFO (named pipe)"
      case .socket: "a socket"
      case .other: "a special file"
      }
    }
  }

  /// `path` with a leading `~` or `~/` replaced by `$HOME` (Foundation's expansion reads the
  /// password database instead, so `HOME=/tmp/x fathom` would still save into /root).
  static func expanded(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String
  {
    guard path == "~" || path.hasPrefix("~/") else {
      return path.hasPrefix("~") ? NSString(string: path).expandingTildeInPath : path
    }
    var home = environment["HOME"] ?? NSHomeDirectory()
    if home.count > 1, home.hasSuffix("/") { home.removeLast() }
    return home + path.dropFirst()
  }

  /// What is at `path` (following symbolic links), or nil when nothing is.
  static func kind(of path: String) -> Kind? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .regularFile
    case S_IFDIR: return .directory
    case S_IFCHR, S_IFBLK: return .device
    case S_IFIFO: return .fifo
    case S_IFSOCK: return .socket
    default: return .other
    }
  }
}
