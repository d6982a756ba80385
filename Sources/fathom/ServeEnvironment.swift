import Foundation

/// `fathom serve`'s options as environment variables, for platforms that configure a process
/// that way (Kubernetes, a PaaS, systemd's `EnvironmentFile`): `FATHOM_` and the option's name
/// in capitals (`--drain-delay` → `FATHOM_DRAIN_DELAY`), plus `$PORT` and `$MODEL`, which
/// platforms set. An option on the command line wins over its variable.
///
/// The variables become arguments before ArgumentParser reads them, so a variable is checked
/// exactly as its option is; a number that does not read is refused here, naming the variable.
enum ServeEnvironment {
  /// A variable and the option it stands for.
  struct Entry {
    /// The variables, the first set one wins (`FATHOM_PORT` before `PORT`).
    let variables: [String]
    /// The long option, or nil for the model argument.
    let option: String?
    var kind: Kind = .value

    enum Kind {
      case value
      case number
      /// Comma-separated, one option each (`FATHOM_CORS_ORIGIN=https://a,https://b`).
      case list
      /// `FATHOM_ACCESS_LOG=0` (or false, off, no) gives `--no-access-log`.
      case negatedFlag
    }
  }

  static let entries: [Entry] = [
    Entry(variables: ["FATHOM_MODEL", "MODEL"], option: nil),
    Entry(variables: ["FATHOM_HOST"], option: "--host"),
    Entry(variables: ["FATHOM_PORT", "PORT"], option: "--port", kind: .number),
    Entry(variables: ["FATHOM_API_KEY"], option: "--api-key"),
    Entry(variables: ["FATHOM_CORS_ORIGIN"], option: "--cors-origin", kind: .list),
    Entry(variables: ["FATHOM_MAX_BODY_BYTES"], option: "--max-body-bytes", kind: .number),
    Entry(variables: ["FATHOM_MAX_BATCH_SIZE"], option: "--max-batch-size", kind: .number),
    Entry(variables: ["FATHOM_IDLE_TIMEOUT"], option: "--idle-timeout", kind: .number),
    Entry(variables: ["FATHOM_BODY_TIMEOUT"], option: "--body-timeout", kind: .number),
    Entry(variables: ["FATHOM_DRAIN_DELAY"], option: "--drain-delay", kind: .number),
    Entry(variables: ["FATHOM_SHUTDOWN_TIMEOUT"], option: "--shutdown-timeout", kind: .number),
    Entry(variables: ["FATHOM_LOG_FORMAT"], option: "--log-format"),
    Entry(variables: ["FATHOM_ACCESS_LOG"], option: "--no-access-log", kind: .negatedFlag),
  ]

  /// A variable that cannot stand for its option.
  struct Problem: Error, CustomStringConvertible {
    let description: String
  }

  /// `serve`'s arguments with the set variables added for the options not given.
  /// - Parameters:
  ///   - arguments: what follows `serve` on the command line.
  ///   - environment: the process's environment.
  static func arguments(_ arguments: [String], environment: [String: String]) throws(Problem) -> [String] {
    var result = arguments
    for entry in entries {
      guard let (variable, value) = entry.variables.lazy.compactMap({ v in environment[v].map { (v, $0) } }).first,
        !value.isEmpty
      else { continue }
      guard let option = entry.option else {
        let named = hasPositional(arguments) || arguments.contains { $0 == "--model" || $0.hasPrefix("--model=") }
        if !named { result += ["--model", value] }
        continue
      }
      if arguments.contains(where: { $0 == option || $0.hasPrefix(option + "=") }) { continue }
      switch entry.kind {
      case .value:
        result += [option, value]
      case .number:
        guard Double(value) != nil, !value.lowercased().hasPrefix("0x") else {
          throw Problem(description: "\(variable) is '\(value)'; it should be a number, as \(option) takes")
        }
        result += [option, value]
      case .list:
        for item in value.split(separator: ",") { result += [option, item.trimmingCharacters(in: .whitespaces)] }
      case .negatedFlag:
        switch value.lowercased() {
        case "0", "false", "off", "no": result.append(option)
        case "1", "true", "on", "yes": break
        default: throw Problem(description: "\(variable) is '\(value)'; it should be 1 or 0 (true or false)")
        }
      }
    }
    return result
  }

  /// Whether the command line names the model (a word that is neither an option nor an option's value).
  private static func hasPositional(_ arguments: [String]) -> Bool {
    let flags: Set<String> = ["--no-access-log", "-h", "--help"]
    var i = 0
    while i < arguments.count {
      let a = arguments[i]
      if a == "--" { return i + 1 < arguments.count }
      if a.hasPrefix("-") {
        // `--option value` takes the next word; `--option=value` and flags do not.
        if !flags.contains(a), !a.contains("=") { i += 1 }
      } else {
        return true
      }
      i += 1
    }
    return false
  }
}
