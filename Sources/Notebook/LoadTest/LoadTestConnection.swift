internal import NIOCore
internal import NIOPosix
internal import NIOSSL

#if canImport(Glibc)
  internal import Glibc
#endif

/// One connection of a load test: connects, sends a request, reads the answer,
/// records it and sends the next, reconnecting when the server closes or fails.
///
/// Everything here runs on `loop`; the class is `Sendable` only so that the engine
/// can hand it to its loop (`loop.execute`), and every method asserts that it is
/// there.
final class LoadTestConnection: @unchecked Sendable {
  /// When requests may go and how long they may take; the same for every connection.
  struct Schedule: Sendable {
    var start: NIODeadline
    /// No request is sent at or after this.
    var deadline: NIODeadline
    /// Requests in all, over every connection.
    var limit: Int
    /// Requests per second in all, for an open loop.
    var rate: Double?
    var requestTimeout: TimeAmount

    /// When request `index` is due in an open loop.
    func due(_ index: Int) -> NIODeadline? {
      guard let rate else { return nil }
      // Capped at a day so that a tiny rate cannot overflow; the deadline comes first anyway.
      return start + .nanoseconds(Int64((min(Double(index) / rate, 86_400) * 1e9).rounded()))
    }
  }

  /// The request being answered.
  private struct InFlight {
    /// When it was sent (closed loop) or due (open loop): latency counts from here.
    var sent: NIODeadline
  }

  let loop: any EventLoop
  /// Succeeds when this connection has sent its last request and reported its counts.
  let finished: EventLoopFuture<Void>
  private let promise: EventLoopPromise<Void>
  private let target: LoadTestTarget
  private let schedule: Schedule
  /// The index of the next request to send, or `nil` when the test is stopping.
  private let claim: @Sendable () -> Int?
  /// Adds a batch of counts to the engine's tally.
  private let report: @Sendable (LoadTestTally) -> Void

  private var channel: (any Channel)?
  private var connecting = false
  private var inFlight: InFlight?
  /// An open-loop request waiting for its due time.
  private var waiting: Scheduled<Void>?
  private var ticker: RepeatedTask?
  private var done = false
  /// Counts not yet reported, and when they last were.
  private var batch = LoadTestTally()
  private var batched = 0
  private var lastReport: NIODeadline

  init(
    loop: any EventLoop, target: LoadTestTarget, schedule: Schedule, claim: @escaping @Sendable () -> Int?,
    report: @escaping @Sendable (LoadTestTally) -> Void
  ) {
    self.loop = loop
    self.target = target
    self.schedule = schedule
    self.claim = claim
    self.report = report
    promise = loop.makePromise(of: Void.self)
    finished = promise.futureResult
    lastReport = schedule.start
  }

  /// Starts sending.
  func begin() {
    loop.preconditionInEventLoop()
    guard !done else { return }
    // Four times a second: report counts for the live display, and time out a request
    // that has waited too long (a quarter second is fine-grained enough for a timeout).
    ticker = loop.scheduleRepeatedTask(initialDelay: .milliseconds(250), delay: .milliseconds(250)) { [self] _ in
      tick()
    }
    next()
  }

  /// Sends no more: reports the counts and closes the connection. A request in flight is
  /// neither waited for nor counted.
  func finish() {
    loop.preconditionInEventLoop()
    guard !done else { return }
    done = true
    inFlight = nil
    waiting?.cancel()
    ticker?.cancel()
    if let channel { drop(channel) }
    report(batch)
    batch = LoadTestTally()
    promise.succeed(())
  }

  /// Claims the next request and sends it when it is due, or finishes.
  private func next() {
    guard !done else { return }
    guard let index = claim(), index < schedule.limit else { return finish() }
    if let due = schedule.due(index) {
      guard due < schedule.deadline else { return finish() }
      if due > .now() {
        waiting = loop.scheduleTask(deadline: due) { [self] in
          waiting = nil
          send(from: due)
        }
        return
      }
      send(from: due)
    } else {
      let now = NIODeadline.now()
      guard now < schedule.deadline else { return finish() }
      send(from: now)
    }
  }

  /// Sends one request, connecting first when there is no connection.
  private func send(from sent: NIODeadline) {
    guard !done else { return }
    inFlight = InFlight(sent: sent)
    // A connection closing under us is forgotten now, so that its end is not taken for this request's.
    if let stale = channel, !stale.isActive { drop(stale) }
    guard let channel else { return connect() }
    channel.writeAndFlush(target.bytes, promise: nil)
  }

  private func connect() {
    guard !connecting else { return }
    connecting = true
    let target = target
    let bootstrap = ClientBootstrap(group: loop)
      .connectTimeout(.seconds(5))
      .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
      .channelInitializer { [self] channel in
        channel.eventLoop.makeCompletedFuture(withResultOf: {
          if let tls = target.tls {
            let context = try tls.get()
            try channel.pipeline.syncOperations.addHandler(
              try NIOSSLClientHandler(context: context, serverHostname: target.serverHostname))
          }
          try channel.pipeline.syncOperations.addHandler(LoadTestResponseHandler(connection: self))
        })
      }
    bootstrap.connect(host: target.host, port: target.port).whenComplete { [self] outcome in
      connecting = false
      switch outcome {
      case .success(let opened):
        guard !done else { return opened.close(promise: nil) }
        channel = opened
        if let request = inFlight { send(from: request.sent) }
      case .failure:
        guard !done, inFlight != nil else { return }
        inFlight = nil
        record(.failure(.connect))
        // Nothing listens: count it, and do not spin on a refused port.
        loop.scheduleTask(in: .milliseconds(10)) { [self] in next() }
      }
    }
  }

  /// A whole answer arrived on `from`.
  func answered(_ response: LoadTestResponseParser.Response, on from: any Channel) {
    guard from === channel, let request = inFlight else { return }
    inFlight = nil
    let now = NIODeadline.now()
    let microseconds = UInt64(max(0, (now - request.sent).nanoseconds / 1000))
    record(.response(status: response.status, microseconds: microseconds, bytes: response.bodyBytes), at: now)
    if !response.keepAlive { drop(from) }
    next()
  }

  /// `from` closed or failed; a request on it gets no answer.
  func lost(_ from: any Channel, _ kind: LoadTestErrorKind) {
    guard from === channel else { return }
    drop(from)
    guard inFlight != nil else { return }
    inFlight = nil
    record(.failure(kind))
    next()
  }

  /// Closes `connection`; forgotten first, since closing may report it lost at once.
  private func drop(_ connection: any Channel) {
    if connection === channel { channel = nil }
    connection.close(promise: nil)
  }

  private func tick() {
    guard !done else { return }
    let now = NIODeadline.now()
    if let request = inFlight, !connecting, now - request.sent > schedule.requestTimeout {
      inFlight = nil
      if let channel { drop(channel) }
      record(.failure(.timeout), at: now)
      next()
    }
    if batched > 0 { flush(at: now) }
  }

  /// Counts `outcome`, which completed at `now`.
  private func record(_ outcome: RequestOutcome, at now: NIODeadline = .now()) {
    batch.record(outcome, second: Int((now - schedule.start).nanoseconds / 1_000_000_000))
    batched += 1
    // Reported a few times a second (here and in `tick`), never per request: a fresh tally
    // costs a histogram, and the engine's lock is shared by every connection.
    if now - lastReport > .milliseconds(250) { flush(at: now) }
  }

  private func flush(at now: NIODeadline) {
    report(batch)
    batch = LoadTestTally()
    batched = 0
    lastReport = now
  }
}

/// The load-test connection's handler: reads answers off the bytes and hands them, and
/// losses, to its connection.
final class LoadTestResponseHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer

  private let connection: LoadTestConnection
  private var parser = LoadTestResponseParser()
  /// Answers read but not yet handed over: they are handed over after the parser is done,
  /// since handing one over may close the channel, which needs the parser again.
  private var answers: [LoadTestResponseParser.Response] = []
  /// The kind of failure to record when the channel closes: set by `errorCaught`.
  private var failure = LoadTestErrorKind.closed

  init(connection: LoadTestConnection) {
    self.connection = connection
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let channel = context.channel
    var malformed = false
    do {
      try parser.read(unwrapInboundIn(data)) { answers.append($0) }
    } catch {
      malformed = true
    }
    for answer in answers { connection.answered(answer, on: channel) }
    answers.removeAll(keepingCapacity: true)
    if malformed {
      // Not HTTP: the request gets no answer, and the connection cannot be trusted.
      failure = .other
      context.close(promise: nil)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    let channel = context.channel
    parser.closed { connection.answered($0, on: channel) }
    connection.lost(channel, failure)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if let io = error as? IOError, [ECONNRESET, EPIPE].contains(io.errnoCode) {
      failure = .closed
    } else {
      failure = .other
    }
    context.close(promise: nil)
  }
}
