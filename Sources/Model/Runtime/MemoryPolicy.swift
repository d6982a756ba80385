#if canImport(Glibc)
  import Glibc
#endif

/// How the process's allocator treats the large buffers a batch allocates and frees on every
/// run: a choice for the program that owns the process, never made by loading a model.
///
/// glibc hands out buffers above its mmap threshold (dynamic, from 128 KiB) as fresh pages,
/// and returns freed memory at the top of its heap to the system beyond the trim threshold:
/// a 10,000-row batch whose intermediates are megabytes then page-faults its way through
/// every run. Like onnxruntime's arena, `keepBatchBuffers()` keeps such memory for the next
/// run instead: buffers up to 32 MiB come from the heap, and up to 256 MiB of freed heap
/// stays mapped. A process that ran a large batch keeps that much resident; one that serves
/// single rows never grows its heap that far.
public enum MemoryPolicy {
  /// Sets glibc's mmap threshold to 32 MiB and its trim threshold to 256 MiB, for the whole
  /// process; calling it again does nothing.
  /// - Returns: whether the allocator took the settings (false off glibc).
  @discardableResult
  public static func keepBatchBuffers() -> Bool { applied }

  private static let applied: Bool = {
    #if canImport(Glibc)
      // malloc.h is not part of the Glibc module: mallopt is looked up by name (RTLD_DEFAULT
      // is the null handle), its parameters are malloc.h's M_TRIM_THRESHOLD (-1) and
      // M_MMAP_THRESHOLD (-3). The mmap threshold's ceiling on 64-bit glibc is 32 MiB.
      typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
      guard let symbol = dlsym(nil, "mallopt") else { return false }
      let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
      return mallopt(-3, 32 << 20) == 1 && mallopt(-1, 256 << 20) == 1
    #else
      return false
    #endif
  }()
}
