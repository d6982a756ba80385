import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 connection with a `ConnectionGuard` placed right after NIO's decoder.
///
/// `HTTP1Channel.Configuration.additionalChannelHandlers` go after the conversion to
/// swift-http-types, which drops the request's HTTP version; keep-alive and framing rules
/// need it, so the guard is inserted in front of that conversion instead.
struct GuardedHTTP1Channel: ServerChildChannel {
  typealias Value = HTTP1Channel.Value

  let base: HTTP1Channel
  let bodyTimeout: TimeAmount

  func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
    let bodyTimeout = self.bodyTimeout
    return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
      let pipeline = channel.pipeline.syncOperations
      let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
      try pipeline.addHandler(ConnectionGuard(bodyTimeout: bodyTimeout), position: .after(decoder))
      return value
    }
  }

  func handle(value: Value, logger: Logger) async {
    await base.handle(value: value, logger: logger)
  }
}

extension HTTPServerBuilder {
  /// An HTTP/1 server whose connections follow `ConnectionGuard`'s rules.
  /// - Parameters:
  ///   - idleTimeout: how long a connection may sit idle, or a client take to send its headers.
  ///   - bodyTimeout: how long a request body may take to arrive.
  static func guardedHTTP1(idleTimeout: TimeAmount, bodyTimeout: TimeAmount) -> HTTPServerBuilder {
    HTTPServerBuilder { responder in
      GuardedHTTP1Channel(
        base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout)),
        bodyTimeout: bodyTimeout)
    }
  }
}
