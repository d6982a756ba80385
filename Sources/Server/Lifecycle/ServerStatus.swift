/// Where a running server listens.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
  /// The host it bound.
  public var host: String
  /// The port it bound (the one the system chose, when 0 was asked for).
  public var port: Int

  /// Creates an address.
  public init(host: String, port: Int) {
    self.host = host
    self.port = port
  }

  /// `http://host:port`.
  public var url: String {
    host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
  }

  public var description: String { url }
}

/// What `serve status` shows.
public struct ServerStatus: Sendable, CustomStringConvertible {
  /// Where the server listens; nil when it is not running.
  public var address: ServerAddress?
  /// The served model's name and version.
  public var model: String
  public var modelVersion: String
  /// How long it has been running.
  public var uptime: Duration
  /// Requests answered.
  public var requests: Int
  /// Requests answered with a 4xx or 5xx status.
  public var errors: Int
  /// Requests being answered now.
  public var inFlight: Int
  /// The median latency, when any request was answered.
  public var p50: Duration?
  /// The 99th percentile latency.
  public var p99: Duration?

  public var description: String {
    guard let address else { return "not serving" }
    func ms(_ d: Duration?) -> String { d.map(formatMilliseconds) ?? "-" }
    let seconds = uptime.components.seconds
    return "serving \(model) (version \(modelVersion)) at \(address.url) for \(seconds)s: "
      + "\(requests) requests (\(inFlight) in flight), \(errors) errors, p50 \(ms(p50)), p99 \(ms(p99))"
  }
}
