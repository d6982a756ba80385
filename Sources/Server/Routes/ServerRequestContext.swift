import Hummingbird
import NIOCore

/// Hummingbird's per-request storage, the connection the request came on, and its route.
///
/// The connection is kept so that an answer which ends it (408, 413: the rest of the body
/// will not be read) can stop reading at once; Hummingbird otherwise drains the whole body
/// of a slow or oversized upload before it closes. The route is resolved once, by
/// `RoutingResponder`, for every responder after it.
struct ServerRequestContext: RequestContext {
  var coreContext: CoreRequestContextStorage
  let channel: any Channel
  /// The endpoint the path names; `.unmatched` until `RoutingResponder` sets it.
  var route: Route = .unmatched

  init(source: ApplicationRequestContextSource) {
    coreContext = CoreRequestContextStorage(source: source)
    channel = source.channel
  }
}
