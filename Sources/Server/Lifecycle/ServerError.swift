/// Why the server could not start or run, in words a person can act on.
public struct ServerError: Error, Sendable, CustomStringConvertible {
  private enum Code: Sendable, Equatable {
    case alreadyRunning
    case invalidConfiguration
    case couldNotStart
  }

  private let code: Code
  /// The explanation.
  public let message: String

  static func alreadyRunning(_ address: ServerAddress) -> ServerError {
    ServerError(code: .alreadyRunning, message: "the server is already running at \(address.url); stop it first")
  }

  static func invalidConfiguration(_ reason: String) -> ServerError {
    ServerError(code: .invalidConfiguration, message: reason)
  }

  static func couldNotStart(host: String, port: Int, _ reason: String) -> ServerError {
    ServerError(code: .couldNotStart, message: "cannot serve on \(host):\(port): \(reason)")
  }

  public var description: String { message }
}
