import Hummingbird

extension ServerResponder {
  /// The responder a server runs: the route switch inside the cross-cutting responders,
  /// outermost first: the route is resolved, the access log and the metrics see every
  /// answer, CORS marks every answer (errors too), errors are rendered, the API key checked.
  static func chain(
    store: ModelStore, configuration: ServerConfiguration, statistics: RequestStatistics, metrics: ServerMetrics,
    readiness: Readiness
  ) -> some HTTPResponder<ServerRequestContext> {
    let router = ServerResponder(store: store, configuration: configuration, metrics: metrics, readiness: readiness)
    return RoutingResponder(
      next: AccessLogResponder(
        logger: configuration.accessLog ? configuration.logger : nil,
        next: RequestMetricsResponder(
          statistics: statistics, metrics: metrics,
          next: CORSResponder(
            origins: configuration.corsOrigins,
            next: ErrorResponder(next: APIKeyResponder(key: configuration.apiKey, next: router))))))
  }
}
