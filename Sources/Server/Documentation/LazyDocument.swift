import Synchronization

/// A document built on first use, once: the first caller builds it, concurrent callers wait
/// for that build, later callers get the bytes.
///
/// The OpenAPI document and the /docs page take tens of milliseconds to build (OpenAPIKit
/// through `JSONEncoder`), more than the rest of starting the server; building them lazily
/// (and in the background once the port is bound, see `ServedModel.warm()`) keeps them out
/// of the time to the first answer.
final class LazyDocument: Sendable {
  private let bytes = Mutex<[UInt8]?>(nil)
  private let build: @Sendable () -> [UInt8]

  init(_ build: @escaping @Sendable () -> [UInt8]) {
    self.build = build
  }

  /// The document, built now if no one has asked before.
  var value: [UInt8] {
    bytes.withLock { bytes in
      if let bytes { return bytes }
      let built = build()
      bytes = built
      return built
    }
  }
}
