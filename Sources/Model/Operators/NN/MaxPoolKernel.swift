/// MaxPool; a Conv (and its Relu) that it alone reads can pool as it computes
/// (`PoolingKernel`, `EpilogueKernel`), when it gives no indices.
final class MaxPoolKernel: PoolingKernel {
  private let window: WindowAttributes
  private let ceilMode: Bool
  private let columnMajor: Bool
  /// Whether the node names its second output, the indices.
  private let wantsIndices: Bool
  /// The geometry, output shape and size for the last input shape.
  private let layouts = ShapeCache<[Int], PoolLayout>()

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
  func layout(for shape: [Int]) throws(ModelError) -> PoolLayout {
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

  /// The pooled values of the `count` Float values at `x`, `planes` planes of one spatial
  /// axis, into `y`: `pooled`'s values without the input and output tensors.
  func poolLine(
    _ x: UnsafePointer<Float>, count: Int, planes: Int, _ layout: PoolLayout, into y: UnsafeMutablePointer<Float>
  ) {
    maxPoolLine(x, count: count, planes: planes, layout.geometry, into: y)
  }
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
