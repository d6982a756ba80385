import Foundation

/// Operators that move, reshape, select or convert elements without arithmetic.
enum ShapeOperators {
  static var definitions: [OperatorDefinition] {
    [
      OperatorRegistry.define("", "Identity") { _ throws(ModelError) in
        ClosureKernel { (inputs, outputs) throws(ModelError) in
          guard let v = inputs.first ?? nil else { throw kernelError("input 0 is missing") }
          outputs.set(0, v)
        }
      },
      OperatorRegistry.define("", "Constant") { (ctx) throws(ModelError) in
        let value: Tensor
        if let t = try ctx.tensor("value") {
          value = t
        } else if let f = try ctx.float("value_float") {
          value = Tensor(unchecked: [], .float([f]))
        } else if ctx.has("value_floats") {
          let v = ctx.floats("value_floats")
          value = Tensor(unchecked: [v.count], .float(v))
        } else if let i = try ctx.int("value_int") {
          value = Tensor(unchecked: [], .int64([Int64(i)]))
        } else if ctx.has("value_ints") {
          let v = ctx.ints("value_ints")
          value = Tensor(unchecked: [v.count], .int64(v))
        } else if let s = try ctx.string("value_string") {
          value = Tensor(unchecked: [], .string([s]))
        } else if ctx.has("value_strings") {
          let v = ctx.strings("value_strings")
          value = Tensor(unchecked: [v.count], .string(v))
        } else {
          throw ctx.unsupported("a Constant without a dense value attribute")
        }
        return ClosureKernel { (_, outputs) throws(ModelError) in outputs.set(0, .tensor(value)) }
      },
      OperatorRegistry.define("", "Cast") { (ctx) throws(ModelError) in
        guard let code = try ctx.int("to"), let target = ONNXDataType.elementType(Int32(clamping: code)) else {
          throw ctx.unsupported("casting to \(ONNXDataType.name(Int32(clamping: (try? ctx.int("to")) ?? 0)))")
        }
        return tensorKernel { (inputs) throws(ModelError) in try cast(try inputs.take(0), to: target) }
      },
      OperatorRegistry.define("", "Reshape") { (ctx) throws(ModelError) in
        let allowZero = try ctx.int("allowzero", default: 0) != 0
        // Most graphs reshape to a constant: read it once, not on every run.
        let constant = ctx.constantInputs.count > 1 ? try ctx.constantInputs[1]?.integers("Reshape's shape") : nil
        // With a constant shape, the result's shape for the last input shape is kept.
        let shapes = ShapeCache<[Int], [Int]>()
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          if let constant {
            let shape = try shapes.value(for: x.shape) { () throws(ModelError) in
              try reshape(x, to: constant, allowZero: allowZero).shape
            }
            return Tensor(unchecked: shape, x.storage)
          }
          return try reshape(x, to: try inputs.tensor(1).integers("Reshape's shape"), allowZero: allowZero)
        }
      },
      OperatorRegistry.define("", "Flatten") { (ctx) throws(ModelError) in
        let axis = try ctx.int("axis", default: 1)
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          let a = axis < 0 ? axis + x.rank : axis
          guard a >= 0, a <= x.rank else { throw kernelError("axis \(axis) is out of range for rank \(x.rank)") }
          let outer = x.shape[..<a].reduce(1, *)
          return Tensor(unchecked: [outer, x.shape[a...].reduce(1, *)], x.storage)
        }
      },
      OperatorRegistry.define("", "Squeeze") { (ctx) throws(ModelError) in
        let attrAxes = ctx.ints("axes").map(Int.init)
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          var axes = attrAxes
          if let t = try inputs.optionalTensor(1) { axes = try t.integers("Squeeze's axes") }
          let normalized = try Set(axes.map { (a) throws(ModelError) in try normalizeAxis(a, rank: x.rank) })
          var shape: [Int] = []
          for (i, d) in x.shape.enumerated() {
            if normalized.isEmpty ? d == 1 : normalized.contains(i) {
              guard d == 1 else { throw kernelError("cannot squeeze axis \(i) of size \(d)") }
            } else {
              shape.append(d)
            }
          }
          return Tensor(unchecked: shape, x.storage)
        }
      },
      OperatorRegistry.define("", "Unsqueeze") { (ctx) throws(ModelError) in
        let attrAxes = ctx.ints("axes").map(Int.init)
        // Axes given as a constant input (opset 13 on) are read once, here; before opset 13
        // they are the attribute.
        let fixedAxes =
          ctx.constantInputs.count > 1
          ? try ctx.constantInputs[1]?.integers("Unsqueeze's axes") : (ctx.opset < 13 ? attrAxes : nil)
        // With fixed axes, the shape for the last input shape is kept: working it out cost
        // more than a one-row network's convolution.
        let shapes = ShapeCache<[Int], [Int]>()
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          if let fixed = fixedAxes {
            let shape = try shapes.value(for: x.shape) { () throws(ModelError) in try unsqueezed(x.shape, axes: fixed) }
            return Tensor(unchecked: shape, x.storage)
          }
          let axes = try inputs.optionalTensor(1)?.integers("Unsqueeze's axes") ?? attrAxes
          return Tensor(unchecked: try unsqueezed(x.shape, axes: axes), x.storage)
        }
      },
      OperatorRegistry.define("", "Concat") { (ctx) throws(ModelError) in
        guard let axis = try ctx.int("axis") else { throw ctx.error("Concat needs an axis attribute") }
        return tensorKernel { (inputs) throws(ModelError) in
          let tensors = try (0..<inputs.count).map { (i) throws(ModelError) in try inputs.tensor(i) }
          return try concat(tensors, axis: axis)
        }
      },
      OperatorRegistry.define("", "Shape") { (ctx) throws(ModelError) in
        let start = try ctx.int("start", default: 0)
        let end = try ctx.int("end")
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          let r = x.rank
          let s = min(max(start < 0 ? start + r : start, 0), r)
          let e = min(max((end ?? r) < 0 ? (end ?? r) + r : (end ?? r), s), r)
          let dims = x.shape[s..<e].map(Int64.init)
          return Tensor(unchecked: [dims.count], .int64(dims))
        }
      },
      OperatorRegistry.define("", "Gather") { (ctx) throws(ModelError) in
        let axis = try ctx.int("axis", default: 0)
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          let idx = try inputs.tensor(1)
          return try gather(x, indices: idx, axis: axis)
        }
      },
      OperatorRegistry.define("", "Transpose") { (ctx) throws(ModelError) in
        let perm = ctx.ints("perm").map(Int.init)
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          return try transpose(x, perm: perm.isEmpty ? Array((0..<x.rank).reversed()) : perm)
        }
      },
      OperatorRegistry.define("", "Not") { _ throws(ModelError) in
        tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          guard case .bool(let v) = x.storage else { throw kernelError("Not needs booleans") }
          return Tensor(unchecked: x.shape, .bool(v.map { !$0 }))
        }
      },
      OperatorRegistry.define("", "IsNaN") { _ throws(ModelError) in
        tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          guard let v = x.storage.doubles else { throw kernelError("IsNaN needs numbers") }
          return Tensor(unchecked: x.shape, .bool(v.map(\.isNaN)))
        }
      },
      OperatorRegistry.define("", "Where") { _ throws(ModelError) in
        tensorKernel { (inputs) throws(ModelError) in
          let c = try inputs.take(0)
          let a = try inputs.tensor(1)
          let b = try inputs.tensor(2)
          guard case .bool(let cond) = c.storage else { throw kernelError("Where needs a boolean condition") }
          guard let shape1 = broadcastShape(c.shape, a.shape), let shape = broadcastShape(shape1, b.shape) else {
            throw kernelError("shapes \(c.shape), \(a.shape), \(b.shape) cannot be broadcast together")
          }
          let ic = broadcastIndices(from: c.shape, to: shape)
          let ia = broadcastIndices(from: a.shape, to: shape)
          let ib = broadcastIndices(from: b.shape, to: shape)
          let pick = (0..<ic.count).map { cond[ic[$0]] }
          guard a.elementType == b.elementType else {
            throw kernelError("Where needs two branches of one type, got \(a.elementType) and \(b.elementType)")
          }
          // Picked from both branches laid end to end: the elements are copied, never
          // converted, so integers beyond 2^53 stay exact.
          let both = try Tensor.Storage.joined([a.storage, b.storage])
          return Tensor(unchecked: shape, both.picking(pick.indices.map { pick[$0] ? ia[$0] : a.count + ib[$0] }))
        }
      },
      OperatorRegistry.define("", "Clip") { (ctx) throws(ModelError) in
        let attrMin = try ctx.float("min")
        let attrMax = try ctx.float("max")
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          let lo = try inputs.optionalTensor(1)?.storage.doubles?.first ?? attrMin.map(Double.init) ?? -.infinity
          let hi = try inputs.optionalTensor(2)?.storage.doubles?.first ?? attrMax.map(Double.init) ?? .infinity
          switch x.storage {
          case .float(let v):
            let (l, h) = (Float(lo), Float(hi))
            return Tensor(unchecked: x.shape, .float(v.map { min(max($0, l), h) }))
          case .int64(let v):
            // Integer bounds are compared as integers: through doubles, values beyond 2^53 move.
            func bound(_ i: Int, _ fallback: Int64) throws(ModelError) -> Int64 {
              if case .int64(let b)? = try inputs.optionalTensor(i)?.storage, let first = b.first { return first }
              return fallback
            }
            let (l, h) = (try bound(1, .min), try bound(2, .max))
            return Tensor(unchecked: x.shape, .int64(v.map { min(max($0, l), h) }))
          default:
            guard let v = x.storage.doubles else { throw kernelError("Clip needs numbers") }
            return Tensor(unchecked: x.shape, storageOf(x.elementType, v.map { min(max($0, lo), hi) }))
          }
        }
      },
      OperatorRegistry.define("", "LeakyRelu") { (ctx) throws(ModelError) in
        let alpha = try ctx.float("alpha", default: 0.01)
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          switch x.storage {
          case .float(let v): return Tensor(unchecked: x.shape, .float(v.map { $0 >= 0 ? $0 : $0 * alpha }))
          case .double(let v):
            let a = Double(alpha)
            return Tensor(unchecked: x.shape, .double(v.map { $0 >= 0 ? $0 : $0 * a }))
          default: throw kernelError("LeakyRelu needs floats")
          }
        }
      },
      OperatorRegistry.define("", "ConstantOfShape") { (ctx) throws(ModelError) in
        let fill = try ctx.tensor("value") ?? Tensor(unchecked: [1], .float([0]))
        guard fill.count == 1 else { throw ctx.error("value should hold one element, holds \(fill.count)") }
        return tensorKernel { (inputs) throws(ModelError) in
          let dims = try inputs.take(0).integers("ConstantOfShape's shape")
          guard let n = elementCount(dims) else { throw kernelError("cannot make a tensor of shape \(dims)") }
          // The value copied n times, in its own type (an int64 beyond 2^53 stays exact).
          return Tensor(unchecked: dims, fill.storage.picking([Int](filled: 0, count: n)))
        }
      },
      OperatorRegistry.define("", "Slice") { (ctx) throws(ModelError) in
        let attrStarts = ctx.ints("starts").map(Int.init)
        let attrEnds = ctx.ints("ends").map(Int.init)
        let attrAxes = ctx.ints("axes").map(Int.init)
        let v10 = ctx.opset >= 10
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          func ints(_ i: Int) throws(ModelError) -> [Int]? {
            try inputs.optionalTensor(i)?.integers("Slice's input \(i)")
          }
          let starts = v10 ? try ints(1) ?? [] : attrStarts
          let ends = v10 ? try ints(2) ?? [] : attrEnds
          let axes =
            v10 ? try ints(3) ?? Array(0..<starts.count) : (attrAxes.isEmpty ? Array(0..<starts.count) : attrAxes)
          let steps =
            v10 ? try ints(4) ?? [Int](filled: 1, count: starts.count) : [Int](filled: 1, count: starts.count)
          return try slice(x, starts: starts, ends: ends, axes: axes, steps: steps)
        }
      },
    ]
  }
}

/// `shape` with a dimension of 1 inserted at each of `axes` (positions in the result, negative
/// from its end).
private func unsqueezed(_ shape: [Int], axes: [Int]) throws(ModelError) -> [Int] {
  let rank = shape.count + axes.count
  var inserted = [Bool](filled: false, count: rank)
  for a in axes {
    let axis = try normalizeAxis(a, rank: rank)
    guard !inserted[axis] else { throw kernelError("Unsqueeze has repeated axes \(axes)") }
    inserted[axis] = true
  }
  var result: [Int] = []
  result.reserveCapacity(rank)
  var source = shape.makeIterator()
  for i in 0..<rank { result.append(inserted[i] ? 1 : (source.next() ?? 1)) }
  return result
}
