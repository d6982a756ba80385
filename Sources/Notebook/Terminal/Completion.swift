internal import Foundation

/// What Tab offers: commands at the start of a statement, file paths after
/// load/save/replay, otherwise variables, features, functions and fields.
enum Completion {
  /// The word being typed: the text after the last separator.
  static func currentWord(_ before: String) -> String {
    if let pathStart = pathArgumentStart(before) { return String(before[pathStart...]) }
    var word = ""
    for c in before.reversed() {
      guard c.isLetter || c.isNumber || c == "_" else { break }
      word.insert(c, at: word.startIndex)
    }
    return word
  }

  /// Where a path argument starts, when the statement is `load`, `save` or `replay`.
  private static func pathArgumentStart(_ before: String) -> String.Index? {
    let statement = before.split(separator: ";", omittingEmptySubsequences: false).last ?? ""
    let trimmed = statement.drop { $0 == " " }
    for command in ["load ", "save "] where trimmed.hasPrefix(command) {
      let rest = trimmed.dropFirst(command.count).drop { $0 == " " }
      return rest.startIndex
    }
    return nil
  }

  /// The candidates for the text before the cursor.
  static func candidates(
    _ before: String, commands: [String], variables: [String], features: [String],
    fields: (String) -> [String] = { _ in [] }
  ) -> [String] {
    if let start = pathArgumentStart(before) {
      return paths(String(before[start...]), builtIns: before.contains("load") ? ["iris", "diabetes"] : [])
    }
    let word = currentWord(before)
    let head = before.dropLast(word.count)
    if head.hasSuffix(".") {
      let base = String(
        head.dropLast().reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.reversed())
      return fields(base).filter { $0.hasPrefix(word) }.sorted()
    }
    let statementStart =
      head.split(separator: ";", omittingEmptySubsequences: false).last?.allSatisfy { $0 == " " } ?? true
    var pool = variables + features + Builtins.names
    if statementStart { pool += commands }
    return Array(Set(pool.filter { $0.hasPrefix(word) && !$0.isEmpty })).sorted()
  }

  /// Files and directories that start with `partial` (directories end with /).
  static func paths(_ partial: String, builtIns: [String]) -> [String] {
    let expanded = NSString(string: partial).expandingTildeInPath
    let directory = partial.hasSuffix("/") ? expanded : (expanded as NSString).deletingLastPathComponent
    let prefix = partial.hasSuffix("/") ? "" : (expanded as NSString).lastPathComponent
    let shownDirectory = partial.hasSuffix("/") ? partial : String(partial.dropLast(prefix.count))
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
    var result = builtIns.filter { $0.hasPrefix(partial) }
    for name in names.sorted() where name.hasPrefix(prefix) && (!name.hasPrefix(".") || prefix.hasPrefix(".")) {
      var isDirectory: ObjCBool = false
      let full = (directory.isEmpty ? "." : directory) + "/" + name
      _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
      result.append(shownDirectory + name + (isDirectory.boolValue ? "/" : ""))
    }
    return result
  }

  /// The longest common prefix.
  static func commonPrefix(_ words: [String]) -> String {
    guard var prefix = words.first else { return "" }
    for word in words.dropFirst() {
      while !word.hasPrefix(prefix) { prefix.removeLast() }
    }
    return prefix
  }

  /// A path's last component (for listings).
  static func displayName(_ candidate: String) -> String {
    guard candidate.contains("/") else { return candidate }
    let trimmed = candidate.hasSuffix("/") ? String(candidate.dropLast()) : candidate
    return (trimmed as NSString).lastPathComponent + (candidate.hasSuffix("/") ? "/" : "")
  }

  /// Words laid out in columns.
  static func columns(_ words: [String], width: Int) -> String {
    let cell = (words.map(\.count).max() ?? 0) + 2
    let perLine = max(1, width / cell)
    var lines: [String] = []
    var index = 0
    while index < words.count {
      let row = words[index..<min(words.count, index + perLine)]
      lines.append(row.map { $0 + String(repeating: " ", count: cell - $0.count) }.joined().trimmingWhitespace)
      index += perLine
    }
    return lines.joined(separator: "\n")
  }
}
