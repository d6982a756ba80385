import NIOCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why the server could not start or run, in words a person can act on.
public struct ServerError: Error, Sendable, CustomStringConvertible {
  private enum Code: Sendable, Equatable {
    case alreadyRunning
    case invalidConfiguration
    case portInUse(Int)
    case couldNotStart
  }

  private let code: Code
  /// The explanation.
  public let message: String

  /// The port that was already taken, when that is why the server could not start; a
  /// command line can then name its own option for choosing another.
  public var portInUse: Int? {
    if case .portInUse(let port) = code { return port }
    return nil
  }

  static func alreadyRunning(_ address: ServerAddress) -> ServerError {
    ServerError(code: .alreadyRunning, message: "the server is already running at \(address.url); stop it first")
  }

  static func invalidConfiguration(_ reason: String) -> ServerError {
    ServerError(code: .invalidConfiguration, message: reason)
  }

  static func couldNotStart(host: String, port: Int, _ reason: String) -> ServerError {
    ServerError(code: .couldNotStart, message: "cannot serve on \(host):\(port): \(reason)")
  }

  /// Explains a failure to bind or run: the common socket errors in words, others as they came.
  static func couldNotStart(host: String, port: Int, _ error: any Error) -> ServerError {
    if let error = error as? ServerError { return error }
    guard let io = error as? IOError else { return couldNotStart(host: host, port: port, "\(error)") }
    switch io.errnoCode {
    case EADDRINUSE:
      return ServerError(code: .portInUse(port), message: "port \(port) is in use; pick another (0 picks a free one)")
    case EADDRNOTAVAIL:
      return couldNotStart(host: host, port: port, "\(host) is not an address of this machine")
    case EACCES:
      return couldNotStart(host: host, port: port, "binding port \(port) needs privileges; pick one above 1023")
    default:
      return couldNotStart(host: host, port: port, "\(error)")
    }
  }

  public var description: String { message }
}
