import Synchronization

/// What a kernel works out from its inputs' shapes alone (a convolution's window geometry,
/// its output's shape), kept for the last shapes it saw: a run on the same shapes as the run
/// before, as every one-row request is, skips that work and its arrays.
///
/// One entry, behind a lock: concurrent runs on different shapes each compute their own and
/// the last one stays; every run gets the value for its own shapes.
final class ShapeCache<Key: Equatable & Sendable, Value: Sendable>: Sendable {
  private let last = Mutex<(key: Key, value: Value)?>(nil)

  init() {}

  /// The value for `key`: the kept one when `key` is the last key seen, else `make()`'s,
  /// which is then kept (a thrown error is not).
  func value(for key: Key, _ make: () throws(ModelError) -> Value) throws(ModelError) -> Value {
    let kept = last.withLock { (entry) -> Value? in
      guard let entry, entry.key == key else { return nil }
      return entry.value
    }
    if let kept { return kept }
    let value = try make()
    last.withLock { $0 = (key, value) }
    return value
  }
}
