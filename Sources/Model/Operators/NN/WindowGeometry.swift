/// Where every window of a convolution or pooling lies in the input. A class: kernels keep
/// one per input shape (`ShapeCache`) and hand it to each run.
final class WindowGeometry: Sendable {
  let input: [Int]
  let output: [Int]
  let kernel: [Int]
  /// The step between windows on each spatial axis.
  let steps: [Int]
  /// On each spatial axis: the padding before the input, and the step between taps.
  let begins: [Int]
  let dilations: [Int]

  init(input: [Int], kernel: [Int], _ attributes: WindowAttributes, ceilMode: Bool) throws(ModelError) {
    let rank = input.count
    func perAxis(_ values: [Int], _ name: String, default value: Int) throws(ModelError) -> [Int] {
      if values.isEmpty { return [Int](filled: value, count: rank) }
      guard values.count == rank else {
        throw kernelError("\(name) has \(values.count) entries for \(rank) spatial axes")
      }
      return values
    }
    let strides = try perAxis(attributes.strides, "strides", default: 1)
    let dilations = try perAxis(attributes.dilations, "dilations", default: 1)
    let pads = attributes.pads.isEmpty ? [Int](filled: 0, count: 2 * rank) : attributes.pads
    guard pads.count == 2 * rank, kernel.count == rank else {
      throw kernelError("pads \(pads) and kernel \(kernel) do not fit \(rank) spatial axes")
    }
    var output: [Int] = []
    var begins: [Int] = []
    for d in 0..<rank {
      let (n, k, s) = (input[d], kernel[d], strides[d])
      guard k >= 1, k <= 1 << 31 else { throw kernelError("kernel size \(k) on spatial axis \(d) is out of range") }
      let (reach, overflow) = dilations[d].multipliedReportingOverflow(by: k - 1)
      guard !overflow, reach < 1 << 40 else {
        throw kernelError("the dilated kernel on spatial axis \(d) is too large")
      }
      let span = reach + 1
      var begin = 0
      let count: Int
      switch attributes.padding {
      case .explicit:
        begin = pads[d]
        let room = n + pads[d] + pads[d + rank] - span
        guard room >= 0 else {
          throw kernelError("the window (\(span) wide) does not fit spatial axis \(d) of size \(n) with its padding")
        }
        var c = (ceilMode ? (room + s - 1) / s : room / s) + 1
        // With ceil_mode, a last window that would start in the end padding is dropped.
        if ceilMode, (c - 1) * s >= n + pads[d] { c -= 1 }
        count = c
      case .valid:
        guard n >= span else {
          throw kernelError("the window (\(span) wide) does not fit spatial axis \(d) of size \(n)")
        }
        count = (n - span) / s + 1
      case .sameUpper, .sameLower:
        count = (n + s - 1) / s
        let total = max(0, (count - 1) * s + span - n)
        begin = attributes.padding == .sameUpper ? total / 2 : total - total / 2
      }
      // `coordinates()` holds count·k entries for the axis.
      guard count >= 0, let tableSize = elementCount([count, k]), tableSize <= 1 << 28 else {
        throw kernelError("the windows on spatial axis \(d) are too many")
      }
      output.append(count)
      begins.append(begin)
    }
    self.input = input
    self.output = output
    self.kernel = kernel
    self.steps = strides
    self.begins = begins
    self.dilations = dilations
  }

  /// For spatial axis d, entry o·kernel[d] + k: the input coordinate that kernel position k of
  /// output position o reads, or -1 when it falls in the padding. Built when a kernel walks
  /// windows one by one: the line kernels, a one-row request's path, never need it.
  func coordinates() -> [[Int]] {
    (0..<input.count).map { d in
      let (n, k, s) = (input[d], kernel[d], steps[d])
      var table = [Int](filled: -1, count: output[d] * k)
      for o in 0..<output[d] {
        for j in 0..<k {
          let at = o * s - begins[d] + j * dilations[d]
          if at >= 0, at < n { table[o * k + j] = at }
        }
      }
      return table
    }
  }

  /// For a window over one spatial axis, per kernel position: the run of output positions
  /// `lo..<hi` whose tap at that position falls inside the input, and the input position of
  /// the first (the rest follow `steps[0]` apart). Such a run is contiguous.
  func tapRuns() -> [(lo: Int, hi: Int, first: Int)] {
    let k = kernel[0]
    let count = output[0]
    return coordinates()[0].withUnsafeBufferPointer { table in
      (0..<k).map { j -> (lo: Int, hi: Int, first: Int) in
        var lo = 0
        while lo < count && table[lo * k + j] < 0 { lo += 1 }
        var hi = lo
        while hi < count && table[hi * k + j] >= 0 { hi += 1 }
        return (lo, hi, lo < hi ? table[lo * k + j] : 0)
      }
    }
  }

  /// For each output position in row-major order, calls `visit` with the (kernel position,
  /// input offset) pairs of its window that fall inside the input, kernel positions ascending.
  func forEachWindow(_ visit: (_ position: Int, _ taps: [(kernel: Int, input: Int)]) -> Void) {
    let rank = input.count
    let inputStrides = strides(of: input)
    let kernelCount = kernel.reduce(1, *)
    let outputCount = output.reduce(1, *)
    let tables = coordinates()
    var taps: [(kernel: Int, input: Int)] = []
    taps.reserveCapacity(kernelCount)
    var at = [Int](filled: 0, count: rank)
    // The kernel offset of the current tap; it steps through the whole kernel for each
    // window, so it is back at zero when the next window starts.
    var tap = [Int](filled: 0, count: rank)
    for position in 0..<outputCount {
      taps.removeAll(keepingCapacity: true)
      for kIndex in 0..<kernelCount {
        var offset = 0
        var inside = true
        for d in 0..<rank {
          let c = tables[d][at[d] * kernel[d] + tap[d]]
          if c < 0 {
            inside = false
            break
          }
          offset += c * inputStrides[d]
        }
        if inside { taps.append((kIndex, offset)) }
        advance(&tap, within: kernel)
      }
      visit(position, taps)
      advance(&at, within: output)
    }
  }
}
