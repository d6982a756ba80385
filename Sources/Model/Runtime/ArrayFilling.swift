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

extension Array where Element: BitwiseCopyable {
  /// `init(unsafeUninitializedCapacity:initializingWith:)` for the arrays a kernel computes
  /// per run, `body` setting all `count` elements.
  ///
  /// That initializer allocates through the same unspecialized function of the standard
  /// library as `init(repeating:count:)` (about 500 instructions per array under callgrind,
  /// a twentieth of a one-row MLP's run). A small array is instead made with
  /// `init(filled:count:)` from `zero` and then written.
  @inline(__always)
  init(
    uninitializedCount count: Int, zero: Element,
    initializingWith body: (inout UnsafeMutableBufferPointer<Element>, inout Int) -> Void
  ) {
    guard count <= 32 else {
      self.init(unsafeUninitializedCapacity: count, initializingWith: body)
      return
    }
    self.init(filled: zero, count: count)
    withUnsafeMutableBufferPointer { buffer in
      var initialized = count
      body(&buffer, &initialized)
    }
  }
}
