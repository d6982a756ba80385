import CoreMetrics
import Model
import Prometheus
import Synchronization

/// The server's Prometheus metrics, recorded through swift-metrics.
///
/// Each server has its own registry, so servers in one process (tests, a REPL that
/// restarts its server) never mix their counts; metric handles are cached because
/// creating one takes the factory's lock and allocates.
final class ServerMetrics: Sendable {
  private let registry = PrometheusCollectorRegistry()
  private let factory: PrometheusMetricsFactory
  private let requestCounters = Mutex<[RequestKey: CoreMetrics.Counter]>([:])
  private let latencyTimers = Mutex<[String: CoreMetrics.Timer]>([:])
  private let classCounters = Mutex<[ClassKey: CoreMetrics.Counter]>([:])

  private struct RequestKey: Hashable {
    var route: String
    var method: String
    var status: Int
  }

  private struct ClassKey: Hashable {
    var model: String
    var label: String
  }

  init() {
    var factory = PrometheusMetricsFactory(registry: registry)
    factory.defaultDurationHistogramBuckets = [
      .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
      .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]
    self.factory = factory
  }

  /// Bootstraps the process-wide `MetricsSystem` with Prometheus, once; later calls do nothing.
  ///
  /// Only the headless server calls this: the metrics system can be bootstrapped once
  /// per process, and a library that did it implicitly would crash its host's own bootstrap.
  static func bootstrapProcessMetricsOnce() {
    _ = processBootstrap
  }

  private static let processBootstrap: Bool = {
    MetricsSystem.bootstrap(PrometheusMetricsFactory())
    return true
  }()

  /// Records one answered request.
  func recordRequest(route: String, method: String, status: Int, duration: Duration) {
    let key = RequestKey(route: route, method: method, status: status)
    let counter = requestCounters.withLock { counters in
      if let c = counters[key] { return c }
      let c = CoreMetrics.Counter(
        label: "fathom_http_requests_total",
        dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory)
      counters[key] = c
      return c
    }
    counter.increment()
    let timer = latencyTimers.withLock { timers in
      if let t = timers[route] { return t }
      let t = CoreMetrics.Timer(
        label: "fathom_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
      timers[route] = t
      return t
    }
    timer.recordNanoseconds(duration.nanoseconds)
  }

  /// Counts predictions by class label.
  func recordPredictions(_ predictions: [Prediction], model: String) {
    for p in predictions {
      guard let label = p.label else { continue }
      let key = ClassKey(model: model, label: label.description)
      let counter = classCounters.withLock { counters in
        if let c = counters[key] { return c }
        let c = CoreMetrics.Counter(
          label: "fathom_predictions_total", dimensions: [("model", model), ("class", key.label)], factory: factory)
        counters[key] = c
        return c
      }
      counter.increment()
    }
  }

  /// Records how long loading a model took.
  func recordModelLoad(model: String, duration: Duration) {
    CoreMetrics.Gauge(label: "fathom_model_load_seconds", dimensions: [("model", model)], factory: factory)
      .record(Double(duration.nanoseconds) / 1e9)
  }

  /// The Prometheus text exposition of every metric.
  func exposition() -> [UInt8] {
    var buffer: [UInt8] = []
    registry.emit(into: &buffer)
    return buffer
  }
}

extension Duration {
  /// The duration in whole nanoseconds, saturating.
  var nanoseconds: Int64 {
    let (s, a) = components
    let (product, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
    if overflow { return s < 0 ? .min : .max }
    return product &+ a / 1_000_000_000
  }
}
