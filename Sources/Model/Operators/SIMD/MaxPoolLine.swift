/// `maxPooled` without indices for Float over one spatial axis, each window's maximum kept in
/// a register: from the lowest finite value, each tap in kernel order replaces it when
/// greater, as `maxPooled` compares them, so ties and NaNs come out the same. Windows whose
/// every tap is inside the input go eight at a time (the last block of eight ending where
/// they end, recomputing a few), the few at the edges one at a time.
func maxPooledLine(_ x: [Float], planes: Int, _ layout: PoolLayout) -> [Float] {
  [Float](uninitializedCount: layout.outCount, zero: 0) { y, initialized in
    x.withUnsafeBufferPointer { x in
      guard let yp = y.baseAddress, let xp = x.baseAddress else { return }
      maxPoolLine(xp, count: x.count, planes: planes, layout.geometry, into: yp)
    }
    initialized = layout.outCount
  }
}

/// `maxPooledLine` from the `count` values at `xp` into `yp`, which has room for the output.
func maxPoolLine(
  _ xp: UnsafePointer<Float>, count: Int, planes: Int, _ g: WindowGeometry, into yp: UnsafeMutablePointer<Float>
) {
  typealias V = SIMD8<Float>
  let (inPlane, outPlane, k) = (g.input[0], g.output[0], g.kernel[0])
  let (step, dilation, begin) = (g.steps[0], g.dilations[0], g.begins[0])
  // Position o's tap j reads o·step - begin + j·dilation: every tap inside for lo <= o < hi.
  let last = inPlane - 1 + begin - (k - 1) * dilation
  let hi = last < 0 ? 0 : min(outPlane, last / step + 1)
  let lo = min(hi, max(0, (begin + step - 1) / step))
  let end = xp + count
  @inline(__always) func pool(_ load: (UnsafePointer<Float>) -> V) {
    for plane in 0..<planes {
      let line = xp + plane * inPlane
      let out = yp + plane * outPlane
      @inline(__always) func one(_ o: Int) {
        var best = -Float.greatestFiniteMagnitude
        for j in 0..<k {
          let at = o * step - begin + j * dilation
          guard at >= 0, at < inPlane else { continue }
          let v = line[at]
          best = v > best ? v : best
        }
        out[o] = best
      }
      var o = 0
      if hi - lo >= 8 {
        while o < lo {
          one(o)
          o += 1
        }
        while o < hi {
          let at = min(o, hi - 8)
          var best = V(repeating: -.greatestFiniteMagnitude)
          var p = line + (at * step - begin)
          for _ in 0..<k {
            let v = load(p)
            best.replace(with: v, where: v .> best)
            p += dilation
          }
          UnsafeMutableRawPointer(out + at).storeBytes(of: best, as: V.self)
          o = at + 8
        }
      }
      while o < outPlane {
        one(o)
        o += 1
      }
    }
  }
  switch step {
  case 1: pool { UnsafeRawPointer($0).loadUnaligned(as: V.self) }
  case 2:
    pool { $0 + 16 <= end ? UnsafeRawPointer($0).loadUnaligned(as: SIMD16<Float>.self).evenHalf : gathered($0, 2) }
  default: pool { gathered($0, step) }
  }
}
