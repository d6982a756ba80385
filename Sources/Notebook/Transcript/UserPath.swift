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
    // attributesOfItem reads lstat(2): resolve links first, so that the answer is about the target.
    let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved),
      let type = attributes[.type] as? FileAttributeType
    else { return nil }
    switch type {
    case .typeRegular: return .regularFile
    case .typeDirectory: return .directory
    case .typeCharacterSpecial, .typeBlockSpecial: return .device
    case .typeSocket: return .socket
    // Foundation names no FIFO type: the one file type it reports as unknown is a FIFO.
    case .typeUnknown: return .fifo
    default: return .other
    }
  }
}
