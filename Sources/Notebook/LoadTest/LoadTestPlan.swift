internal import Foundation
internal import Model

/// What a load test does: where it sends, how hard, and for how long.
///
/// Every plan is bounded: at most ``maximumDuration`` and ``maximumRequests``,
/// with at most ``maximumConnections`` connections.
public struct LoadTestPlan: Sendable, Equatable {
  /// The longest a load test may run.
  public static let maximumDuration = Duration.seconds(300)
  /// The most requests a load test may send.
  public static let maximumRequests = 10_000_000
  /// The most connections a load test may open.
  public static let maximumConnections = 1024
  /// The highest fixed rate, in requests per second.
  public static let maximumRate = 1_000_000.0

  /// The target, such as `http://127.0.0.1:8000/predict`.
  public var url: String
  /// `POST` (with ``body``) or `GET`.
  public var method: String
  /// The request body sent with every `POST`, as JSON.
  public var body: String
  /// Keep-alive connections, one worker each.
  public var connections: Int
  /// How long to send; `nil` when ``requests`` bounds the test (it then stops at ``maximumDuration``).
  public var duration: Duration?
  /// How many requests to send; `nil` for as many as fit in ``duration``.
  public var requests: Int?
  /// Requests per second in all (open loop, latency from the intended send time); `nil` for closed loop.
  public var rate: Double?
  /// How long one request may take before it counts as a timeout.
  public var requestTimeout: Duration

  /// Creates a plan and checks its bounds.
  /// - Parameters:
  ///   - url: the target; `http://` is assumed when no scheme is given, `/predict` when no path is.
  ///   - method: `POST` or `GET`.
  ///   - body: the JSON body of each `POST`.
  ///   - connections: 1 to 1024.
  ///   - duration: up to 300 s; when both this and `requests` are `nil`, 10 s.
  ///   - requests: up to 10,000,000.
  ///   - rate: a fixed total rate for an open-loop test.
  ///   - requestTimeout: the timeout of one request, more than 0 and at most 300 s; 10 s by default.
  /// - Throws: `NotebookError` (`.usage`) naming the bound that was passed.
  public init(
    url: String, method: String = "POST", body: String = "{}", connections: Int = 64, duration: Duration? = nil,
    requests: Int? = nil, rate: Double? = nil, requestTimeout: Duration = .seconds(10)
  ) throws(NotebookError) {
    self.url = try Self.normalized(url)
    let upper = method.uppercased()
    guard upper == "POST" || upper == "GET" else {
      throw NotebookError(.usage, "method should be POST or GET, got \(method)")
    }
    self.method = upper
    self.body = body
    guard (1...Self.maximumConnections).contains(connections) else {
      throw NotebookError(.usage, "connections should be between 1 and \(Self.maximumConnections), got \(connections)")
    }
    self.connections = connections
    if let duration {
      guard duration > .zero, duration <= Self.maximumDuration else {
        throw NotebookError(
          .usage, "duration should be more than 0 s and at most 300 s, got \(LoadTestPlan.text(duration))")
      }
    }
    if let requests {
      guard (1...Self.maximumRequests).contains(requests) else {
        throw NotebookError(.usage, "requests should be between 1 and \(Self.maximumRequests), got \(requests)")
      }
    }
    self.requests = requests
    self.duration = duration ?? (requests == nil ? .seconds(10) : nil)
    if let rate {
      guard rate.isFinite, rate > 0, rate <= Self.maximumRate else {
        throw NotebookError(
          .usage, "rate should be between 0 and \(Int(Self.maximumRate)) requests per second, got \(formatNumber(rate))"
        )
      }
    }
    self.rate = rate
    guard requestTimeout > .zero, requestTimeout <= Self.maximumDuration else {
      throw NotebookError(
        .usage, "timeout should be more than 0 s and at most 300 s, got \(LoadTestPlan.text(requestTimeout))")
    }
    self.requestTimeout = requestTimeout
  }

  /// How long the test may run at most: its duration, or the 300 s bound of a test by request count.
  var timeLimit: Duration { duration ?? Self.maximumDuration }

  /// The first line a load test prints: `loadtest http://127.0.0.1:8000/predict: 64 connections, closed loop, for 10 s`.
  public var headline: String { "loadtest \(url): \(summary)" }

  /// The plan in words: `64 connections, closed loop, for 10 s`.
  var summary: String {
    var parts = [counted(connections, "connection")]
    parts.append(rate.map { "open loop at \(formatNumber($0)) req/s" } ?? "closed loop")
    if let requests { parts.append("\(requests) requests") }
    if let duration { parts.append("for \(LoadTestPlan.text(duration))") }
    return parts.joined(separator: ", ")
  }

  /// `10 s`, `0.5 s`.
  static func text(_ duration: Duration) -> String {
    "\(formatNumber(duration.seconds)) s"
  }

  /// Reads `10s`, `10`, `500ms`, `2m`.
  static func parseDuration(_ text: String) -> Duration? {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
    for (suffix, scale) in units where text.hasSuffix(suffix) {
      guard let value = Double(text.dropLast(suffix.count)), value.isFinite, abs(value) < 1e9 else { return nil }
      return .milliseconds(Int64((value * scale * 1000).rounded()))
    }
    guard let value = Double(text), value.isFinite, abs(value) < 1e9 else { return nil }
    return .milliseconds(Int64((value * 1000).rounded()))
  }

  /// Adds `http://` and `/predict` when they are missing; refuses anything but http(s) URLs with a host.
  static func normalized(_ text: String) throws(NotebookError) -> String {
    var url = text
    if !url.contains("://") { url = "http://" + url }
    guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
      scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty
    else {
      throw NotebookError(.usage, "\(text) is not an http:// URL (such as http://127.0.0.1:8000/predict)")
    }
    if parsed.path.isEmpty || parsed.path == "/" {
      url = (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/predict"
    }
    return url
  }
}

extension Duration {
  /// The duration in seconds, as a `Double`.
  var seconds: Double {
    let parts = components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
  }

  /// The duration in whole microseconds, never negative.
  var microseconds: UInt64 {
    let parts = components
    guard parts.seconds >= 0 else { return 0 }
    return UInt64(parts.seconds) * 1_000_000 + UInt64(max(0, parts.attoseconds) / 1_000_000_000_000)
  }
}
