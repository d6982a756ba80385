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
  /// Arrays of at most this many bytes are written on the stack and then copied into their
  /// storage (`init(stackFilled:)`).
  @usableFromInline static var stackFilledBytes: Int { 1024 }

  /// A new array of `count` elements that `body` writes (all of them) into a buffer on the
  /// stack, then copied into storage allocated for exactly them.
  ///
  /// An array made from a buffer is allocated through a function specialized where it is
  /// called, with no look-up of the storage class's metadata, and is copied with memcpy.
  /// Appending element by element (what `map` does, and the generic `init(filled:count:)`) costs ~20
  /// instructions per element for the capacity and uniqueness checks: under callgrind, 64
  /// floats cost ~1,200 instructions that way against ~550 this way, 256 ~3,400 against ~830.
  @inline(__always)
  init(stackFilled count: Int, _ body: (UnsafeMutableBufferPointer<Element>) -> Void) {
    self = withUnsafeTemporaryAllocation(of: Element.self, capacity: count) { buffer in
      body(buffer)
      return Array(UnsafeBufferPointer(buffer))
    }
  }

  /// `count` copies of `value` (see `Array.init(filled:count:)`): small arrays through a
  /// buffer on the stack (`init(stackFilled:)`), large ones by the standard library's fill.
  @inline(__always)
  init(filled value: Element, count: Int) {
    guard count * MemoryLayout<Element>.stride <= Self.stackFilledBytes else {
      self.init(repeating: value, count: count)
      return
    }
    self.init(stackFilled: count) { $0.initialize(repeating: value) }
  }

  /// `init(unsafeUninitializedCapacity:initializingWith:)` for the arrays a kernel computes
  /// per run, `body` setting all `count` elements.
  ///
  /// That initializer allocates through the same unspecialized function of the standard
  /// library as `init(repeating:count:)` (about 500 instructions per array under callgrind,
  /// a twentieth of a one-row MLP's run). A small array is instead written on the stack
  /// (`init(stackFilled:)`), from `zero`.
  @inline(__always)
  init(
    uninitializedCount count: Int, zero: Element,
    initializingWith body: (inout UnsafeMutableBufferPointer<Element>, inout Int) -> Void
  ) {
    guard count * MemoryLayout<Element>.stride <= Self.stackFilledBytes else {
      self.init(unsafeUninitializedCapacity: count, initializingWith: body)
      return
    }
    self.init(stackFilled: count) { buffer in
      buffer.initialize(repeating: zero)
      var buffer = buffer
      var initialized = count
      body(&buffer, &initialized)
    }
  }

  /// `source.map(transform)` for the arrays a kernel computes per run (`init(stackFilled:)`
  /// for small ones).
  @inline(__always)
  init<Source>(mapping source: [Source], _ transform: (Source) -> Element) {
    let count = source.count
    func fill(_ out: UnsafeMutableBufferPointer<Element>) {
      source.withUnsafeBufferPointer { source in
        for i in source.indices { out.initializeElement(at: i, to: transform(source[i])) }
      }
    }
    guard count * MemoryLayout<Element>.stride <= Self.stackFilledBytes else {
      self.init(unsafeUninitializedCapacity: count) { out, initialized in
        fill(out)
        initialized = count
      }
      return
    }
    self.init(stackFilled: count, fill)
  }
}
