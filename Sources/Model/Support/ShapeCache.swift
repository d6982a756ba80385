import Synchronization

/// What a kernel works out from its inputs' shapes alone (a convolution's window geometry,
/// its output's shape), kept for the last shapes it saw: a run on the same shapes as the run
/// before, as every one-row request is, skips that work and its arrays.
///
/// One entry, behind a lock: concurrent runs on different shapes each compute their own and
/// the last one stays; every run gets the value for its own shapes.
final class ShapeCache<Key: Equatable & Sendable, Value: Sendable>: Sendable {
  /// The last key and its value. A class, so that the lock is held only to copy one
  /// reference: the pair itself was copied inside the lock through the runtime's generic
  /// value witnesses, some 350 instructions a look-up for a convolution's layout.
  private final class Entry: Sendable {
    let key: Key
    let value: Value

    init(key: Key, value: Value) {
      self.key = key
      self.value = value
    }
  }

  private let last = Mutex<Entry?>(nil)

  init() {}

  /// The value for `key`: the kept one when `key` is the last key seen, else `make()`'s,
  /// which is then kept (a thrown error is not).
  func value(for key: Key, _ make: () throws(ModelError) -> Value) throws(ModelError) -> Value {
    if let entry = last.withLock({ $0 }), entry.key == key { return entry.value }
    let value = try make()
    let entry = Entry(key: key, value: value)
    last.withLock { $0 = entry }
    return value
  }
}
