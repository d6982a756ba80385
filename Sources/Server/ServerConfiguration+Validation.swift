extension ServerConfiguration {
  /// Why the server must not start with this configuration, or `nil` when it may.
  ///
  /// An empty key would not protect anything: a request with an empty `X-API-Key` matches it.
  package var problem: String? {
    if let apiKey, apiKey.allSatisfy(\.isWhitespace) {
      return "the API key is empty; give a key that is not blank, or none to serve without one"
    }
    if idleTimeout <= .zero { return "the idle timeout must be positive" }
    if bodyTimeout <= .zero { return "the body timeout must be positive" }
    if drainDelay < .zero { return "the drain delay must not be negative" }
    if shutdownTimeout <= .zero { return "the shutdown timeout must be positive" }
    return nil
  }

  /// Whether `host` can only be reached from this machine.
  public var bindsLoopbackOnly: Bool {
    let host = host.lowercased()
    if host == "localhost" || host == "::1" || host == "[::1]" { return true }
    // 127.0.0.0/8 is loopback throughout.
    let octets = host.split(separator: ".", omittingEmptySubsequences: false)
    return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
  }

  /// The warning to show when the model is served beyond this machine with no API key, as
  /// Jupyter warns when it listens on every address; `nil` otherwise.
  public var exposureWarning: String? {
    guard apiKey == nil, !bindsLoopbackOnly else { return nil }
    let place = host == "0.0.0.0" || host == "::" || host == "[::]" ? "all addresses (\(host))" : host
    return "WARNING: fathom is listening on \(place) without an API key: anyone who can reach this machine "
      + "can call /predict. This is not recommended; set --api-key (or FATHOM_API_KEY), or bind 127.0.0.1."
  }
}
