/// `convolve` for Float over one spatial axis with finite weights, each output element kept
/// in a register from its first product to its store, eight positions at a time: nil when
/// the convolution is not of that kind.
///
/// Each item's input lines are first copied into a zeroed line with the padding in place,
/// so that every tap of every position reads inside it. An element is the fused multiply-add
/// chain over channels, then taps, from zero, plus the bias, then Relu when `relu`: the
/// operations `convolve` and a separate Relu apply, in the same order. A tap in the padding
/// adds a finite weight times zero, a zero, to a sum that started at +0 and so is never -0;
/// it leaves the sum as it is, as `convolve`'s skipping it does, so the results are the same
/// bit for bit. The last block of eight ends where the line ends, recomputing a few.
func convolveLine(_ x: [Float], _ w: [Float], _ bias: [Float]?, _ layout: ConvolutionLayout, relu: Bool)
  -> [Float]?
{
  guard let padded = paddedLineLength(layout), w.allSatisfy(\.isFinite) else { return nil }
  return convolvedLine(x, w, bias, layout, padded: padded, relu: relu)
}

/// `convolveLine`'s output as a new array, given `paddedLineLength`'s length and finite weights.
func convolvedLine(
  _ x: [Float], _ w: [Float], _ bias: [Float]?, _ layout: ConvolutionLayout, padded: Int, relu: Bool
) -> [Float] {
  [Float](uninitializedCount: layout.outCount, zero: 0) { y, initialized in
    if let yp = y.baseAddress { convolveLine(x, w, bias, layout, padded: padded, relu: relu, into: yp) }
    initialized = layout.outCount
  }
}

/// The length of the padded line `convolveLine` copies each input line into, for this
/// layout; nil when the line kernel does not take the convolution (more than one spatial
/// axis, no channels, negative padding, sizes beyond its bounds).
func paddedLineLength(_ layout: ConvolutionLayout) -> Int? {
  let g = layout.geometry
  guard g.input.count == 1, layout.channels > 0, g.begins[0] >= 0 else { return nil }
  let (inPlane, outPlane, k) = (g.input[0], g.output[0], g.kernel[0])
  let (step, dilation, begin) = (g.steps[0], g.dilations[0], g.begins[0])
  // The padded line: index q holds input q - begin. Blocks of eight read up to 16 values
  // past their last position's first tap (two-apart loads take sixteen).
  let limit = 1 << 24
  guard step < limit, begin < limit, inPlane < limit, layout.channels < limit else { return nil }
  let reads = (max(outPlane, 8) * step).addingReportingOverflow((k - 1) * dilation)
  guard !reads.overflow, reads.partialValue < limit else { return nil }
  let padded = max(reads.partialValue + 16, begin + inPlane)
  guard padded * layout.channels <= limit else { return nil }
  return padded
}

/// `convolveLine` into `yp`, which has room for the output, given `paddedLineLength`'s length.
func convolveLine(
  _ x: [Float], _ w: [Float], _ bias: [Float]?, _ layout: ConvolutionLayout, padded: Int, relu: Bool,
  into yp: UnsafeMutablePointer<Float>
) {
  typealias V = SIMD8<Float>
  let g = layout.geometry
  let (inPlane, outPlane, k) = (g.input[0], g.output[0], g.kernel[0])
  let (step, dilation, begin) = (g.steps[0], g.dilations[0], g.begins[0])
  let channelsPerGroup = layout.channels / layout.group
  let filtersPerGroup = layout.filters / layout.group
  // On the stack when small, as a one-row request's line is.
  withUnsafeTemporaryAllocation(of: Float.self, capacity: padded * layout.channels) { lines in
    lines.initialize(repeating: 0)
    x.withUnsafeBufferPointer { x in
      w.withUnsafeBufferPointer { w in
        guard let xp = x.baseAddress, let wp = w.baseAddress, let lp = lines.baseAddress else { return }
        let filterSize = channelsPerGroup * k
        /// Filters m0..<m0+4 (of one group) of batch item `b`: each input vector loaded
        /// serves the four, and their four chains run side by side.
        @inline(__always) func four(_ b: Int, _ m0: Int, _ load: (UnsafePointer<Float>) -> V) {
          let first = UnsafePointer(lp + m0 / filtersPerGroup * channelsPerGroup * padded)
          let weights = wp + m0 * filterSize
          let out = yp + (b * layout.filters + m0) * outPlane
          let (start0, start1) = (bias?[m0] ?? 0, bias?[m0 + 1] ?? 0)
          let (start2, start3) = (bias?[m0 + 2] ?? 0, bias?[m0 + 3] ?? 0)
          @inline(__always) func store(_ sums: (V, V, V, V), at o: Int, count: Int) {
            @inline(__always) func put(_ acc: V, _ start: Float, _ line: UnsafeMutablePointer<Float>) {
              var v = acc + V(repeating: start)
              // Swift's max(v, 0) is `0 >= v ? 0 : v`: NaN stays NaN, -0 becomes +0.
              if relu { v.replace(with: 0, where: V() .>= v) }
              if count == 8 {
                UnsafeMutableRawPointer(line).storeBytes(of: v, as: V.self)
              } else {
                for l in 0..<count { line[l] = v[l] }
              }
            }
            put(sums.0, start0, out + o)
            put(sums.1, start1, out + outPlane + o)
            put(sums.2, start2, out + 2 * outPlane + o)
            put(sums.3, start3, out + 3 * outPlane + o)
          }
          @inline(__always) func sums(_ o: Int) -> (V, V, V, V) {
            var (s0, s1, s2, s3) = (V(), V(), V(), V())
            // Pointers stepped along rather than indices multiplied: the loop is the
            // loads and multiply-adds, without overflow checks.
            var at = first + o * step
            var w0 = weights
            for _ in 0..<channelsPerGroup {
              var x = at
              let (w1, w2, w3) = (w0 + filterSize, w0 + 2 * filterSize, w0 + 3 * filterSize)
              for j in 0..<k {
                let v = load(x)
                s0 = s0.addingProduct(v, V(repeating: w0[j]))
                s1 = s1.addingProduct(v, V(repeating: w1[j]))
                s2 = s2.addingProduct(v, V(repeating: w2[j]))
                s3 = s3.addingProduct(v, V(repeating: w3[j]))
                x += dilation
              }
              at += padded
              w0 += k
            }
            return (s0, s1, s2, s3)
          }
          guard outPlane >= 8 else { return store(sums(0), at: 0, count: outPlane) }
          var o = 0
          while o < outPlane {
            let at = min(o, outPlane - 8)
            store(sums(at), at: at, count: 8)
            o = at + 8
          }
        }
        /// Filter `m` of batch item `b`.
        @inline(__always) func one(_ b: Int, _ m: Int, _ load: (UnsafePointer<Float>) -> V) {
          let first = UnsafePointer(lp + m / filtersPerGroup * channelsPerGroup * padded)
          let weights = wp + m * filterSize
          let out = yp + (b * layout.filters + m) * outPlane
          let start = V(repeating: bias?[m] ?? 0)
          @inline(__always) func finished(_ o: Int) -> V {
            var acc = V()
            for c in 0..<channelsPerGroup {
              let at = first + c * padded + o * step
              for j in 0..<k { acc = acc.addingProduct(load(at + j * dilation), V(repeating: weights[c * k + j])) }
            }
            var v = acc + start
            if relu { v.replace(with: 0, where: V() .>= v) }
            return v
          }
          guard outPlane >= 8 else {
            let v = finished(0)
            for o in 0..<outPlane { out[o] = v[o] }
            return
          }
          var o = 0
          while o < outPlane {
            let at = min(o, outPlane - 8)
            UnsafeMutableRawPointer(out + at).storeBytes(of: finished(at), as: V.self)
            o = at + 8
          }
        }
        @inline(__always) func item(_ b: Int, _ load: (UnsafePointer<Float>) -> V) {
          for c in 0..<layout.channels {
            UnsafeMutableRawPointer(lp + c * padded + begin).copyMemory(
              from: xp + (b * layout.channels + c) * inPlane, byteCount: inPlane * MemoryLayout<Float>.stride)
          }
          for group in 0..<layout.group {
            var m = group * filtersPerGroup
            let end = m + filtersPerGroup
            while m + 4 <= end {
              four(b, m, load)
              m += 4
            }
            while m < end {
              one(b, m, load)
              m += 1
            }
          }
        }
        for b in 0..<layout.batch {
          switch step {
          case 1: item(b) { UnsafeRawPointer($0).loadUnaligned(as: V.self) }
          case 2: item(b) { UnsafeRawPointer($0).loadUnaligned(as: SIMD16<Float>.self).evenHalf }
          default: item(b) { gathered($0, step) }
          }
        }
      }
    }
  }
}
