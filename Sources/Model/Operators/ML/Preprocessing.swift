import Foundation

/// The ai.onnx.ml preprocessing operators: Scaler, Normalizer, Imputer, OneHotEncoder,
/// Binarizer, FeatureVectorizer, ArrayFeatureExtractor, LabelEncoder and ZipMap.
enum Preprocessing {
  static var definitions: [OperatorDefinition] {
    let ml = OperatorRegistry.mlDomain
    return [
      OperatorRegistry.define(ml, "Scaler", opsets: 1...5) { (ctx) throws(ModelError) in
        let scale = ctx.floats("scale")
        let offset = ctx.floats("offset")
        guard !scale.isEmpty, scale.count == offset.count else {
          throw ctx.error("scale and offset must be non-empty and of one length")
        }
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          let stride = x.rank == 1 ? x.shape[0] : (x.rank >= 2 ? x.shape[1] : 1)
          guard scale.count == stride || scale.count == 1 else {
            throw kernelError("the scaler has \(scale.count) columns; the input has \(stride)")
          }
          // Element i takes column i % stride's offset and scale (or the only ones).
          let columns = scale.count == 1 ? 1 : stride
          switch x.storage {
          case .double(let v):
            let y = scaled(v, columns: columns) { v, j in Float((v - Double(offset[j])) * Double(scale[j])) }
            return Tensor(unchecked: x.shape, .float(y))
          default:
            let y = scaledFloats(try floatRows(x).values, columns: columns, offset: offset, scale: scale)
            return Tensor(unchecked: x.shape, .float(y))
          }
        }
      },
      OperatorRegistry.define(ml, "Normalizer", opsets: 1...5) { (ctx) throws(ModelError) in
        let name = try ctx.string("norm", default: "MAX")
        guard let norm = Norm(rawValue: name) else { throw ctx.unsupported("norm \(name)") }
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          let n = x.rank <= 1 ? 1 : x.shape[0]
          let c = x.rank <= 1 ? x.count : x.shape[1]
          let inner = x.rank <= 2 ? 1 : x.shape[2...].reduce(1, *)
          let y: [Float]
          switch x.storage {
          case .float(let v): y = v.withUnsafeBufferPointer { norm.apply($0, n: n, c: c, inner: inner) }
          case .double(let v): y = v.withUnsafeBufferPointer { norm.apply($0, n: n, c: c, inner: inner) }
          default:
            guard let d = x.storage.doubles else { throw kernelError("Normalizer needs numbers") }
            y = d.withUnsafeBufferPointer { norm.apply($0, n: n, c: c, inner: inner) }
          }
          return Tensor(unchecked: x.shape, .float(y))
        }
      },
      OperatorRegistry.define(ml, "Imputer", opsets: 1...5) { (ctx) throws(ModelError) in
        let floats = ctx.floats("imputed_value_floats")
        let ints = ctx.ints("imputed_value_int64s")
        let replacedFloat = try ctx.float("replaced_value_float", default: 0)
        let replacedInt = Int64(try ctx.int("replaced_value_int64", default: 0))
        guard floats.isEmpty != ints.isEmpty else {
          throw ctx.error("exactly one of imputed_value_floats and imputed_value_int64s must be set")
        }
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          let stride = x.rank == 1 ? x.shape[0] : (x.rank >= 2 ? x.shape[1] : 1)
          switch x.storage {
          case .float(let v):
            guard !floats.isEmpty else { throw kernelError("the imputer has integer values for a float input") }
            let perColumn = floats.count == stride
            return Tensor(
              unchecked: x.shape,
              .float(
                v.indices.map { i in
                  let missing = (v[i].isNaN && replacedFloat.isNaN) || v[i] == replacedFloat
                  return missing ? floats[perColumn ? i % stride : 0] : v[i]
                }))
          case .int64(let v):
            guard !ints.isEmpty else { throw kernelError("the imputer has float values for an integer input") }
            let perColumn = ints.count == stride
            return Tensor(
              unchecked: x.shape,
              .int64(
                v.indices.map { i in
                  v[i] == replacedInt ? ints[perColumn ? i % stride : 0] : v[i]
                }))
          default:
            throw kernelError("Imputer takes float or int64 input, got \(x.elementType)")
          }
        }
      },
      OperatorRegistry.define(ml, "OneHotEncoder", opsets: 1...5) { (ctx) throws(ModelError) in
        let strings = ctx.strings("cats_strings")
        let ints = ctx.ints("cats_int64s")
        let zeros = try ctx.int("zeros", default: 1) != 0
        guard strings.isEmpty != ints.isEmpty else {
          throw ctx.error("exactly one of cats_strings and cats_int64s must be set")
        }
        // Later duplicates win, as in onnxruntime.
        let stringIndex = Dictionary(strings.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { $1 })
        let intIndex = Dictionary(ints.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { $1 })
        let k = max(strings.count, ints.count)
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          var y = [Float](filled: 0, count: x.count * k)
          func place(_ i: Int, _ position: Int?, _ shown: String) throws(ModelError) {
            if let p = position {
              y[i * k + p] = 1
            } else if !zeros {
              throw kernelError("unknown category \(shown)")
            }
          }
          switch x.storage {
          case .string(let v):
            guard !strings.isEmpty else { throw kernelError("the encoder has integer categories for a string input") }
            for (i, s) in v.enumerated() { try place(i, stringIndex[s], "\"\(s)\"") }
          default:
            guard let d = x.storage.doubles else { throw kernelError("OneHotEncoder needs strings or numbers") }
            guard !ints.isEmpty else { throw kernelError("the encoder has string categories for a numeric input") }
            for (i, value) in d.enumerated() { try place(i, intIndex[Int64(saturating: value)], formatNumber(value)) }
          }
          return Tensor(unchecked: x.shape + [k], .float(y))
        }
      },
      OperatorRegistry.define(ml, "Binarizer", opsets: 1...5) { (ctx) throws(ModelError) in
        let threshold = try ctx.float("threshold", default: 0)
        return tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          guard case .float(let v) = x.storage else { throw kernelError("Binarizer takes float input") }
          guard !v.contains(where: \.isNaN) else { throw kernelError("Binarizer got NaN") }
          return Tensor(unchecked: x.shape, .float(v.map { $0 > threshold ? 1 : 0 }))
        }
      },
      OperatorRegistry.define(ml, "FeatureVectorizer", opsets: 1...5) { (ctx) throws(ModelError) in
        let dims = ctx.ints("inputdimensions").map(Int.init)
        let total = dims.reduce(0, +)
        return tensorKernel { (inputs) throws(ModelError) in
          guard inputs.count == dims.count else {
            throw kernelError("\(inputs.count) inputs for \(dims.count) inputdimensions")
          }
          let first = try inputs.take(0)
          let n = first.rank == 1 ? 1 : first.shape[0]
          var y = [Float](filled: 0, count: n * total)
          var offset = 0
          for (k, width) in dims.enumerated() {
            // Input 0 is taken above: read again, its slot would be empty.
            let t = k == 0 ? first : try inputs.tensor(k)
            guard let d = t.storage.doubles else { throw kernelError("FeatureVectorizer needs numbers") }
            let size = t.rank == 1 ? t.shape[0] : t.shape[1...].reduce(1, *)
            let rows = t.rank == 1 ? 1 : t.shape[0]
            guard rows == n else { throw kernelError("inputs have \(rows) and \(n) rows") }
            for r in 0..<n {
              for j in 0..<min(size, width) { y[r * total + offset + j] = Float(d[r * size + j]) }
            }
            offset += width
          }
          return Tensor(unchecked: [n, total], .float(y))
        }
      },
      OperatorRegistry.define(ml, "ArrayFeatureExtractor", opsets: 1...5) { _ throws(ModelError) in
        tensorKernel { (inputs) throws(ModelError) in
          let x = try inputs.take(0)
          let stride = x.shape.last ?? 1
          let indices = try extractorIndices(try inputs.tensor(1), stride: stride)
          let m = indices.count
          let outer = x.count / max(stride, 1)
          var shape = x.shape
          switch x.rank {
          case 0: shape = [m]
          case 1: shape = [1, m]
          default: shape[shape.count - 1] = m
          }
          let picked = x.storage.picking(count: outer * m) { k in (k / m) * stride + indices[k % m] }
          return Tensor(unchecked: shape, picked)
        }
      },
      OperatorRegistry.define(ml, "ZipMap", opsets: 1...5) { (ctx) throws(ModelError) in
        let strings = ctx.strings("classlabels_strings")
        let ints = ctx.ints("classlabels_int64s")
        guard strings.isEmpty != ints.isEmpty else {
          throw ctx.error("exactly one of classlabels_strings and classlabels_int64s must be set")
        }
        let keys: MapKeys = strings.isEmpty ? .int64(ints) : .string(strings)
        return ClosureKernel { (inputs, outputs) throws(ModelError) in
          let x = try inputs.take(0)
          guard x.rank == 1 || x.rank == 2 else { throw kernelError("ZipMap takes a 1-D or 2-D input, got \(x.shape)") }
          let c = x.shape.last ?? 0
          guard c == keys.count else { throw kernelError("\(c) columns for \(keys.count) class labels") }
          let v = try floatRows(x).values
          outputs.set(0, .sequenceOfMaps(SequenceOfMaps(keys: keys, values: v)))
        }
      },
      OperatorRegistry.define(ml, "LabelEncoder", opsets: 1...4) { (ctx) throws(ModelError) in
        try LabelEncoderKernel(ctx)
      },
    ]
  }
}

/// The norms of ai.onnx.ml Normalizer, computed in Float as onnxruntime does.
private enum Norm: String {
  case max = "MAX"
  case l1 = "L1"
  case l2 = "L2"

  /// Normalises `x`, of shape [n, c, inner], along its second axis. Squares for L2 are taken
  /// in the input's precision, then rounded to Float.
  func apply<S: BinaryFloatingPoint>(_ x: UnsafeBufferPointer<S>, n: Int, c: Int, inner: Int) -> [Float] {
    [Float](uninitializedCount: x.count, zero: 0) { y, initialized in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: c) { squares in
        for o in 0..<n {
          for i in 0..<inner {
            // Element j of this row is at base + j·inner, inside x: the shape's product is x.count.
            let base = o * c * inner + i
            switch self {
            case .max:
              var m = -Float.greatestFiniteMagnitude
              for j in 0..<c { m = Swift.max(m, Float(x[base + j * inner])) }
              for j in 0..<c {
                let v = Float(x[base + j * inner])
                y[base + j * inner] = m != 0 ? v / m : v
              }
            case .l1:
              var s: Float = 0
              for j in 0..<c { s += abs(Float(x[base + j * inner])) }
              for j in 0..<c {
                let v = Float(x[base + j * inner])
                y[base + j * inner] = s != 0 ? v / s : v
              }
            case .l2:
              var s: Float = 0
              for j in 0..<c {
                let v = x[base + j * inner]
                squares[j] = Float(v * v)
                s += squares[j]
              }
              for j in 0..<c {
                let v = x[base + j * inner]
                y[base + j * inner] = s != 0 ? (squares[j] / s).squareRoot() * (v < 0 ? -1 : 1) : Float(v)
              }
            }
          }
        }
      }
      initialized = x.count
    }
  }
}

/// `transform(x[i], j)` for every element, where j is the element's column in rows of
/// `columns` elements (`x.count` need not be a multiple: the last row may be short).
@inline(__always)
/// ArrayFeatureExtractor's indices, each checked to pick one of `stride` columns.
private func extractorIndices(_ t: Tensor, stride: Int) throws(ModelError) -> [Int] {
  let indices: [Int]
  switch t.storage {
  case .int64(let v): indices = v.map { Int(truncatingIfNeeded: $0) }
  case .int32(let v): indices = v.map { Int($0) }
  default:
    guard let d = t.storage.doubles else { throw kernelError("ArrayFeatureExtractor needs integer indices") }
    indices = try d.map { (v) throws(ModelError) -> Int in
      guard let i = Int(exactly: v.rounded(.towardZero)) else { throw kernelError("index \(v) is not a column") }
      return i
    }
  }
  guard !indices.isEmpty else { throw kernelError("ArrayFeatureExtractor needs non-empty integer indices") }
  for i in indices where i < 0 || i >= stride {
    throw kernelError("index \(i) is out of range for \(stride) columns")
  }
  return indices
}

/// `(x - offset[j]) * scale[j]` for the `j`th element of each run of `columns`: `scaled` for
/// floats, over buffers, so that the loop is vectorized rather than a closure call per element.
private func scaledFloats(_ x: [Float], columns: Int, offset: [Float], scale: [Float]) -> [Float] {
  [Float](uninitializedCount: x.count, zero: 0) { y, initialized in
    x.withUnsafeBufferPointer { x in
      offset.withUnsafeBufferPointer { o in
        scale.withUnsafeBufferPointer { s in
          guard columns > 1 else {
            for i in x.indices { y[i] = (x[i] - o[0]) * s[0] }
            return
          }
          var start = 0
          while start < x.count {
            let width = min(columns, x.count - start)
            for j in 0..<width { y[start + j] = (x[start + j] - o[j]) * s[j] }
            start += width
          }
        }
      }
    }
    initialized = x.count
  }
}

private func scaled<S>(_ x: [S], columns: Int, _ transform: (S, Int) -> Float) -> [Float] {
  [Float](uninitializedCount: x.count, zero: 0) { y, initialized in
    x.withUnsafeBufferPointer { x in
      var start = 0
      while start < x.count {
        let end = min(start + columns, x.count)
        for i in start..<end { y[i] = transform(x[i], i - start) }
        start = end
      }
    }
    initialized = x.count
  }
}
