/// Where and why JSON parsing failed.
package struct JSONParseError: Error, Sendable, CustomStringConvertible {
  /// The byte offset of the problem.
  package var offset: Int
  package var reason: String
  package var description: String { "\(reason) at byte \(offset)" }
}
