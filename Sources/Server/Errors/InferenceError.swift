import HTTPTypes
import Hummingbird
import Model

/// An error answered in the Open Inference Protocol's form: `{"error": "message"}`.
struct InferenceError: HTTPResponseError, Sendable {
  private enum Code: Sendable {
    case notServed
    case unauthorized
    case unsupportedMediaType
    case badRequest
    case body
  }

  private let code: Code
  /// The response's status.
  let status: HTTPResponse.Status
  /// The `error` message: what is wrong and what to send instead.
  let message: String
  /// Headers the answer carries.
  let headers: HTTPFields

  private init(_ code: Code, _ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
    self.code = code
    self.status = status
    self.message = message
    self.headers = headers
  }

  /// 404: the path names a model or version this server does not serve.
  static func notServed(_ message: String) -> InferenceError { InferenceError(.notServed, .notFound, message) }

  /// 401: inference needs the API key.
  static let unauthorized = InferenceError(
    .unauthorized, .unauthorized, "a valid API key is required in X-API-Key or Authorization: Bearer",
    headers: [.wwwAuthenticate: "Bearer"])

  /// 415: inference reads JSON only.
  static func unsupportedMediaType(_ type: String) -> InferenceError {
    InferenceError(
      .unsupportedMediaType, .unsupportedMediaType, "unsupported media type \(type); send application/json")
  }

  /// 400: the request is not a valid inference request, or the model cannot take it.
  static func badRequest(_ message: String) -> InferenceError { InferenceError(.badRequest, .badRequest, message) }

  /// The status of a body that could not be read, with its reason phrase as the message.
  init(_ body: RequestBodyError) {
    self.init(.body, body.status, body.status.reasonPhrase, headers: body.headers)
  }

  func response(from request: Request, context: some RequestContext) throws -> Response {
    var w = JSONWriter()
    w.raw(#"{"error":"#)
    w.string(message)
    w.raw("}")
    var response = Response.json(bytes: w.bytes, status: status)
    response.headers.append(contentsOf: headers)
    return response
  }
}

extension InferenceError: CustomStringConvertible {
  var description: String { "\(status.code) \(message)" }
}
