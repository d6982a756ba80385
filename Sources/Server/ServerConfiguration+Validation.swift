extension ServerConfiguration {
  /// Why the server must not start with this configuration, or `nil` when it may.
  ///
  /// An empty key would not protect anything: a request with an empty `X-API-Key` matches it.
  package var problem: String? {
    if let apiKey, apiKey.allSatisfy(\.isWhitespace) {
      return "the API key is empty; give a key that is not blank, or none to serve without one"
    }
    return nil
  }
}
