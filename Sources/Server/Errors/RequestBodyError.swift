import HTTPTypes

/// Why a request body could not be read; `/predict` answers it as a `FastAPIError`, the
/// Open Inference Protocol as an `InferenceError`, with the same status.
struct RequestBodyError: Error, Sendable {
  private enum Code: Sendable {
    case tooLarge(limit: Int)
    case timedOut
    case unreadable
  }

  private let code: Code

  /// The body is larger than `limit` bytes.
  static func tooLarge(limit: Int) -> RequestBodyError { RequestBodyError(code: .tooLarge(limit: limit)) }
  /// The body took longer than the configured time to arrive.
  static let timedOut = RequestBodyError(code: .timedOut)
  /// The connection failed while the body was being read.
  static let unreadable = RequestBodyError(code: .unreadable)

  /// 413, 408 or 400.
  var status: HTTPResponse.Status {
    switch code {
    case .tooLarge: .contentTooLarge
    case .timedOut: .requestTimeout
    case .unreadable: .badRequest
    }
  }

  /// What went wrong and what to do, for FastAPI's `detail`.
  var message: String {
    switch code {
    case .tooLarge(let limit): "Request body is larger than the limit of \(limit) bytes"
    case .timedOut: "The request body took too long to arrive"
    case .unreadable: "The request body could not be read"
    }
  }

  /// The headers every answer to it carries: the rest of the body is not read, so the
  /// connection cannot be reused.
  var headers: HTTPFields { [.connection: "close"] }
}
