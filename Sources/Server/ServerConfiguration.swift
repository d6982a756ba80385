public import Logging

/// How a `ModelServer` listens and what it allows.
public struct ServerConfiguration: Sendable {
  /// The address to bind; loopback unless told otherwise.
  public var host: String
  /// The port to bind; 0 lets the system choose a free one.
  public var port: Int
  /// When set, prediction routes need this key in `X-API-Key` or `Authorization: Bearer`.
  public var apiKey: String?
  /// Origins allowed to call from a browser (`*` for any); empty turns CORS off.
  public var corsOrigins: [String]
  /// The largest request body accepted; larger ones get 413.
  public var maxBodyBytes: Int
  /// The most rows one batch (`{"instances": [...]}` or CSV) may hold; more get 422.
  public var maxBatchSize: Int
  /// Whether to write one access-log line per request.
  public var accessLog: Bool
  /// How long a connection may sit idle (or a client take between reads) before it is closed.
  public var idleTimeout: Duration
  /// How long a client may take to send a whole request body.
  public var bodyTimeout: Duration
  /// After SIGTERM: how long `/ready` answers 503 while requests are still served, so that
  /// load balancers stop sending before the port closes. Zero for the notebook.
  public var drainDelay: Duration
  /// After the drain delay: how long requests in flight may take before the server exits anyway.
  public var shutdownTimeout: Duration
  /// Where access and server logs go. The REPL passes a logger that writes to a file.
  public var logger: Logger

  /// Creates a configuration.
  /// - Parameters:
  ///   - host: the address to bind, 127.0.0.1 by default.
  ///   - port: the port, 8000 by default; 0 picks a free one.
  ///   - apiKey: the key prediction routes require, if any.
  ///   - corsOrigins: origins allowed by CORS.
  ///   - maxBodyBytes: the body size limit, 1 MiB by default.
  ///   - maxBatchSize: the row limit of a batch, 10,000 by default.
  ///   - accessLog: whether to log each request.
  ///   - idleTimeout: the idle connection timeout, 30 s by default.
  ///   - bodyTimeout: the time allowed to send a body, 30 s by default.
  ///   - drainDelay: how long to keep serving, not ready, after SIGTERM; none by default.
  ///   - shutdownTimeout: how long requests in flight may take to finish, 30 s by default.
  ///   - logger: the logger; by default one labelled "fathom.server".
  public init(
    host: String = "127.0.0.1", port: Int = 8000, apiKey: String? = nil, corsOrigins: [String] = [],
    maxBodyBytes: Int = 1 << 20, maxBatchSize: Int = 10_000, accessLog: Bool = true,
    idleTimeout: Duration = .seconds(30), bodyTimeout: Duration = .seconds(30), drainDelay: Duration = .zero,
    shutdownTimeout: Duration = .seconds(30), logger: Logger = Logger(label: "fathom.server")
  ) {
    self.host = host
    self.port = port
    self.apiKey = apiKey
    self.corsOrigins = corsOrigins
    self.maxBodyBytes = maxBodyBytes
    self.maxBatchSize = maxBatchSize
    self.accessLog = accessLog
    self.idleTimeout = idleTimeout
    self.bodyTimeout = bodyTimeout
    self.drainDelay = drainDelay
    self.shutdownTimeout = shutdownTimeout
    self.logger = logger
  }
}
