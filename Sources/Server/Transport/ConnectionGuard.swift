import NIOCore
import NIOHTTP1

/// Enforces HTTP/1.1's connection rules (RFC 9112 §6, §9) between NIO's HTTP/1 decoder and
/// Hummingbird, the one place where a request's version and raw framing headers are still seen.
///
/// - Framing that could be read two ways (`RequestFraming`) is answered 400 and the
///   connection closed; the request never reaches the routes.
/// - A request that does not keep the connection alive (HTTP/1.0 without
///   `Connection: keep-alive`, or `Connection: close` in any case) is marked `Connection: close`,
///   the form Hummingbird checks, so its answer is the last one and the connection then closes.
/// - After an answer that closes the connection nothing more is written: Hummingbird would
///   otherwise follow a 413 with a 400 for the body it never read. The write side is shut at
///   once, so the client sees the answer end; what the client still sends is read and dropped
///   for a moment (a lingering close) so that closing does not reset the answer away.
/// - A body still incomplete `bodyTimeout` after its head is answered 408, and the connection closed.
/// - An idle connection closed from this side (a drain, the idle timeout) still answers a
///   request already on its way, with `Connection: close`, then closes the same lingering way:
///   never a reset under a request the client has just sent.
///
/// One instance per connection; every method runs on the connection's event loop.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias InboundOut = HTTPServerRequestPart
  typealias OutboundIn = HTTPServerResponsePart
  typealias OutboundOut = HTTPServerResponsePart

  /// How long the request body may take, from its head to its end.
  let bodyTimeout: TimeAmount
  /// How long to keep reading and dropping input after the last answer before closing.
  let lingerTimeout: TimeAmount

  /// What the answer to each request passed on, but not yet answered, needs to know.
  private struct Pending {
    var isHTTP10: Bool
    var keepAlive: Bool
  }

  private var pending = CircularBuffer<Pending>()
  /// The connection ends after the answers owed: a request, or the client, said so.
  private var closeAfterPending = false
  /// Input is dropped instead of passed on: no more requests will be answered.
  private var droppingInput = false
  /// The answer being written ends the connection.
  private var answerCloses = false
  /// An answer's head has been written but not its end.
  private var answering = false
  /// The last answer has been written; anything written after it is refused.
  private var finished = false
  private var outputShut = false
  private var inputClosed = false
  /// When the body being read must be complete; nil when no body is under way.
  private var bodyDeadline: NIODeadline?
  /// At most one timer per connection, not one per request: when it fires it checks the
  /// deadline of the body under way then, if any, and is set again for it.
  private var bodyTimer: Scheduled<Void>?
  private var lingerTimer: Scheduled<Void>?
  /// Set when an idle connection is closed from this side: the end of its grace.
  private var idleCloseTimer: Scheduled<Void>?
  /// How long an idle connection closed from this side still takes one last request.
  let idleCloseGrace: TimeAmount = .milliseconds(250)

  /// Creates the guard for one connection.
  /// - Parameters:
  ///   - bodyTimeout: the time a request body may take to arrive.
  ///   - lingerTimeout: how long input is drained after the last answer.
  init(bodyTimeout: TimeAmount, lingerTimeout: TimeAmount = .seconds(2)) {
    self.bodyTimeout = bodyTimeout
    self.lingerTimeout = lingerTimeout
  }

  // MARK: Inbound

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard !droppingInput else { return }
    switch unwrapInboundIn(data) {
    case .head(var head):
      if let problem = RequestFraming.problem(in: head) {
        droppingInput = true
        if pending.isEmpty {
          answerAndClose(context: context, status: .badRequest, detail: problem)
        } else {
          // Pipelined behind requests still being answered: close after them, unanswered.
          closeAfterPending = true
        }
        return
      }
      let keepAlive = head.isKeepAlive
      pending.append(Pending(isHTTP10: head.version.major == 1 && head.version.minor == 0, keepAlive: keepAlive))
      if RequestFraming.hasBody(head) { startBodyTimer(context: context) }
      if keepAlive {
        // Unchanged: passed on as it came, without wrapping the head again.
        context.fireChannelRead(data)
      } else {
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        closeAfterPending = true
        context.fireChannelRead(wrapInboundOut(.head(head)))
      }
    case .body:
      context.fireChannelRead(data)
    case .end:
      bodyDeadline = nil
      context.fireChannelRead(data)
      // Whatever follows a request that ends the connection is not a request to answer.
      if closeAfterPending { droppingInput = true }
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    if finished {
      // Hummingbird no longer asks for reads; keep draining until the client closes or the linger ends.
      context.read()
    } else {
      context.fireChannelReadComplete()
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    // A parse error in what follows the last answer concerns no one: it would only produce a stray 400.
    guard !droppingInput else { return }
    context.fireErrorCaught(error)
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let event = event as? ChannelEvent, event == .inputClosed {
      inputClosed = true
      if finished {
        context.close(promise: nil)
        return
      }
      closeAfterPending = true
    }
    context.fireUserInboundEventTriggered(event)
  }

  func channelInactive(context: ChannelHandlerContext) {
    cancelTimers()
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    cancelTimers()
  }

  // MARK: Outbound

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    guard !finished else {
      promise?.fail(ChannelError.outputClosed)
      return
    }
    switch unwrapOutboundIn(data) {
    case .head(var head):
      answering = true
      let request = pending.first
      let lastOwed = pending.count <= 1 && closeAfterPending
      let saysClose =
        head.headers.contains(name: "Connection")
        && head.headers["Connection"].contains { $0.lowercased().contains("close") }
      answerCloses = lastOwed || saysClose
      if answerCloses, !saysClose {
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: promise)
      } else if !answerCloses, let request, request.isHTTP10, request.keepAlive {
        // HTTP/1.0 clients keep the connection only when the answer says so.
        head.headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        context.write(wrapOutboundOut(.head(head)), promise: promise)
      } else {
        context.write(data, promise: promise)
      }
    case .body:
      context.write(data, promise: promise)
    case .end:
      answering = false
      if !pending.isEmpty { pending.removeFirst() }
      guard answerCloses else {
        context.write(data, promise: promise)
        return
      }
      finish(context: context, last: data, promise: promise)
    }
  }

  func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
    switch mode {
    case .input:
      // The routes stop reading a body they refused (413, 408) this way. Shutting the socket's
      // read side would make the final close reset the answer away while the client still sends,
      // so the rest is dropped here instead, and read until the lingering close ends.
      droppingInput = true
      closeAfterPending = true
      bodyDeadline = nil
      promise?.succeed(())
    case .output where outputShut:
      promise?.succeed(())
    case .all where !finished && pending.isEmpty && !answering && context.channel.isActive:
      // An idle keep-alive connection closed from this side (a drain, the idle timeout). A
      // request the client sent just before may be on its way: for `idleCloseGrace` one more
      // request is answered, with `Connection: close`; then the write side is shut and anything
      // later read and dropped. Either way the close never resets the connection.
      if let promise { context.channel.closeFuture.cascade(to: promise) }
      guard idleCloseTimer == nil else { return }
      closeAfterPending = true
      idleCloseTimer = context.eventLoop.assumeIsolated().scheduleTask(in: idleCloseGrace) {
        guard !self.finished, self.pending.isEmpty, !self.answering else { return }
        self.finished = true
        self.droppingInput = true
        self.lingeringClose(context: context)
      }
    default:
      cancelTimers()
      context.close(mode: mode, promise: promise)
    }
  }

  // MARK: Closing

  /// Writes the last answer's end, then shuts the write side and lingers.
  private func finish(context: ChannelHandlerContext, last: NIOAny, promise: EventLoopPromise<Void>?) {
    finished = true
    droppingInput = true
    bodyDeadline = nil
    let written = context.eventLoop.makePromise(of: Void.self)
    if let promise { written.futureResult.cascade(to: promise) }
    context.writeAndFlush(last, promise: written)
    written.futureResult.assumeIsolated().whenComplete { _ in
      self.lingeringClose(context: context)
    }
  }

  /// Answers with a JSON `detail` and `Connection: close`, from here: the routes never see the request.
  /// - Parameter detail: one of this target's fixed messages, which hold no quote or backslash.
  private func answerAndClose(context: ChannelHandlerContext, status: HTTPResponseStatus, detail: String) {
    var body = context.channel.allocator.buffer(capacity: detail.utf8.count + 16)
    body.writeString(#"{"detail":""# + detail + #""}"#)
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "application/json")
    headers.add(name: "Content-Length", value: String(body.readableBytes))
    headers.add(name: "Connection", value: "close")
    let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
    context.write(wrapOutboundOut(.head(head)), promise: nil)
    context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
    finish(context: context, last: wrapOutboundOut(.end(nil)), promise: nil)
  }

  /// Shuts the write side, so the client sees the answer end, and closes when the client does
  /// or the linger time is up.
  private func lingeringClose(context: ChannelHandlerContext) {
    guard context.channel.isActive else { return }
    if inputClosed {
      context.close(promise: nil)
      return
    }
    outputShut = true
    context.close(mode: .output, promise: nil)
    lingerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: lingerTimeout) {
      context.close(promise: nil)
    }
    context.read()
  }

  private func startBodyTimer(context: ChannelHandlerContext) {
    let deadline = NIODeadline.now() + bodyTimeout
    bodyDeadline = deadline
    if bodyTimer == nil { scheduleBodyTimer(at: deadline, context: context) }
  }

  private func scheduleBodyTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
    bodyTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
      self.bodyTimer = nil
      guard let current = self.bodyDeadline else { return }
      if current > .now() {
        // A later body than the one the timer was set for: wait for its deadline.
        self.scheduleBodyTimer(at: current, context: context)
      } else {
        self.bodyTimedOut(context: context)
      }
    }
  }

  private func bodyTimedOut(context: ChannelHandlerContext) {
    bodyDeadline = nil
    guard !finished else { return }
    droppingInput = true
    closeAfterPending = true
    if answering {
      // The answer under way is the last one; the connection closes after it.
      answerCloses = true
    } else if pending.count == 1 {
      // The request whose body is late is the only one unanswered.
      answerAndClose(context: context, status: .requestTimeout, detail: "The request body took too long to arrive")
    } else if pending.isEmpty {
      // Answered before its body was read (401, 413), and the rest is still trickling in.
      finished = true
      lingeringClose(context: context)
    } else {
      // Earlier pipelined requests are still owed answers: there is no clean place for a 408.
      context.close(promise: nil)
    }
  }

  private func cancelTimers() {
    bodyTimer?.cancel()
    bodyTimer = nil
    idleCloseTimer?.cancel()
    idleCloseTimer = nil
    lingerTimer?.cancel()
    lingerTimer = nil
  }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
