import Foundation
import Testing

/// Compares rendered text with a reference file under `.snapshots/` next to
/// this file (a hidden folder, so SwiftPM does not warn about unhandled
/// files and the test target needs no resources). `RECORD_SNAPSHOTS=1` rewrites the references; a missing one is
/// written and the test fails so that it gets looked at.
func assertSnapshot(
  _ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent(".snapshots")
  let file = directory.appendingPathComponent(name + ".txt")
  let recording =
    ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"].map { !$0.isEmpty && $0 != "0" }
    ?? false
  let stored = try? String(contentsOf: file, encoding: .utf8)
  if recording || stored == nil {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try (text + "\n").write(to: file, atomically: true, encoding: .utf8)
    } catch {
      Issue.record(
        "could not write snapshot \(file.path): \(error)", sourceLocation: sourceLocation)
    }
    if stored == nil && !recording {
      Issue.record(
        "recorded new snapshot \(name).txt; check it by eye and run again",
        sourceLocation: sourceLocation)
    }
    return
  }
  guard let stored, stored != text + "\n" else { return }
  let diff = lineDiff(expected: stored, actual: text + "\n")
  let message = "snapshot \(name).txt differs (RECORD_SNAPSHOTS=1 to accept):\n\(diff)"
  Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}

/// A readable line diff: unchanged lines with two spaces, removed with
/// `-`, added with `+`; escape characters shown as `⎋`.
func lineDiff(expected: String, actual: String) -> String {
  let old = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  let new = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  // Longest common subsequence table; snapshots are small.
  var table = [[Int]](repeating: [Int](repeating: 0, count: new.count + 1), count: old.count + 1)
  for i in stride(from: old.count - 1, through: 0, by: -1) {
    for j in stride(from: new.count - 1, through: 0, by: -1) {
      table[i][j] =
        old[i] == new[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
    }
  }
  var lines: [String] = []
  var (i, j) = (0, 0)
  func show(_ s: String) -> String { s.replacingOccurrences(of: "\u{1B}", with: "⎋") }
  while i < old.count || j < new.count {
    if i < old.count && j < new.count && old[i] == new[j] {
      lines.append("  " + show(old[i]))
      (i, j) = (i + 1, j + 1)
    } else if j < new.count && (i == old.count || table[i][j + 1] >= table[i + 1][j]) {
      lines.append("+ " + show(new[j]))
      j += 1
    } else {
      lines.append("- " + show(old[i]))
      i += 1
    }
  }
  return lines.joined(separator: "\n")
}

/// A deterministic generator (SplitMix64) so random tests are repeatable.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A standard normal sample (Box–Muller).
  mutating func normal() -> Double {
    let u = Double.random(in: 1e-12..<1, using: &self)
    let v = Double.random(in: 0..<1, using: &self)
    return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
  }
}

/// The text without ANSI escape sequences.
func strippingANSI(_ text: String) -> String {
  var result = ""
  var inEscape = false
  for character in text {
    if inEscape {
      if character == "m" { inEscape = false }
    } else if character == "\u{1B}" {
      inEscape = true
    } else {
      result.append(character)
    }
  }
  return result
}
