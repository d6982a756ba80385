/// Conv; a producer a following Relu and MaxPool can be fused into (`EpilogueKernel`).
struct ConvKernel: TensorProducingKernel {
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
  func output(_ inputs: KernelInputs, epilogue: ProductEpilogue, pooledBy pool: any PoolingKernel)
    throws(ModelError) -> Tensor?
  {
    guard epilogue.bias == nil, let line else { return nil }
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
          pool.poolLine(UnsafePointer(cp), count: layout.outCount, planes: planes, pooling, into: op)
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

/// The convolution of `x` by `w` plus `bias` over any number of spatial axes: the path for
/// Double, for several axes, and for the Float convolutions the line kernel declines.
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
