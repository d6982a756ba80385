private import Model

/// Reading and writing the transcript text format.
extension Transcript {
  static let inputMarker = ">>> "
  static let continuationMarker = "... "
  static let headerMarker = "#! "

  /// The transcript as text, ending with a newline.
  public var text: String {
    var lines = [
      "#! fathom transcript \(header.format)",
      "#! fathom-version: \(header.fathomVersion)",
      "#! model: \(header.model)",
      "#! model-sha256: \(header.modelSHA256)",
      "",
    ]
    for entry in entries {
      switch entry {
      case .note(let note):
        lines.append(note)
      case .cell(let input, let output):
        let inputLines = input.split(separator: "\n", omittingEmptySubsequences: false)
        lines.append(Self.inputMarker + inputLines[0])
        for more in inputLines.dropFirst() { lines.append(Self.continuationMarker + more) }
        for line in Self.normalizedOutputLines(output) { lines.append(Self.escaped(line)) }
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Output lines as stored and compared: trailing spaces and trailing blank lines removed.
  static func normalizedOutputLines(_ output: String) -> [String] {
    if output.isEmpty { return [] }
    var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      var s = Substring(line)
      while s.last == " " || s.last == "\t" || s.last == "\r" { s.removeLast() }
      return String(s)
    }
    while lines.last == "" { lines.removeLast() }
    return lines
  }

  /// An output line that could be read as something else gets a `\` in front.
  static func escaped(_ line: String) -> String {
    line.hasPrefix(">>>") || line.hasPrefix("...") || line.hasPrefix("#") || line.hasPrefix("\\") ? "\\" + line : line
  }

  /// Parses a transcript.
  /// - Parameter text: the file's contents.
  /// - Throws: `NotebookError` (`.file`) naming the line that is wrong.
  public static func parse(_ text: String) throws(NotebookError) -> Transcript {
    // Editors on Windows write a byte-order mark and CRLF line ends; both read as if absent.
    // ("\r\n" is one Character in Swift, so it is a separator of its own.)
    let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
    var lines = body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
    if lines.last == "" { lines.removeLast() }
    guard let first = lines.first, first.hasPrefix("#! fathom transcript ") else {
      throw NotebookError(.file, "line 1 should be \"#! fathom transcript 1\"; this is not a fathom transcript")
    }
    let versionText = first.dropFirst("#! fathom transcript ".count)
    guard let format = Int(versionText) else {
      throw NotebookError(.file, "line 1: the format version \(versionText) is not a number")
    }
    guard format <= Header.currentFormat else {
      throw NotebookError(
        .file, "this transcript has format \(format); this fathom reads up to \(Header.currentFormat): update fathom")
    }
    var header = Header(format: format, fathomVersion: "", model: Model.defaultModelName, modelSHA256: "")
    var index = 1
    while index < lines.count, lines[index].hasPrefix(headerMarker) {
      let field = lines[index].dropFirst(headerMarker.count)
      if let colon = field.firstIndex(of: ":") {
        let key = field[..<colon]
        let value = field[field.index(after: colon)...].trimmingWhitespaceSubstring
        switch key {
        case "fathom-version": header.fathomVersion = value
        case "model": header.model = value
        case "model-sha256": header.modelSHA256 = value
        default: break  // unknown header fields are ignored, so later versions can add some
        }
      }
      index += 1
    }
    var entries: [Entry] = []
    var outputLines: [String] = []
    func flush() {
      guard case .cell(let input, _)? = entries.last else { return }
      var trimmed = outputLines
      while trimmed.last?.allSatisfy({ $0 == " " || $0 == "\t" }) == true { trimmed.removeLast() }
      entries[entries.count - 1] = .cell(input: input, output: trimmed.joined(separator: "\n"))
      outputLines = []
    }
    while index < lines.count {
      let line = lines[index]
      let number = index + 1
      index += 1
      if line.hasPrefix(">>>") {
        flush()
        let input = line == ">>>" ? "" : String(line.dropFirst(inputMarker.count))
        entries.append(.cell(input: input, output: ""))
      } else if line.hasPrefix("...") {
        guard case .cell(let input, _)? = entries.last, outputLines.isEmpty else {
          throw NotebookError(.file, "line \(number): a continuation (...) must follow an input line (>>>)")
        }
        entries[entries.count - 1] = .cell(input: input + "\n" + line.dropFirst(continuationMarker.count), output: "")
      } else if line.hasPrefix("#") {
        flush()
        entries.append(.note(line))
      } else if case .cell = entries.last {
        outputLines.append(line.hasPrefix("\\") ? String(line.dropFirst()) : line)
      } else if !line.allSatisfy(\.isWhitespace) {
        throw NotebookError(.file, "line \(number): output with no input before it (inputs start with \">>> \")")
      }
    }
    flush()
    return Transcript(header: header, entries: entries)
  }
}

extension Substring {
  fileprivate var trimmingWhitespaceSubstring: String { String(self).trimmingWhitespace }
}
