import Hummingbird
import NIOCore

extension ServerResponder {
  /// Reads the whole body, enforcing the size limit and the time allowed to send it.
  func readBody(_ request: inout Request) async throws(RequestBodyError) -> [UInt8] {
    let limit = configuration.maxBodyBytes
    let declared = request.headers[.contentLength].flatMap { Int($0) }
    if let declared, declared > limit { throw .tooLarge(limit: limit) }
    let deadline = ContinuousClock.now.advanced(by: configuration.bodyTimeout)
    var bytes: [UInt8] = []
    do {
      for try await buffer in request.body {
        guard bytes.count + buffer.readableBytes <= limit else { throw RequestBodyError.tooLarge(limit: limit) }
        bytes.append(contentsOf: buffer.readableBytesView)
        if ContinuousClock.now > deadline { throw RequestBodyError.timedOut }
      }
    } catch let error as RequestBodyError {
      throw error
    } catch {
      throw .unreadable
    }
    // The body stream also ends when the connection stops delivering (the transport answered
    // 408 for a late body, or the client went away): a short body is not a request to answer.
    if let declared, bytes.count < declared {
      throw ContinuousClock.now > deadline ? .timedOut : .unreadable
    }
    return bytes
  }
}
