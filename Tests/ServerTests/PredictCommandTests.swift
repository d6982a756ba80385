import Foundation
import Testing

/// `fathom predict` as a user runs it: every input row answered, in order.
@Suite("fathom predict: one answer per input row, in order", .enabled(if: FathomBinary.path != nil))
struct PredictCommandTests {
  static let header = "sepal_length,sepal_width,petal_length,petal_width\n"
  /// Row 2 is fine, 3 is hexadecimal, 4 blank, 5 fine, 6 ragged.
  static let rows = header + "5.1,3.5,1.4,0.2\n0x10,3,4,1\n,,,\n6.7,3.0,5.2,2.3\n1,2\n"

  func run(_ input: String, _ format: String) async throws -> (
    status: Int32, output: String, errors: String
  ) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-predict-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("rows.csv")
    try Data(input.utf8).write(to: file)
    return try await FathomBinary.run(
      ["predict", "iris", "--input", file.path, "--format", format], errors: directory.appendingPathComponent("err"))
  }

  /// The lines of `output`, which must be `count` of them.
  static func lines(_ output: String, count: Int) throws -> [String] {
    let lines = output.split(separator: "\n").map(String.init)
    try #require(lines.count == count, "\(output)")
    return lines
  }

  @Test("JSON Lines: a failed row is {\"row\":N,\"error\":…} in its place")
  func jsonLines() async throws {
    let result = try await run(Self.rows, "jsonl")
    let lines = try Self.lines(result.output, count: 5)
    #expect(lines[0].hasPrefix(#"{"label":"setosa""#))
    #expect(lines[1].hasPrefix(#"{"row":3,"error":"sepal_length "#), "\(lines[1])")
    #expect(lines[2] == #"{"row":4,"error":"is blank: every cell is empty"}"#)
    #expect(lines[3].hasPrefix(#"{"label":"virginica""#))
    #expect(lines[4] == #"{"row":6,"error":"has 2 cells; the header has 4"}"#)
    #expect(result.status == 1)
    #expect(result.errors.contains("row 3: sepal_length"))
  }

  @Test("CSV: the failed rows keep their place, with their message in an error column")
  func csv() async throws {
    let result = try await run(Self.rows, "csv")
    let lines = try Self.lines(result.output, count: 6)
    #expect(lines[0] == "label,p_setosa,p_versicolor,p_virginica,error")
    #expect(lines[1].hasPrefix("setosa,") && lines[1].hasSuffix(","))
    #expect(lines[3] == ",,,,is blank: every cell is empty")
    #expect(lines[4].hasPrefix("virginica,"))
  }

  @Test("a file that is not UTF-8 fails with the reason, and a byte-order mark and CRLF are fine")
  func encodings() async throws {
    let utf16 = try await run(
      String(decoding: Array(Self.header.utf16).flatMap { [UInt8($0 & 0xFF), 0] }, as: UTF8.self), "jsonl")
    #expect(utf16.status != 0)
    #expect(utf16.errors.contains("NUL byte") || utf16.errors.contains("UTF-16"), "\(utf16.errors)")
    let crOnly = try await run(Self.header.replacingOccurrences(of: "\n", with: "\r") + "5.1,3.5,1.4,0.2\r", "jsonl")
    #expect(crOnly.status != 0)
    #expect(crOnly.errors.contains("CR alone"), "\(crOnly.errors)")
    let bom = try await run(
      "\u{FEFF}" + (Self.header + "5.1,3.5,1.4,0.2\n").replacingOccurrences(of: "\n", with: "\r\n"), "jsonl")
    #expect(bom.status == 0, "\(bom.errors)")
    #expect(bom.output.hasPrefix(#"{"label":"setosa""#))
  }
}
