import Foundation
import Testing

@testable import Model

@Suite("The README's operator table is the runtime's own registry")
struct ReadmeTests {
  static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("README.md")

  /// The table as the registry says it should read.
  static var generated: String {
    var lines = ["| domain | operators |", "|---|---|"]
    let byDomain = Dictionary(grouping: OperatorRegistry.supportedOperators, by: \.domainName)
    for domain in byDomain.keys.sorted() {
      let names = (byDomain[domain] ?? []).map(\.opType).sorted()
      lines.append("| `\(domain)` (\(names.count)) | " + names.joined(separator: ", ") + " |")
    }
    return lines.joined(separator: "\n")
  }

  @Test("the table between the operators markers matches OperatorRegistry (RECORD_SNAPSHOTS=1 rewrites it)")
  func operatorTable() throws {
    let text = try String(contentsOf: Self.readme, encoding: .utf8)
    let begin = "<!-- operators:begin -->\n"
    let end = "\n<!-- operators:end -->"
    let start = try #require(text.range(of: begin), "README.md has no operators:begin marker")
    let stop = try #require(text.range(of: end), "README.md has no operators:end marker")
    let current = String(text[start.upperBound..<stop.lowerBound])
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1", current != Self.generated {
      let updated = text.replacingCharacters(in: start.upperBound..<stop.lowerBound, with: Self.generated)
      try updated.write(to: Self.readme, atomically: true, encoding: .utf8)
      return
    }
    #expect(current == Self.generated, "README.md's operator table is stale; rerun with RECORD_SNAPSHOTS=1")
  }
}
