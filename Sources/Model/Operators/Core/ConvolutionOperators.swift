/// Convolution and max pooling over any number of spatial axes (N, C, spatial…): Conv, MaxPool.
enum ConvolutionOperators {
  static var definitions: [OperatorDefinition] {
    [convolution(), maxPool()]
  }

  /// Conv: cross-correlation with groups, strides, dilations, padding and an optional bias.
  /// Sums run over input channels then kernel positions with fused multiply-add, the order of
  /// onnxruntime's im2col + SGEMM, and the bias is added last.
  private static func convolution() -> OperatorDefinition {
    OperatorRegistry.define("", "Conv") { (ctx) throws(ModelError) in
      let window = try WindowAttributes(ctx, kernelRequired: false)
      let group = try ctx.int("group", default: 1)
      guard group >= 1 else { throw ctx.error("group must be at least 1, got \(group)") }
      return ConvKernel(window: window, group: group)
    }
  }

  /// Conv; a producer a following Relu can be fused into (`EpilogueKernel`).
  private struct ConvKernel: TensorProducingKernel {
    let window: WindowAttributes
    let group: Int

    func output(_ inputs: KernelInputs) throws(ModelError) -> Tensor {
      let x = try inputs.tensor(0)
      let w = try inputs.tensor(1)
      let bias = try inputs.optionalTensor(2)
      guard x.rank >= 3, w.rank == x.rank else {
        throw kernelError(
          "Conv needs an input (N, C, spatial…) and weights of the same rank, got \(x.shape) and \(w.shape)")
      }
      let (batch, channels, filters) = (x.shape[0], x.shape[1], w.shape[0])
      guard channels % group == 0, filters % group == 0, w.shape[1] == channels / group else {
        throw kernelError(
          "Conv's weights \(w.shape) do not fit \(channels) input channels in \(group) groups")
      }
      let kernel = Array(w.shape[2...])
      if !window.kernel.isEmpty, window.kernel != kernel {
        throw kernelError("Conv's kernel_shape \(window.kernel) differs from its weights' \(kernel)")
      }
      if let bias, bias.shape != [filters] {
        throw kernelError("Conv's bias has shape \(bias.shape), expected [\(filters)]")
      }
      let geometry = try WindowGeometry(input: Array(x.shape[2...]), kernel: kernel, window, ceilMode: false)
      guard let outCount = elementCount([batch, filters] + geometry.output) else {
        throw kernelError("Conv's output \([batch, filters] + geometry.output) is too large")
      }
      let shape = [batch, filters] + geometry.output
      let layout = ConvolutionLayout(
        batch: batch, channels: channels, filters: filters, group: group, geometry: geometry, outCount: outCount)
      switch (x.storage, w.storage, bias?.storage) {
      case (.float(let xv), .float(let wv), .float(let b)?):
        return Tensor(unchecked: shape, .float(convolve(xv, wv, b, layout)))
      case (.float(let xv), .float(let wv), nil):
        return Tensor(unchecked: shape, .float(convolve(xv, wv, nil, layout)))
      case (.double(let xv), .double(let wv), .double(let b)?):
        return Tensor(unchecked: shape, .double(convolve(xv, wv, b, layout)))
      case (.double(let xv), .double(let wv), nil):
        return Tensor(unchecked: shape, .double(convolve(xv, wv, nil, layout)))
      default:
        throw kernelError("Conv needs float or double input, weights and bias of one type")
      }
    }
  }

  /// MaxPool: the largest element of each window (padding never wins), and optionally the
  /// flat index of that element in the input (row-major, or column-major for 2-D with storage_order=1).
  private static func maxPool() -> OperatorDefinition {
    OperatorRegistry.define("", "MaxPool") { (ctx) throws(ModelError) in
      let window = try WindowAttributes(ctx, kernelRequired: true)
      let ceilMode = try ctx.int("ceil_mode", default: 0) != 0
      let columnMajor = try ctx.int("storage_order", default: 0) != 0
      let wantsIndices = ctx.node.output.count > 1 && !ctx.node.output[1].isEmpty
      if wantsIndices, columnMajor, window.kernel.count != 2 {
        throw ctx.unsupported("MaxPool indices in column-major order (storage_order=1) beyond 2-D")
      }
      return ClosureKernel { (inputs, outputs) throws(ModelError) in
        let x = try inputs.tensor(0)
        guard x.rank == window.kernel.count + 2 else {
          throw kernelError(
            "MaxPool's kernel_shape \(window.kernel) needs an input of rank \(window.kernel.count + 2), got \(x.shape)")
        }
        let spatial = Array(x.shape[2...])
        let geometry = try WindowGeometry(input: spatial, kernel: window.kernel, window, ceilMode: ceilMode)
        let shape = Array(x.shape[..<2]) + geometry.output
        guard let outCount = elementCount(shape) else { throw kernelError("MaxPool's output \(shape) is too large") }
        let pooled: Tensor.Storage
        let picked: [Int]
        switch x.storage {
        case .float(let v):
          let r = maxPooled(v, planes: x.shape[0] * x.shape[1], geometry, outCount: outCount, indices: wantsIndices)
          (pooled, picked) = (.float(r.values), r.indices)
        case .double(let v):
          let r = maxPooled(v, planes: x.shape[0] * x.shape[1], geometry, outCount: outCount, indices: wantsIndices)
          (pooled, picked) = (.double(r.values), r.indices)
        default: throw kernelError("MaxPool needs float or double input, got \(x.elementType)")
        }
        outputs.set(0, .tensor(Tensor(unchecked: shape, pooled)))
        if wantsIndices {
          let plane = spatial.reduce(1, *)
          let indices = picked.map { (flat) -> Int64 in
            guard columnMajor, flat >= 0 else { return Int64(flat) }
            // Within a plane, row h and column w of an H×W image become w·H + h.
            let (base, offset) = (flat / plane * plane, flat % plane)
            return Int64(base + (offset % spatial[1]) * spatial[0] + offset / spatial[1])
          }
          outputs.set(1, .tensor(Tensor(unchecked: shape, .int64(indices))))
        }
      }
    }
  }
}

/// The window attributes Conv and MaxPool share, checked at load time.
private struct WindowAttributes: Sendable {
  enum Padding: Sendable { case explicit, valid, sameUpper, sameLower }
  let kernel: [Int]
  let strides: [Int]
  let dilations: [Int]
  let pads: [Int]
  let padding: Padding

  init(_ ctx: NodeContext, kernelRequired: Bool) throws(ModelError) {
    kernel = ctx.ints("kernel_shape").map { Int(clamping: $0) }
    if kernelRequired, kernel.isEmpty { throw ctx.error("kernel_shape is required") }
    strides = ctx.ints("strides").map { Int(clamping: $0) }
    dilations = ctx.ints("dilations").map { Int(clamping: $0) }
    pads = ctx.ints("pads").map { Int(clamping: $0) }
    switch try ctx.string("auto_pad", default: "NOTSET") {
    case "NOTSET": padding = .explicit
    case "VALID": padding = .valid
    case "SAME_UPPER": padding = .sameUpper
    case "SAME_LOWER": padding = .sameLower
    case let other: throw ctx.unsupported("auto_pad \(other) (fathom runs NOTSET, VALID, SAME_UPPER and SAME_LOWER)")
    }
    // Bounded so that the window arithmetic below cannot overflow.
    let limit = 1 << 31
    guard kernel.allSatisfy({ $0 >= 1 && $0 <= limit }), strides.allSatisfy({ $0 >= 1 && $0 <= limit }),
      dilations.allSatisfy({ $0 >= 1 && $0 <= limit }), pads.allSatisfy({ $0 >= 0 && $0 <= limit })
    else {
      throw ctx.error("kernel_shape, strides and dilations must be positive and pads non-negative")
    }
  }
}

/// Where every window of a convolution or pooling lies in the input.
private struct WindowGeometry {
  let input: [Int]
  let output: [Int]
  let kernel: [Int]
  /// The step between windows on each spatial axis.
  let steps: [Int]
  /// For spatial axis d, entry o·kernel[d] + k: the input coordinate that kernel position k of
  /// output position o reads, or -1 when it falls in the padding.
  let coordinates: [[Int]]

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
    var coordinates: [[Int]] = []
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
      guard count >= 0, let tableSize = elementCount([count, k]), tableSize <= 1 << 28 else {
        throw kernelError("the windows on spatial axis \(d) are too many")
      }
      var table = [Int](filled: -1, count: tableSize)
      for o in 0..<count {
        for j in 0..<k {
          let at = o * s - begin + j * dilations[d]
          if at >= 0, at < n { table[o * k + j] = at }
        }
      }
      output.append(count)
      coordinates.append(table)
    }
    self.input = input
    self.output = output
    self.kernel = kernel
    self.steps = strides
    self.coordinates = coordinates
  }

  /// For a window over one spatial axis, per kernel position: the run of output positions
  /// `lo..<hi` whose tap at that position falls inside the input, and the input position of
  /// the first (the rest follow `steps[0]` apart). Such a run is contiguous.
  func tapRuns() -> [(lo: Int, hi: Int, first: Int)] {
    let k = kernel[0]
    let count = output[0]
    return coordinates[0].withUnsafeBufferPointer { table in
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
          let c = coordinates[d][at[d] * kernel[d] + tap[d]]
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

private struct ConvolutionLayout {
  let batch: Int
  let channels: Int
  let filters: Int
  let group: Int
  let geometry: WindowGeometry
  let outCount: Int
}

private func convolve<T: BinaryFloatingPoint>(_ x: [T], _ w: [T], _ bias: [T]?, _ layout: ConvolutionLayout) -> [T] {
  let g = layout.geometry
  let inPlane = g.input.reduce(1, *)
  let outPlane = g.output.reduce(1, *)
  let kernelCount = g.kernel.reduce(1, *)
  let channelsPerGroup = layout.channels / layout.group
  let filtersPerGroup = layout.filters / layout.group
  var y = [T](filled: 0, count: layout.outCount)
  // Read through buffers: the indices stay inside the planes the layout was checked against.
  y.withUnsafeMutableBufferPointer { y in
    x.withUnsafeBufferPointer { x in
      w.withUnsafeBufferPointer { w in
        if g.input.count == 1, let yp = y.baseAddress, let xp = x.baseAddress, let wp = w.baseAddress {
          // One spatial axis (a 1-D convolution over a sequence). Each output element is
          // still the fused multiply-add chain over channels, then taps, from zero, then plus
          // the bias, as the general walk below computes it; but the loops run tap by tap over
          // every output position the tap reaches, a contiguous run whose inputs are
          // `stride` apart, so that the innermost loop is a vectorizable line of products.
          let k = kernelCount
          let step = g.steps[0]
          let runs = g.tapRuns()
          for b in 0..<layout.batch {
            for m in 0..<layout.filters {
              let firstChannel = m / filtersPerGroup * channelsPerGroup
              let out = yp + (b * layout.filters + m) * outPlane
              for c in 0..<channelsPerGroup {
                let line = xp + (b * layout.channels + firstChannel + c) * inPlane
                let taps = wp + (m * channelsPerGroup + c) * k
                for j in 0..<k {
                  let (lo, hi, first) = runs[j]
                  let weight = taps[j]
                  // Positions and inputs stay inside the planes the table was built for.
                  for p in lo..<hi { out[p] = out[p].addingProduct(weight, line[first &+ (p &- lo) &* step]) }
                }
              }
              let start = bias?[m] ?? 0
              for p in 0..<outPlane { out[p] = out[p] + start }
            }
          }
          return
        }
        g.forEachWindow { position, taps in
          for b in 0..<layout.batch {
            for m in 0..<layout.filters {
              let firstChannel = m / filtersPerGroup * channelsPerGroup
              var acc: T = 0
              for c in 0..<channelsPerGroup {
                let xBase = (b * layout.channels + firstChannel + c) * inPlane
                let wBase = (m * channelsPerGroup + c) * kernelCount
                for tap in taps { acc = acc.addingProduct(w[wBase + tap.kernel], x[xBase + tap.input]) }
              }
              y[(b * layout.filters + m) * outPlane + position] = acc + (bias?[m] ?? 0)
            }
          }
        }
      }
    }
  }
  return y
}

/// The maximum of each window over `planes` planes, and, when `wanted`, the flat input index
/// it came from (-1 for a window with no element above the lowest finite value, as
/// onnxruntime starts there); without `wanted` the indices are empty.
private func maxPooled<T: BinaryFloatingPoint>(
  _ x: [T], planes: Int, _ g: WindowGeometry, outCount: Int, indices wanted: Bool
) -> (values: [T], indices: [Int]) {
  let inPlane = g.input.reduce(1, *)
  let outPlane = g.output.reduce(1, *)
  var values = [T](filled: -T.greatestFiniteMagnitude, count: outCount)
  var indices = [Int](filled: -1, count: wanted ? outCount : 0)
  if g.input.count == 1 {
    // One spatial axis: tap by tap over the contiguous run of windows the tap reaches (its
    // inputs `stride` apart), each window comparing its taps in kernel order as the general
    // walk below does, so ties and NaNs come out the same.
    let runs = g.tapRuns()
    let step = g.steps[0]
    x.withUnsafeBufferPointer { x in
      values.withUnsafeMutableBufferPointer { values in
        indices.withUnsafeMutableBufferPointer { indices in
          guard let xp = x.baseAddress, let vp = values.baseAddress else { return }
          for p in 0..<planes {
            let line = xp + p * inPlane
            let out = vp + p * outPlane
            for (lo, hi, first) in runs {
              if !wanted {
                // A select rather than a branch: which of two activations is larger is a coin
                // toss the branch predictor loses.
                for o in lo..<hi {
                  let v = line[first &+ (o &- lo) &* step]
                  out[o] = v > out[o] ? v : out[o]
                }
                continue
              }
              for o in lo..<hi {
                let i = first &+ (o &- lo) &* step
                if line[i] > out[o] {
                  out[o] = line[i]
                  indices[p &* outPlane &+ o] = p &* inPlane &+ i
                }
              }
            }
          }
        }
      }
    }
    return (values, indices)
  }
  g.forEachWindow { position, taps in
    for p in 0..<planes {
      var best = -T.greatestFiniteMagnitude
      var index = -1
      for tap in taps where x[p * inPlane + tap.input] > best {
        best = x[p * inPlane + tap.input]
        index = p * inPlane + tap.input
      }
      values[p * outPlane + position] = best
      if wanted { indices[p * outPlane + position] = index }
    }
  }
  return (values, indices)
}
