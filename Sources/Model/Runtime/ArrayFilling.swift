extension Array {
  /// `count` copies of `value`: what `init(repeating:count:)` makes, for the arrays a kernel
  /// computes per run.
  ///
  /// On Linux, `init(repeating:count:)` allocates through a function of the standard library
  /// that is not specialized for `Element`, and it looks up the storage class's generic
  /// metadata in the runtime's tables on every call: about 300 instructions, more than a
  /// one-row linear model's arithmetic. Growing an empty array is specialized where it is
  /// called and skips that look-up. Large arrays keep the standard library's vectorized fill.
  @inline(__always)
  init(filled value: Element, count: Int) {
    guard count <= 512 else {
      self.init(repeating: value, count: count)
      return
    }
    self.init()
    reserveCapacity(count)
    for _ in 0..<count { append(value) }
  }
}
