import Foundation
import Logging
import Server
import Testing

@Suite("log lines")
struct LogFormatTests {
  /// Logs `message` with `format` into a temporary file and returns what was written.
  func written(_ format: LogFormat, _ message: Logger.Message, metadata: Logger.Metadata = [:]) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-log-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: url) }
    let handle = try FileHandle(forWritingTo: url)
    let logger = format.makeLogger(label: "test", stream: handle)
    logger.info(message, metadata: metadata)
    logger.debug("below the level: not written")
    try handle.close()
    return try String(contentsOf: url, encoding: .utf8)
  }

  @Test("text: one line with a UTC millisecond timestamp, level, label, message and sorted metadata")
  func text() throws {
    let line = try written(.text, "POST /predict 200 0.12ms", metadata: ["b": "2", "a": "1"])
    let pattern = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} info test: POST /predict 200 0\.12ms a=1 b=2\n$/#
    #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
  }

  @Test("json: one object per line, with the message escaped")
  func json() throws {
    let line = try written(.json, #"say "hi"\#n"#)
    #expect(line.hasSuffix("}\n"))
    #expect(line.filter { $0 == "\n" }.count == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
    #expect(object["message"] == "say \"hi\"\n")
    #expect(object["level"] == "info")
    #expect(object["logger"] == "test")
    let time = try #require(object["time"])
    #expect(time.wholeMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}/#) != nil)
    // The timestamp is now, in UTC.
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let date = try #require(formatter.date(from: time + "Z"))
    #expect(abs(date.timeIntervalSinceNow) < 60)
  }
}
