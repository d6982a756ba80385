import HTTPTypes
import Hummingbird
import Model

/// An error answered in FastAPI's form: `{"detail": "message"}`, or for invalid input a 422
/// with `{"detail": [{"type", "loc", "msg", "input", "ctx"}]}`.
struct FastAPIError: HTTPResponseError, Sendable {
  private enum Code: Sendable {
    case notFound
    case methodNotAllowed
    case unauthorized
    case unsupportedMediaType
    case disallowedOrigin
    case body
    case invalid([ValidationDetail])
  }

  private let code: Code
  /// The response's status.
  let status: HTTPResponse.Status
  /// The `detail` message (for 422, a summary; the body lists the details).
  let message: String
  /// Headers the answer carries, such as `Allow` or `WWW-Authenticate`.
  let headers: HTTPFields

  private init(_ code: Code, _ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
    self.code = code
    self.status = status
    self.message = message
    self.headers = headers
  }

  /// 404: no route has this path.
  static let notFound = FastAPIError(.notFound, .notFound, "Not Found")

  /// 405: the route does not answer this method; `Allow` lists the ones it does.
  static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> FastAPIError {
    FastAPIError(
      .methodNotAllowed, .methodNotAllowed, "Method Not Allowed",
      headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
  }

  /// 401: the route needs the API key, in `X-API-Key` or `Authorization: Bearer`.
  static let unauthorized = FastAPIError(
    .unauthorized, .unauthorized, "Not authenticated", headers: [.wwwAuthenticate: "Bearer"])

  /// 415: `/predict` reads JSON and CSV only.
  static func unsupportedMediaType(_ type: String) -> FastAPIError {
    FastAPIError(
      .unsupportedMediaType, .unsupportedMediaType,
      "Unsupported media type \(type); send application/json (or text/csv for a batch)")
  }

  /// 400: a CORS preflight from an origin the server does not allow.
  static let disallowedOrigin = FastAPIError(.disallowedOrigin, .badRequest, "Disallowed CORS origin")

  /// 422: every problem with the input.
  static func invalid(_ details: [ValidationDetail]) -> FastAPIError {
    let count = details.count
    return FastAPIError(
      .invalid(details), .unprocessableContent,
      count == 1 ? "1 problem with the input" : "\(count) problems with the input")
  }

  /// 413, 408 or 400: the body could not be read.
  init(_ body: RequestBodyError) {
    self.init(.body, body.status, body.message, headers: body.headers)
  }

  func response(from request: Request, context: some RequestContext) throws -> Response {
    var w: JSONWriter
    if case .invalid(let details) = code {
      w = JSONWriter(capacity: 128 * details.count + 32)
      w.raw(#"{"detail":["#)
      var first = true
      for d in details {
        w.separator(&first)
        d.write(to: &w)
      }
      w.raw("]}")
    } else {
      w = JSONWriter()
      w.raw(#"{"detail":"#)
      w.string(message)
      w.raw("}")
    }
    var response = Response.json(bytes: w.bytes, status: status)
    response.headers.append(contentsOf: headers)
    return response
  }
}

extension FastAPIError: CustomStringConvertible {
  var description: String { "\(status.code) \(message)" }
}
