import Hummingbird
import Logging
import Model
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The HTTP server over a model: start it in the background (the REPL) or run it until a
/// signal (the `fathom serve` command).
///
/// ```swift
/// let server = ModelServer(store: ModelStore(model), configuration: .init(port: 8000))
/// let address = try await server.start()   // returns once the port is bound
/// store.swap(to: otherModel)                // new requests see the new model
/// print(await server.status())
/// await server.stop()                       // drains requests in flight
/// ```
public actor ModelServer {
  /// The model being served; swap it at any time.
  public nonisolated let store: ModelStore
  /// How the server listens.
  public nonisolated let configuration: ServerConfiguration

  private let statistics = RequestStatistics()
  private let metrics = ServerMetrics()
  private let readiness = Readiness()
  private var running: Running?

  private struct Running {
    var group: ServiceGroup
    var task: _Concurrency.Task<Void, Never>
    var address: ServerAddress
    var startedAt: ContinuousClock.Instant
  }

  /// Creates a server; nothing is bound until `start()` or `run()`.
  /// - Parameters:
  ///   - store: the model to serve.
  ///   - configuration: address, limits, key, CORS and logging.
  public init(store: ModelStore, configuration: ServerConfiguration = ServerConfiguration()) {
    self.store = store
    self.configuration = configuration
  }

  /// Starts serving in the background and returns once the port is bound.
  /// - Returns: the bound address (with the chosen port when the configuration asked for 0).
  /// - Throws: `ServerError` when the server already runs or the address cannot be bound.
  @discardableResult
  public func start() async throws(ServerError) -> ServerAddress {
    if let running { throw .alreadyRunning(running.address) }
    let started = try await launch()
    running = started
    return started.address
  }

  /// Stops serving: stops accepting, lets requests in flight finish, then returns.
  public func stop() async {
    guard let current = running else { return }
    running = nil
    readiness.set(false)
    await current.group.triggerGracefulShutdown()
    await current.task.value
  }

  /// Address, uptime, request and error counts, and latency percentiles.
  public func status() -> ServerStatus {
    let snapshot = statistics.snapshot()
    let served = store.served
    return ServerStatus(
      address: running?.address, model: served.model.name, modelVersion: served.version,
      uptime: running.map { ContinuousClock.now - $0.startedAt } ?? .zero,
      requests: snapshot.requests, errors: snapshot.errors, inFlight: statistics.inFlight, p50: snapshot.p50,
      p99: snapshot.p99)
  }

  /// Serves until SIGINT or SIGTERM, then drains and returns: the headless `fathom serve`.
  /// Also bootstraps the process-wide metrics system.
  ///
  /// The drain, as load balancers expect it: at SIGTERM `/ready` (and `/v2/health/ready`)
  /// answer 503 while everything else is still served, for `drainDelay`, so that balancers and
  /// Kubernetes take the replica out; then the port closes, requests in flight finish (their
  /// answers say `Connection: close`), idle connections are closed, and this returns, at most
  /// `shutdownTimeout` later. SIGINT, or a second signal, skips the delay.
  /// - Parameter onStart: called once with the bound address.
  /// - Throws: `ServerError` when the address cannot be bound.
  public func run(onStart: @Sendable (ServerAddress) -> Void = { _ in }) async throws(ServerError) {
    if let running { throw .alreadyRunning(running.address) }
    ServerMetrics.bootstrapProcessMetricsOnce()
    // Trapped before the port opens, so that an early SIGTERM drains too.
    let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
    let started = try await launch()
    running = started
    onStart(started.address)
    let drain = _Concurrency.Task { [readiness, configuration, group = started.group] in
      var draining = false
      for await signal in signals {
        guard !draining else {
          await group.triggerGracefulShutdown()
          continue
        }
        draining = true
        readiness.set(false)
        // Ctrl-C is a person at a terminal: drain at once. SIGTERM is an orchestrator's.
        let delay = signal == .sigterm ? configuration.drainDelay : .zero
        configuration.logger.info(
          "\(signal): draining; /ready answers 503, requests are served for \(delay) more, then the port closes")
        _Concurrency.Task {
          try? await _Concurrency.Task.sleep(for: delay)
          await group.triggerGracefulShutdown()
        }
      }
    }
    await started.task.value
    drain.cancel()
    readiness.set(false)
    running = nil
  }

  /// Builds the application, runs it in a service group, and waits for the bind.
  private func launch() async throws(ServerError) -> Running {
    let configuration = self.configuration
    if let problem = configuration.problem { throw .invalidConfiguration(problem) }
    if let warning = configuration.exposureWarning { configuration.logger.warning("\(warning)") }
    if let load = store.served.loadDuration {
      metrics.recordModelLoad(model: store.served.model.name, duration: load)
    }
    let responder = ServerResponder.chain(
      store: store, configuration: configuration, statistics: statistics, metrics: metrics, readiness: readiness)
    let bound = BindSignal()
    let readiness = self.readiness
    let app = Application(
      responder: responder,
      server: .guardedHTTP1(
        idleTimeout: TimeAmount(configuration.idleTimeout), bodyTimeout: TimeAmount(configuration.bodyTimeout)),
      configuration: ApplicationConfiguration(
        address: .hostname(configuration.host, port: configuration.port), serverName: nil),
      onServerRunning: { [store] channel in
        readiness.set(true)
        bound.resolve(.success(channel.localAddress?.port ?? configuration.port))
        // Once the port answers, build what /openapi.json and /docs serve.
        store.served.warmInBackground()
      },
      logger: configuration.logger
    )
    var groupConfiguration = ServiceGroupConfiguration(services: [.init(service: app)], logger: configuration.logger)
    groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownTimeout
    groupConfiguration.maximumCancellationDuration = .seconds(5)
    let group = ServiceGroup(configuration: groupConfiguration)
    let task = _Concurrency.Task {
      do {
        try await group.run()
        bound.resolve(
          .failure(
            ServerError.couldNotStart(
              host: configuration.host, port: configuration.port, "the server stopped before it started")))
      } catch {
        bound.resolve(
          .failure(ServerError.couldNotStart(host: configuration.host, port: configuration.port, error)))
      }
    }
    let port: Int
    do {
      port = try await bound.value()
    } catch {
      await task.value
      throw error
    }
    return Running(
      group: group, task: task, address: ServerAddress(host: configuration.host, port: port),
      startedAt: .now)
  }
}

/// Resolves once: with the bound port, or with why binding failed.
private final class BindSignal: Sendable {
  private let state = Mutex<(result: Result<Int, ServerError>?, waiter: CheckedContinuation<Int, any Error>?)>(
    (nil, nil))

  func resolve(_ result: Result<Int, ServerError>) {
    let waiter: CheckedContinuation<Int, any Error>? = state.withLock { s in
      guard s.result == nil else { return nil }
      s.result = result
      let w = s.waiter
      s.waiter = nil
      return w
    }
    waiter?.resume(with: result.mapError { $0 as any Error })
  }

  func value() async throws(ServerError) -> Int {
    do {
      return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
        let ready: Result<Int, ServerError>? = state.withLock { s in
          if let r = s.result { return r }
          s.waiter = continuation
          return nil
        }
        if let ready { continuation.resume(with: ready.mapError { $0 as any Error }) }
      }
    } catch let error as ServerError {
      throw error
    } catch {
      throw ServerError.couldNotStart(host: "", port: 0, "\(error)")
    }
  }
}

extension TimeAmount {
  init(_ duration: Duration) {
    self = .nanoseconds(duration.nanoseconds)
  }
}
