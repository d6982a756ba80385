public import Foundation
public import Logging
import Model
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How log lines are written: plain text for people, JSON lines for log collectors.
public enum LogFormat: String, Sendable, CaseIterable {
  case text
  case json

  /// A logger writing in this format to standard error (or to `stream`).
  /// - Parameters:
  ///   - label: the logger's label.
  ///   - level: the lowest level written.
  ///   - stream: where lines go; standard error by default. The REPL passes a log file.
  public func makeLogger(
    label: String = "fathom.server", level: Logger.Level = .info, stream: FileHandle = .standardError
  )
    -> Logger
  {
    var logger = Logger(label: label) { label in
      LineLogHandler(label: label, format: self, stream: stream)
    }
    logger.logLevel = level
    return logger
  }
}

/// Writes one line per message, as text or as a JSON object.
struct LineLogHandler: LogHandler {
  let label: String
  let format: LogFormat
  let stream: FileHandle
  var logLevel: Logger.Level = .info
  var metadata: Logger.Metadata = [:]

  init(label: String, format: LogFormat, stream: FileHandle) {
    self.label = label
    self.format = format
    self.stream = stream
  }

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var all = metadata
    if let extra = event.metadata { all.merge(extra) { $1 } }
    let timestamp = LogTimestamp.now()
    var line: String
    switch format {
    case .text:
      line = "\(timestamp) \(event.level) \(label): \(event.message)"
      if !all.isEmpty {
        line += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
      }
    case .json:
      var w = JSONWriter()
      w.raw("{")
      w.key("time")
      w.string(timestamp)
      w.raw(",")
      w.key("level")
      w.string(event.level.rawValue)
      w.raw(",")
      w.key("logger")
      w.string(label)
      w.raw(",")
      w.key("message")
      w.string(event.message.description)
      for (k, v) in all.sorted(by: { $0.key < $1.key }) {
        w.raw(",")
        w.key(k)
        w.string(v.description)
      }
      w.raw("}")
      line = String(decoding: w.bytes, as: UTF8.self)
    }
    line.append("\n")
    write(line)
  }

  /// Writes the whole line with as few system calls as it takes (one, nearly always): lines
  /// from concurrent requests never interleave, and no `Data` is made per line.
  private func write(_ line: String) {
    var line = line
    let descriptor = stream.fileDescriptor
    line.withUTF8 { bytes in
      var offset = 0
      while offset < bytes.count {
        let n = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0, errno == EINTR { continue }
        guard n > 0 else { return }
        offset += n
      }
    }
  }
}

/// `write(2)`, named apart from `LogHandler`'s methods.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
  #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
  #else
    Darwin.write(descriptor, bytes, count)
  #endif
}
