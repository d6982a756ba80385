import HTTPTypes
import Hummingbird

extension Request {
  /// Whether the request carries `key` in `X-API-Key` or `Authorization: Bearer`.
  func hasAPIKey(_ key: String) -> Bool {
    if let given = headers[.xAPIKey], constantTimeEqual(given, key) { return true }
    if let auth = headers[.authorization], auth.count > 7, auth.prefix(7).lowercased() == "bearer " {
      return constantTimeEqual(String(auth.dropFirst(7)).trimmingSpaces, key)
    }
    return false
  }
}

extension HTTPField.Name {
  /// `X-API-Key`, the header FastAPI's `APIKeyHeader` reads.
  static let xAPIKey = HTTPField.Name("X-API-Key")!
}
