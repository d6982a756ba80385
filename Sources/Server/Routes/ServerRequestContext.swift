import Hummingbird
import NIOCore

/// Hummingbird's per-request storage plus the connection the request came on.
///
/// The connection is kept so that an answer which ends it (408, 413: the rest of the body
/// will not be read) can stop reading at once; Hummingbird otherwise drains the whole body
/// of a slow or oversized upload before it closes.
struct ServerRequestContext: RequestContext {
  var coreContext: CoreRequestContextStorage
  let channel: any Channel

  init(source: ApplicationRequestContextSource) {
    coreContext = CoreRequestContextStorage(source: source)
    channel = source.channel
  }
}
