import Foundation
import Testing

@testable import Model

/// The register-blocked Float kernels (matrix products four rows at a time, 1-D convolutions
/// over a padded copy of the line, 1-D max pooling eight windows at a time) against plain
/// one-element-at-a-time references written here: the same operations in the same order, so
/// the values must agree bit for bit, NaN, infinities and signed zeros included, at every
/// size around the blocks' edges.
@Suite("Blocked Float kernels")
struct LineKernelTests {
  @Test(
    "MatMul, and MatMul with its bias and Relu fused, equal one multiply-add chain per element",
    arguments: [1, 3, 4, 5, 8, 9, 13], [1, 3, 7, 8, 9, 10, 15, 16, 17, 26, 33])
  func matrixProducts(m: Int, n: Int) throws {
    for k in [1, 6] {
      var a = values(m * k, seed: m * 31 + n + k)
      a[0] = -0.0
      if a.count > 5 { a[5] = .nan }
      let b = values(k * n, seed: n * 7 + k)
      let bias = values(n, seed: m + 3 * n)
      var product = [Float](repeating: 0, count: m * n)
      for i in 0..<m {
        for j in 0..<n {
          var s: Float = 0
          for p in 0..<k { s = s.addingProduct(a[i * k + p], b[p * n + j]) }
          product[i * n + j] = s
        }
      }
      let matmul = try oneNodeModel("MatMul", inputs: [("x", .float), ("w", .float)], output: .float)
      let y = try matmul.run(["x": Tensor(shape: [m, k], floats: a), "w": Tensor(shape: [k, n], floats: b)])
      #expect(bits(y["y"]?.tensor) == product.map(\.bitPattern), "m \(m) n \(n) k \(k)")

      let fused = try dense(k: k, n: n, weights: b, bias: bias, keepProduct: false)
      let unfused = try dense(k: k, n: n, weights: b, bias: bias, keepProduct: true)
      #expect(fused.plan.steps.count == 1)
      let x = try Tensor(shape: [m, k], floats: a)
      let f = try fused.run(["x": x])["y"]?.tensor
      let u = try unfused.run(["x": x])["y"]?.tensor
      #expect(f != nil)
      #expect(bits(f) == bits(u), "fused m \(m) n \(n) k \(k)")
    }
  }

  @Test(
    "a 1-D Conv, alone and with its Relu fused, equals the chain over channels then taps that skips the padding",
    arguments: [
      ConvCase(
        batch: 3, channels: 1, filters: 5, group: 1, length: 64, kernel: 5, stride: 1, dilation: 1, pads: (2, 2)),
      ConvCase(
        batch: 2, channels: 3, filters: 8, group: 1, length: 19, kernel: 3, stride: 2, dilation: 1, pads: (1, 0)),
      ConvCase(
        batch: 2, channels: 4, filters: 6, group: 2, length: 23, kernel: 4, stride: 3, dilation: 2, pads: (3, 1)),
      ConvCase(batch: 1, channels: 2, filters: 4, group: 1, length: 5, kernel: 3, stride: 1, dilation: 1, pads: (0, 0)),
      ConvCase(
        batch: 2, channels: 1, filters: 4, group: 1, length: 30, kernel: 2, stride: 2, dilation: 1, pads: (0, 0)),
      ConvCase(
        batch: 2, channels: 1, filters: 2, group: 1, length: 12, kernel: 3, stride: 1, dilation: 1, pads: (1, 1),
        infiniteWeight: true),
    ])
  func convolutions(c: ConvCase) throws {
    var x = values(c.batch * c.channels * c.length, seed: c.length)
    x[1] = -0.0
    x[2] = .nan
    x[x.count - 1] = .infinity
    let perGroup = c.channels / c.group
    var w = values(c.filters * perGroup * c.kernel, seed: c.kernel + 11)
    if c.infiniteWeight { w[0] = .infinity }
    let bias = values(c.filters, seed: c.filters)
    let out = (c.length + c.pads.0 + c.pads.1 - c.dilation * (c.kernel - 1) - 1) / c.stride + 1
    var expected: [Float] = []
    for b in 0..<c.batch {
      for m in 0..<c.filters {
        let first = m / (c.filters / c.group) * perGroup
        for o in 0..<out {
          var acc: Float = 0
          for ch in 0..<perGroup {
            for j in 0..<c.kernel {
              let at = o * c.stride - c.pads.0 + j * c.dilation
              guard at >= 0, at < c.length else { continue }
              acc = acc.addingProduct(
                w[(m * perGroup + ch) * c.kernel + j], x[(b * c.channels + first + ch) * c.length + at])
            }
          }
          expected.append(acc + bias[m])
        }
      }
    }
    let attributes = [
      intAttribute("group", Int64(c.group)), intsAttribute("strides", [Int64(c.stride)]),
      intsAttribute("dilations", [Int64(c.dilation)]), intsAttribute("pads", [Int64(c.pads.0), Int64(c.pads.1)]),
    ]
    let conv = try oneNodeModel(
      "Conv", inputs: [("x", .float), ("w", .float), ("b", .float)], output: .float, attributes: attributes)
    let input = try Tensor(shape: [c.batch, c.channels, c.length], floats: x)
    let y = try conv.run([
      "x": input, "w": Tensor(shape: [c.filters, perGroup, c.kernel], floats: w),
      "b": Tensor(shape: [c.filters], floats: bias),
    ])
    #expect(bits(y["y"]?.tensor) == expected.map(\.bitPattern))

    func withRelu(keepProduct: Bool) throws -> Model {
      try Graph.model(
        [Graph.node("Conv", ["x", "W", "B"], ["p"], attributes: attributes), Graph.node("Relu", ["p"], ["y"])],
        constants: [
          Graph.constant("W", [c.filters, perGroup, c.kernel], w.map(Double.init)),
          Graph.constant("B", [c.filters], bias.map(Double.init)),
        ],
        inputs: [Graph.value("x")],
        outputs: [Graph.value("y")] + (keepProduct ? [Graph.value("p")] : []))
    }
    let fused = try withRelu(keepProduct: false)
    #expect(fused.plan.steps.count == 1)
    let f = try fused.run(["x": input])["y"]?.tensor
    #expect(f != nil)
    #expect(bits(f) == bits(try withRelu(keepProduct: true).run(["x": input])["y"]?.tensor))
  }

  @Test(
    "a 1-D MaxPool equals the window-by-window maximum from the lowest finite value",
    arguments: [
      PoolCase(length: 64, kernel: 2, stride: 2, dilation: 1, pads: (0, 0), ceil: false),
      PoolCase(length: 37, kernel: 3, stride: 1, dilation: 1, pads: (1, 1), ceil: false),
      PoolCase(length: 40, kernel: 3, stride: 3, dilation: 2, pads: (2, 0), ceil: true),
      PoolCase(length: 21, kernel: 2, stride: 2, dilation: 1, pads: (0, 0), ceil: true),
      PoolCase(length: 6, kernel: 2, stride: 1, dilation: 1, pads: (0, 0), ceil: false),
    ])
  func maxPooling(c: PoolCase) throws {
    let planes = 6
    var x = values(planes * c.length, seed: c.length + c.kernel)
    x[3] = .nan
    x[4] = x[5]
    x[7] = -.infinity
    x[8] = -0.0
    let span = c.dilation * (c.kernel - 1) + 1
    let room = c.length + c.pads.0 + c.pads.1 - span
    var out = (c.ceil ? (room + c.stride - 1) / c.stride : room / c.stride) + 1
    if c.ceil, (out - 1) * c.stride >= c.length + c.pads.0 { out -= 1 }
    var expected: [Float] = []
    for p in 0..<planes {
      for o in 0..<out {
        var best = -Float.greatestFiniteMagnitude
        for j in 0..<c.kernel {
          let at = o * c.stride - c.pads.0 + j * c.dilation
          guard at >= 0, at < c.length else { continue }
          let v = x[p * c.length + at]
          best = v > best ? v : best
        }
        expected.append(best)
      }
    }
    let pool = try oneNodeModel(
      "MaxPool", inputs: [("x", .float)], output: .float,
      attributes: [
        intsAttribute("kernel_shape", [Int64(c.kernel)]), intsAttribute("strides", [Int64(c.stride)]),
        intsAttribute("dilations", [Int64(c.dilation)]), intsAttribute("pads", [Int64(c.pads.0), Int64(c.pads.1)]),
        intAttribute("ceil_mode", c.ceil ? 1 : 0),
      ])
    let y = try pool.run(["x": Tensor(shape: [2, 3, c.length], floats: x)])
    #expect(bits(y["y"]?.tensor) == expected.map(\.bitPattern))
  }

  @Test("Sub with a row first or one value per row gives the element-by-element differences")
  func rowAndColumnBroadcasts() throws {
    let (rows, width) = (5, 7)
    let m = values(rows * width, seed: 3)
    let row = values(width, seed: 4)
    let column = values(rows, seed: 5)
    let sub = try oneNodeModel("Sub", inputs: [("a", .float), ("b", .float)], output: .float)
    let matrix = try Tensor(shape: [rows, width], floats: m)
    let first = try sub.run(["a": Tensor(shape: [1, width], floats: row), "b": matrix])
    #expect(bits(first["y"]?.tensor) == (0..<(rows * width)).map { (row[$0 % width] - m[$0]).bitPattern })
    let perRow = try sub.run(["a": matrix, "b": Tensor(shape: [rows, 1], floats: column)])
    #expect(bits(perRow["y"]?.tensor) == (0..<(rows * width)).map { (m[$0] - column[$0 / width]).bitPattern })
  }

  @Test("Cast from int64 to float rounds once, as a C cast does, not twice through double")
  func castRoundsOnce() throws {
    // 2^60 + 2^36 + 1 is just above halfway between two floats; through double it lands
    // exactly halfway (the + 1 is lost) and rounds to even, downwards.
    let cast = try oneNodeModel("Cast", inputs: [("x", .int64)], output: .float, attributes: [intAttribute("to", 1)])
    let y = try cast.run(["x": Tensor(shape: [2], storage: .int64([(1 << 60) + (1 << 36) + 1, -3]))])
    #expect(y["y"]?.tensor?.storage == .float([Float(sign: .plus, exponent: 60, significand: 1) + 0x1p37, -3]))
  }

  @Test("a 2-D Transpose, copied in tiles, puts every element where the permutation says", arguments: [1, 5, 16, 37])
  func transposes(rows: Int) throws {
    let columns = 21
    let values = (0..<(rows * columns)).map { Int64($0) }
    let model = try oneNodeModel(
      "Transpose", inputs: [("x", .int64)], output: .int64, attributes: [intsAttribute("perm", [1, 0])])
    let y = try model.run(["x": Tensor(shape: [rows, columns], storage: .int64(values))])
    var expected: [Int64] = []
    for j in 0..<columns { for i in 0..<rows { expected.append(values[i * columns + j]) } }
    #expect(y["y"]?.tensor == (try Tensor(shape: [columns, rows], storage: .int64(expected))))
  }
}

struct ConvCase: Sendable, CustomTestStringConvertible {
  let batch, channels, filters, group, length, kernel, stride, dilation: Int
  let pads: (Int, Int)
  var infiniteWeight = false

  var testDescription: String {
    "\(channels)→\(filters) channels (group \(group)), length \(length), kernel \(kernel), stride \(stride), "
      + "dilation \(dilation), pads \(pads)\(infiniteWeight ? ", an infinite weight" : "")"
  }
}

struct PoolCase: Sendable, CustomTestStringConvertible {
  let length, kernel, stride, dilation: Int
  let pads: (Int, Int)
  let ceil: Bool

  var testDescription: String {
    "length \(length), kernel \(kernel), stride \(stride), dilation \(dilation), pads \(pads), ceil_mode \(ceil)"
  }
}

/// `count` values in [-2, 2), the same for the same seed.
private func values(_ count: Int, seed: Int) -> [Float] {
  var state = UInt64(truncatingIfNeeded: seed) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
  return (0..<count).map { _ in
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Float(state >> 40) / Float(1 << 24) * 4 - 2
  }
}

/// A Float tensor's values as bit patterns (so that NaN equals NaN and -0 differs from +0).
private func bits(_ t: Tensor?) -> [UInt32]? {
  guard case .float(let v)? = t?.storage else { return nil }
  return v.map(\.bitPattern)
}

/// x [?, k] → MatMul(x, W [k, n]) → Add(bias [n]) → Relu → y, W and the bias constants.
private func dense(k: Int, n: Int, weights: [Float], bias: [Float], keepProduct: Bool) throws -> Model {
  try Graph.model(
    [
      Graph.node("MatMul", ["x", "W"], ["p"]), Graph.node("Add", ["p", "b"], ["s"]), Graph.node("Relu", ["s"], ["y"]),
    ],
    constants: [
      Graph.constant("W", [k, n], weights.map(Double.init)), Graph.constant("b", [n], bias.map(Double.init)),
    ],
    inputs: [Graph.value("x")],
    outputs: [Graph.value("y")] + (keepProduct ? [Graph.value("p"), Graph.value("s")] : []))
}
