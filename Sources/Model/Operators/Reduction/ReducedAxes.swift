/// A reduction's axes: the `axes` attribute, or since `axesInputSince` the optional second
/// input (read once when it is a constant), with `keepdims` and `noop_with_empty_axes`.
struct ReducedAxes: Sendable {
  let name: String
  let attribute: [Int]
  let keepDims: Bool
  let noopWithEmpty: Bool
  let fromInput: Bool
  let constant: [Int]?
  /// `resolve`'s answer for the last input shape, when the axes are fixed (an attribute or a
  /// constant input).
  private let resolved = ShapeCache<[Int], (reduced: [Bool], shape: [Int], n: Int)?>()

  init(_ ctx: NodeContext, name: String, axesInputSince: Int) throws(ModelError) {
    self.name = name
    attribute = ctx.ints("axes").map(Int.init)
    keepDims = try ctx.int("keepdims", default: 1) != 0
    noopWithEmpty = try ctx.int("noop_with_empty_axes", default: 0) != 0
    fromInput = ctx.opset >= axesInputSince
    constant = fromInput && ctx.constantInputs.count > 1 ? try ctx.constantInputs[1]?.integers("\(name)'s axes") : nil
  }

  /// For `x`: which axes are reduced (a mask: a set's hashing, per element, was most of a
  /// small reduction's cost), the result's shape and how many elements each result folds;
  /// nil when the reduction leaves `x` as it is (no axes and `noop_with_empty_axes`).
  func resolve(for x: Tensor, _ inputs: KernelInputs) throws(ModelError) -> (
    reduced: [Bool], shape: [Int], n: Int
  )? {
    guard let fixed = constant ?? (fromInput ? nil : attribute) else {
      return try resolve(x.shape, axes: try inputs.optionalTensor(1)?.integers("\(name)'s axes") ?? [])
    }
    return try resolved.value(for: x.shape) { () throws(ModelError) in try resolve(x.shape, axes: fixed) }
  }

  /// `resolve(for:_:)` for an input of `shape` and these axes.
  private func resolve(_ shape: [Int], axes given: [Int]) throws(ModelError) -> (
    reduced: [Bool], shape: [Int], n: Int
  )? {
    var axes = given
    let rank = shape.count
    if axes.isEmpty {
      if noopWithEmpty { return nil }
      axes = Array(0..<rank)
    }
    var reduced = [Bool](filled: false, count: rank)
    for a in axes { reduced[try normalizeAxis(a, rank: rank)] = true }
    var outShape: [Int] = []
    var n = 1
    for (i, d) in shape.enumerated() {
      if reduced[i] {
        n *= d
        if keepDims { outShape.append(1) }
      } else {
        outShape.append(d)
      }
    }
    return (reduced, outShape, n)
  }
}
