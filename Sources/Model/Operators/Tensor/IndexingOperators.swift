/// Operators that pick elements by rank or by index: TopK and GatherElements.
enum IndexingOperators {
  static var definitions: [OperatorDefinition] {
    [topK(), gatherElements()]
  }

  /// TopK: the k largest (or smallest) elements along an axis and their indices, sorted,
  /// ties going to the lower index as in onnxruntime. k is an attribute before opset 10.
  private static func topK() -> OperatorDefinition {
    OperatorRegistry.define("", "TopK") { (ctx) throws(ModelError) in
      let axis = try ctx.int("axis", default: -1)
      let largest = try ctx.int("largest", default: 1) != 0
      // sorted=0 leaves the order unspecified, so the sorted order is a valid answer too.
      _ = try ctx.int("sorted", default: 1)
      let attributeK: Int?
      if ctx.opset < 10 {
        guard let k = try ctx.int("k") else { throw ctx.error("TopK before opset 10 needs a k attribute") }
        attributeK = k
      } else {
        attributeK = nil
      }
      return ClosureKernel { (inputs, outputs) throws(ModelError) in
        let x = try inputs.take(0)
        let k: Int
        if let attributeK {
          k = attributeK
        } else {
          let spec = try inputs.tensor(1).integers("TopK's k")
          guard spec.count == 1, let only = spec.first else {
            throw kernelError("TopK's k must hold one value, got \(spec.count)")
          }
          k = only
        }
        guard x.rank > 0 else { throw kernelError("TopK needs a tensor of rank 1 or more") }
        let a = try normalizeAxis(axis, rank: x.rank)
        let n = x.shape[a]
        guard k >= 0, k <= n else {
          throw kernelError("TopK's k = \(k) is outside 0...\(n), the size of axis \(a) of \(x.shape)")
        }
        let order: [Int]
        switch x.storage {
        case .float(let v): order = topKOrder(v, shape: x.shape, axis: a, k: k, largest: largest)
        case .double(let v): order = topKOrder(v, shape: x.shape, axis: a, k: k, largest: largest)
        case .int64(let v): order = topKOrder(v, shape: x.shape, axis: a, k: k, largest: largest)
        case .int32(let v): order = topKOrder(v, shape: x.shape, axis: a, k: k, largest: largest)
        default: throw kernelError("TopK needs numbers, got \(x.elementType)")
        }
        var shape = x.shape
        shape[a] = k
        // `order` holds flat source positions; the index output is the position along the axis.
        let inner = x.shape[(a + 1)...].reduce(1, *)
        let indices = order.map { Int64(($0 / inner) % n) }
        outputs.set(0, .tensor(Tensor(unchecked: shape, x.storage.picking(order))))
        outputs.set(1, .tensor(Tensor(unchecked: shape, .int64(indices))))
      }
    }
  }

  /// GatherElements: out[i][j]… = data[…] with the `axis` coordinate replaced by indices[i][j]….
  private static func gatherElements() -> OperatorDefinition {
    OperatorRegistry.define("", "GatherElements") { (ctx) throws(ModelError) in
      let axis = try ctx.int("axis", default: 0)
      return tensorKernel { (inputs) throws(ModelError) in
        let data = try inputs.take(0)
        let indices = try inputs.tensor(1)
        let raw = try indices.integers("GatherElements' indices")
        guard data.rank > 0, indices.rank == data.rank else {
          throw kernelError(
            "GatherElements needs data and indices of one rank, got \(data.shape) and \(indices.shape)")
        }
        let a = try normalizeAxis(axis, rank: data.rank)
        for d in 0..<data.rank where d != a && indices.shape[d] > data.shape[d] {
          throw kernelError("GatherElements' indices \(indices.shape) exceed the data \(data.shape) on axis \(d)")
        }
        let n = data.shape[a]
        let dataStrides = strides(of: data.shape)
        var order = [Int](filled: 0, count: raw.count)
        var counter = [Int](filled: 0, count: indices.rank)
        for e in 0..<raw.count {
          let i = raw[e] < 0 ? raw[e] + n : raw[e]
          guard i >= 0, i < n else {
            throw kernelError("GatherElements' index \(raw[e]) is out of range for an axis of size \(n)")
          }
          var offset = 0
          for d in 0..<indices.rank { offset += (d == a ? i : counter[d]) * dataStrides[d] }
          order[e] = offset
          advance(&counter, within: indices.shape)
        }
        return Tensor(unchecked: indices.shape, data.storage.picking(order))
      }
    }
  }
}

/// For each line along `axis`, the flat positions of its k first elements in TopK's order:
/// by value (NaN above every number), then by position.
private func topKOrder<T: Comparable>(_ v: [T], shape: [Int], axis: Int, k: Int, largest: Bool) -> [Int] {
  let n = shape[axis]
  let inner = shape[(axis + 1)...].reduce(1, *)
  let outer = shape[..<axis].reduce(1, *)
  // NaN is unordered; ranking it above everything keeps the comparison a strict weak order.
  func isNaN(_ x: T) -> Bool { x != x }
  func above(_ x: T, _ y: T) -> Bool { isNaN(y) ? false : (isNaN(x) || x > y) }
  // Whether flat position p comes before q in TopK's order: a strict total order.
  func before(_ p: Int, _ q: Int) -> Bool {
    let (x, y) = (v[p], v[q])
    if largest ? above(x, y) : above(y, x) { return true }
    if largest ? above(y, x) : above(x, y) { return false }
    return p < q
  }
  var result = [Int](filled: 0, count: outer * k * inner)
  var line = [Int](filled: 0, count: n)
  for o in 0..<outer {
    for i in 0..<inner {
      let base = o * n * inner + i
      if k >= 1 && k <= 16 && k < n {
        // A few of many (k-NN's neighbours): keep the k first so far in order, each element
        // one insertion at most, instead of sorting the whole line. The order being total,
        // the k kept are the sorted line's first k.
        var kept = 0
        // The k-th kept value once k are kept: a later position comes before it only by
        // ranking strictly above it, and most of a long line does not. Positions stay inside
        // the line (`base + j·inner` for j < n), hence the unchecked arithmetic.
        var last = v[base]
        v.withUnsafeBufferPointer { values in
          for j in 0..<n {
            let p = base &+ j &* inner
            if kept == k {
              let x = values[p]
              guard largest ? above(x, last) : above(last, x) else { continue }
            }
            var slot = min(kept, k - 1)
            while slot > 0 && before(p, line[slot - 1]) {
              line[slot] = line[slot - 1]
              slot -= 1
            }
            line[slot] = p
            kept = min(kept + 1, k)
            if kept == k { last = values[line[k - 1]] }
          }
        }
      } else {
        for j in 0..<n { line[j] = base + j * inner }
        line.sort(by: before)
      }
      for j in 0..<k { result[(o * k + j) * inner + i] = line[j] }
    }
  }
  return result
}
