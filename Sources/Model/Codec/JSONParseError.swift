/// Where and why JSON parsing failed.
package struct JSONParseError: Error, Sendable, CustomStringConvertible {
  /// The byte offset of the problem.
  package var offset: Int
  package var reason: String
  /// Set when the error is an array longer than the parser's `maximumItems`: how many
  /// items it has (counted to its end, but not kept).
  package var itemCount: Int? = nil
  package var description: String { "\(reason) at byte \(offset)" }
}
