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
      return ConvKernel(
        window: window, group: group, constants: ctx.constantInputs, inputCount: ctx.node.input.count)
    }
  }

  /// Conv; a producer a following Relu and MaxPool can be fused into (`EpilogueKernel`).
  private struct ConvKernel: TensorProducingKernel {
    let window: WindowAttributes
    let group: Int
    /// The weights and bias as the line kernel reads them, when they are constants of Float
    /// (or the bias is absent) and the weights are finite; nil otherwise.
    let line: LineParameters?
    /// The layout and output shape `operands` works out, for the last shapes of input,
    /// weights and bias.
    let layouts = ShapeCache<Shapes, (layout: ConvolutionLayout, shape: [Int])>()
    /// What `onLine` works out for the last input shape with `line`'s weights: the layout,
    /// the output shape and the padded line's length (nil when the line kernel declines).
    /// Its own cache, keyed by the input's shape alone: sharing `layouts`, a run that the
    /// line kernel declines and `operands` then takes would evict the entry every time.
    let lineLayouts = ShapeCache<[Int], (layout: ConvolutionLayout, shape: [Int], padded: Int?)>()

    /// The shapes of a run's input, weights and bias.
    struct Shapes: Equatable, Sendable {
      let x: [Int]
      let w: [Int]
      let bias: [Int]?
    }

    /// A layer's constant weights and bias, taken once: read from their slots, each was
    /// copied, checked and released on every run. A class, so that a run reads them through
    /// one reference.
    final class LineParameters: Sendable {
      let w: [Float]
      let bias: [Float]?
      let wShape: [Int]
      let biasShape: [Int]?

      init?(_ constants: [Tensor?], inputCount: Int) {
        guard constants.count > 1, let w = constants[1], case .float(let wv) = w.storage, wv.allSatisfy(\.isFinite)
        else { return nil }
        (self.w, wShape) = (wv, w.shape)
        if inputCount <= 2 {
          (bias, biasShape) = (nil, nil)
        } else if constants.count > 2, let b = constants[2], case .float(let bv) = b.storage {
          (bias, biasShape) = (bv, b.shape)
        } else {
          return nil
        }
      }
    }

    init(window: WindowAttributes, group: Int, constants: [Tensor?], inputCount: Int) {
      self.window = window
      self.group = group
      line = LineParameters(constants, inputCount: inputCount)
    }

    func output(_ inputs: KernelInputs) throws(ModelError) -> Tensor {
      let (x, w, bias, layout, shape) = try operands(inputs)
      switch (x.storage, w.storage, bias?.storage) {
      case (.float(let xv), .float(let wv), .float(let b)?):
        return Tensor(
          unchecked: shape, .float(convolveLine(xv, wv, b, layout, relu: false) ?? convolve(xv, wv, b, layout)))
      case (.float(let xv), .float(let wv), nil):
        return Tensor(
          unchecked: shape, .float(convolveLine(xv, wv, nil, layout, relu: false) ?? convolve(xv, wv, nil, layout)))
      case (.double(let xv), .double(let wv), .double(let b)?):
        return Tensor(unchecked: shape, .double(convolve(xv, wv, b, layout)))
      case (.double(let xv), .double(let wv), nil):
        return Tensor(unchecked: shape, .double(convolve(xv, wv, nil, layout)))
      default:
        throw kernelError("Conv needs float or double input, weights and bias of one type")
      }
    }

    /// A fused Relu applied in registers, when `convolveLine` takes the convolution.
    func output(_ inputs: KernelInputs, epilogue: ProductEpilogue) throws(ModelError) -> Tensor? {
      guard epilogue.bias == nil else { return nil }
      if let line {
        return try onLine(inputs, line) { (xv, layout, padded, shape) in
          Tensor(
            unchecked: shape,
            .float(convolvedLine(xv, line.w, line.bias, layout, padded: padded, relu: epilogue.relu)))
        }
      }
      let (x, w, bias, layout, shape) = try operands(inputs)
      guard case .float(let xv) = x.storage, case .float(let wv) = w.storage else { return nil }
      let y: [Float]?
      switch bias?.storage {
      case .float(let b)?: y = convolveLine(xv, wv, b, layout, relu: epilogue.relu)
      case nil: y = convolveLine(xv, wv, nil, layout, relu: epilogue.relu)
      default: y = nil
      }
      return y.map { Tensor(unchecked: shape, .float($0)) }
    }

    /// The convolution, with the Relu when `epilogue` has it, pooled by `pool` as the line
    /// kernel computes it: the convolution's whole tensor is never made. The values are those
    /// of the three nodes one after the other.
    func output(_ inputs: KernelInputs, epilogue: ProductEpilogue, pooledBy pool: MaxPoolKernel) throws(ModelError)
      -> Tensor?
    {
      guard epilogue.bias == nil, !pool.wantsIndices, let line else { return nil }
      return try onLine(inputs, line) { (xv, layout, padded, shape) throws(ModelError) -> Tensor? in
        // No convolution to pool (an empty line with padding): the separate path's values.
        guard layout.outCount > 0 else { return nil }
        let pooling = try pool.layout(for: shape)
        let planes = shape[0] * shape[1]
        let y = [Float](uninitializedCount: pooling.outCount, zero: 0) { out, initialized in
          // On the stack when small, as a one-row request's is.
          withUnsafeTemporaryAllocation(of: Float.self, capacity: layout.outCount) { convolved in
            guard let cp = convolved.baseAddress, let op = out.baseAddress else { return }
            convolveLine(xv, line.w, line.bias, layout, padded: padded, relu: epilogue.relu, into: cp)
            maxPoolLine(UnsafePointer(cp), count: layout.outCount, planes: planes, pooling.geometry, into: op)
          }
          initialized = pooling.outCount
        }
        return Tensor(unchecked: pooling.shape, .float(y))
      }
    }

    /// `body` on the input's values, the layout, the padded line's length and the output's
    /// shape, when the line kernel takes the convolution of a Float input by `line`; nil,
    /// having computed nothing, otherwise. The values are lent to `body`, not returned, so
    /// that a run does not count references to them.
    @inline(__always)
    private func onLine(
      _ inputs: KernelInputs, _ line: LineParameters,
      _ body: (_ x: [Float], _ layout: ConvolutionLayout, _ padded: Int, _ shape: [Int]) throws(ModelError) -> Tensor?
    ) throws(ModelError) -> Tensor? {
      let x = try inputs.tensor(0)
      guard case .float(let xv) = x.storage else { return nil }
      let (layout, shape, padded) = try lineLayouts.value(for: x.shape) { () throws(ModelError) in
        let (layout, shape) = try Self.layout(x.shape, line.wShape, line.biasShape, window: window, group: group)
        return (layout, shape, paddedLineLength(layout))
      }
      guard let padded else { return nil }
      return try body(xv, layout, padded, shape)
    }

    /// The input, weights and bias, checked against each other, and the output's layout and shape.
    private func operands(_ inputs: KernelInputs) throws(ModelError) -> (
      x: Tensor, w: Tensor, bias: Tensor?, layout: ConvolutionLayout, shape: [Int]
    ) {
      let x = try inputs.tensor(0)
      let w = try inputs.tensor(1)
      let bias = try inputs.optionalTensor(2)
      let shapes = Shapes(x: x.shape, w: w.shape, bias: bias?.shape)
      let (layout, shape) = try layouts.value(for: shapes) { () throws(ModelError) in
        try Self.layout(x.shape, w.shape, bias?.shape, window: window, group: group)
      }
      return (x, w, bias, layout, shape)
    }

    /// The layout and shape of the output for input, weights and bias of these shapes, checked
    /// against each other.
    private static func layout(
      _ xShape: [Int], _ wShape: [Int], _ biasShape: [Int]?, window: WindowAttributes, group: Int
    ) throws(ModelError) -> (layout: ConvolutionLayout, shape: [Int]) {
      guard xShape.count >= 3, wShape.count == xShape.count else {
        throw kernelError(
          "Conv needs an input (N, C, spatial…) and weights of the same rank, got \(xShape) and \(wShape)")
      }
      let (batch, channels, filters) = (xShape[0], xShape[1], wShape[0])
      guard channels % group == 0, filters % group == 0, wShape[1] == channels / group else {
        throw kernelError(
          "Conv's weights \(wShape) do not fit \(channels) input channels in \(group) groups")
      }
      let kernel = Array(wShape[2...])
      if !window.kernel.isEmpty, window.kernel != kernel {
        throw kernelError("Conv's kernel_shape \(window.kernel) differs from its weights' \(kernel)")
      }
      if let biasShape, biasShape != [filters] {
        throw kernelError("Conv's bias has shape \(biasShape), expected [\(filters)]")
      }
      let geometry = try WindowGeometry(input: Array(xShape[2...]), kernel: kernel, window, ceilMode: false)
      guard let outCount = elementCount([batch, filters] + geometry.output) else {
        throw kernelError("Conv's output \([batch, filters] + geometry.output) is too large")
      }
      let shape = [batch, filters] + geometry.output
      let layout = ConvolutionLayout(
        batch: batch, channels: channels, filters: filters, group: group, geometry: geometry, outCount: outCount)
      return (layout, shape)
    }
  }

  /// MaxPool: the largest element of each window (padding never wins), and optionally the
  /// flat index of that element in the input (row-major, or column-major for 2-D with storage_order=1).
  private static func maxPool() -> OperatorDefinition {
    OperatorRegistry.define("", "MaxPool") { (ctx) throws(ModelError) in try MaxPoolKernel(ctx) }
  }
}

/// MaxPool; a Conv (and its Relu) that it alone reads can pool as it computes
/// (`EpilogueKernel`), when it gives no indices.
final class MaxPoolKernel: Kernel {
  private let window: WindowAttributes
  private let ceilMode: Bool
  private let columnMajor: Bool
  /// Whether the node names its second output, the indices.
  let wantsIndices: Bool
  /// The geometry, output shape and size for the last input shape.
  private let layouts = ShapeCache<[Int], PoolLayout>()

  /// Where the windows lie for one input shape, and the output's shape and size.
  fileprivate struct PoolLayout: Sendable {
    let geometry: WindowGeometry
    let shape: [Int]
    let outCount: Int
  }

  init(_ ctx: NodeContext) throws(ModelError) {
    window = try WindowAttributes(ctx, kernelRequired: true)
    ceilMode = try ctx.int("ceil_mode", default: 0) != 0
    columnMajor = try ctx.int("storage_order", default: 0) != 0
    wantsIndices = ctx.node.output.count > 1 && !ctx.node.output[1].isEmpty
    if wantsIndices, columnMajor, window.kernel.count != 2 {
      throw ctx.unsupported("MaxPool indices in column-major order (storage_order=1) beyond 2-D")
    }
  }

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    let x = try inputs.take(0)
    guard wantsIndices else {
      outputs.set(0, .tensor(try pooled(x)))
      return
    }
    let layout = try self.layout(for: x.shape)
    let spatial = layout.geometry.input
    let pooled: Tensor.Storage
    let picked: [Int]
    switch x.storage {
    case .float(let v):
      let r = maxPooled(
        v, planes: x.shape[0] * x.shape[1], layout.geometry, outCount: layout.outCount, indices: wantsIndices)
      (pooled, picked) = (.float(r.values), r.indices)
    case .double(let v):
      let r = maxPooled(
        v, planes: x.shape[0] * x.shape[1], layout.geometry, outCount: layout.outCount, indices: wantsIndices)
      (pooled, picked) = (.double(r.values), r.indices)
    default: throw kernelError("MaxPool needs float or double input, got \(x.elementType)")
    }
    outputs.set(0, .tensor(Tensor(unchecked: layout.shape, pooled)))
    let plane = spatial.reduce(1, *)
    let indices = picked.map { (flat) -> Int64 in
      guard columnMajor, flat >= 0 else { return Int64(flat) }
      // Within a plane, row h and column w of an H×W image become w·H + h.
      let (base, offset) = (flat / plane * plane, flat % plane)
      return Int64(base + (offset % spatial[1]) * spatial[0] + offset / spatial[1])
    }
    outputs.set(1, .tensor(Tensor(unchecked: layout.shape, .int64(indices))))
  }

  /// The pooled values of `x`: `run`'s first output, and all of it without indices.
  func pooled(_ x: Tensor) throws(ModelError) -> Tensor {
    let layout = try self.layout(for: x.shape)
    let planes = x.shape[0] * x.shape[1]
    switch x.storage {
    case .float(let v) where layout.geometry.input.count == 1:
      return Tensor(unchecked: layout.shape, .float(maxPooledLine(v, planes: planes, layout)))
    case .float(let v):
      return Tensor(
        unchecked: layout.shape,
        .float(maxPooled(v, planes: planes, layout.geometry, outCount: layout.outCount, indices: false).values))
    case .double(let v):
      return Tensor(
        unchecked: layout.shape,
        .double(maxPooled(v, planes: planes, layout.geometry, outCount: layout.outCount, indices: false).values))
    default: throw kernelError("MaxPool needs float or double input, got \(x.elementType)")
    }
  }

  /// The windows, output shape and size for an input of `shape`, checked.
  fileprivate func layout(for shape: [Int]) throws(ModelError) -> PoolLayout {
    try layouts.value(for: shape) { () throws(ModelError) in
      guard shape.count == window.kernel.count + 2 else {
        throw kernelError(
          "MaxPool's kernel_shape \(window.kernel) needs an input of rank \(window.kernel.count + 2), got \(shape)")
      }
      let geometry = try WindowGeometry(input: Array(shape[2...]), kernel: window.kernel, window, ceilMode: ceilMode)
      let outShape = Array(shape[..<2]) + geometry.output
      guard let outCount = elementCount(outShape) else {
        throw kernelError("MaxPool's output \(outShape) is too large")
      }
      return PoolLayout(geometry: geometry, shape: outShape, outCount: outCount)
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

/// Where every window of a convolution or pooling lies in the input. A class: kernels keep
/// one per input shape (`ShapeCache`) and hand it to each run.
private final class WindowGeometry: Sendable {
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

private struct ConvolutionLayout: Sendable {
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
private func convolveLine(_ x: [Float], _ w: [Float], _ bias: [Float]?, _ layout: ConvolutionLayout, relu: Bool)
  -> [Float]?
{
  guard let padded = paddedLineLength(layout), w.allSatisfy(\.isFinite) else { return nil }
  return convolvedLine(x, w, bias, layout, padded: padded, relu: relu)
}

/// `convolveLine`'s output as a new array, given `paddedLineLength`'s length and finite weights.
private func convolvedLine(
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
private func paddedLineLength(_ layout: ConvolutionLayout) -> Int? {
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
private func convolveLine(
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

/// `maxPooled` without indices for Float over one spatial axis, each window's maximum kept in
/// a register: from the lowest finite value, each tap in kernel order replaces it when
/// greater, as `maxPooled` compares them, so ties and NaNs come out the same. Windows whose
/// every tap is inside the input go eight at a time (the last block of eight ending where
/// they end, recomputing a few), the few at the edges one at a time.
private func maxPooledLine(_ x: [Float], planes: Int, _ layout: MaxPoolKernel.PoolLayout) -> [Float] {
  [Float](uninitializedCount: layout.outCount, zero: 0) { y, initialized in
    x.withUnsafeBufferPointer { x in
      guard let yp = y.baseAddress, let xp = x.baseAddress else { return }
      maxPoolLine(xp, count: x.count, planes: planes, layout.geometry, into: yp)
    }
    initialized = layout.outCount
  }
}

/// `maxPooledLine` from the `count` values at `xp` into `yp`, which has room for the output.
private func maxPoolLine(
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

/// Eight values `step` apart from `p`, for the line kernels' strides other than 1 and 2.
@inline(__always)
private func gathered(_ p: UnsafePointer<Float>, _ step: Int) -> SIMD8<Float> {
  SIMD8(p[0], p[step], p[2 * step], p[3 * step], p[4 * step], p[5 * step], p[6 * step], p[7 * step])
}
