extension String {
  /// The string without leading and trailing spaces (only U+0020, as HTTP header values pad).
  var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
