/// Element-wise work a Float matrix product does to each element of its result while the
/// element is still in a register: add the bias of its column (`q + p`), then Relu
/// (`max(p, 0)`). The same operations in the same order as the separate passes over the
/// stored product, so the results are bit for bit those passes'.
struct ProductEpilogue {
  /// One value per column of the product, and the rank of the tensor it came from (a bias of
  /// higher rank than the product would widen its shape, and so cannot be applied here).
  var bias: (values: [Float], rank: Int)?
  var relu = false

  var isEmpty: Bool { bias == nil && !relu }

  /// `t` as a bias the product can add in registers: Float values, every dimension but the
  /// last 1; nil for any other tensor (`matmul` still checks that it has a value per column).
  static func columnBias(_ t: Tensor) -> (values: [Float], rank: Int)? {
    guard case .float(let values) = t.storage, t.shape.dropLast().allSatisfy({ $0 == 1 }) else { return nil }
    return (values, t.rank)
  }
}
