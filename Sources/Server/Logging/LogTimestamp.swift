#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The time of a log line, `2026-01-31T12:34:56.789` in UTC, formatted by hand.
///
/// Every access-log line carries one, so it is on the hot path of every request: Foundation's
/// ISO 8601 format style takes microseconds and allocates; this takes one `gmtime_r`.
enum LogTimestamp {
  /// The current time, to the millisecond.
  static func now() -> String {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    var seconds = spec.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    let millis = Int(spec.tv_nsec / 1_000_000)
    return String(unsafeUninitializedCapacity: 23) { buffer in
      var i = 0
      func put(_ value: Int, digits: Int) {
        var v = value
        var d = digits
        while d > 0 {
          d -= 1
          buffer[i + d] = UInt8(ascii: "0") + UInt8(v % 10)
          v /= 10
        }
        i += digits
      }
      func put(_ ascii: Unicode.Scalar) {
        buffer[i] = UInt8(ascii: ascii)
        i += 1
      }
      put(Int(parts.tm_year) + 1900, digits: 4)
      put("-")
      put(Int(parts.tm_mon) + 1, digits: 2)
      put("-")
      put(Int(parts.tm_mday), digits: 2)
      put("T")
      put(Int(parts.tm_hour), digits: 2)
      put(":")
      put(Int(parts.tm_min), digits: 2)
      put(":")
      put(Int(parts.tm_sec), digits: 2)
      put(".")
      put(millis, digits: 3)
      return i
    }
  }
}
