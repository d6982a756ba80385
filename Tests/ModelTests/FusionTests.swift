import Foundation
import SwiftProtobuf
import Testing

@testable import Model

/// MatMul → Add(constant bias) → Relu chains run as one plan step (`EpilogueKernel`); the
/// fused step must give exactly what the three nodes give one after the other, and the
/// cases its in-place paths leave must go through the nodes' own kernels.
@Suite("Fused dense layers")
struct FusionTests {
  @Test(
    "a fused MatMul, bias and Relu give the unfused graph's values bit for bit",
    arguments: [
      (ElementType.float, [4], false), (.float, [4], true), (.float, [1, 4], false), (.double, [4], false),
      // A bias that widens the product, or whose rank exceeds it, takes the Add kernel's path.
      (.float, [2, 4], false), (.float, [1, 1, 4], true),
    ])
  func fusedEqualsUnfused(type: ElementType, biasShape: [Int], biasFirst: Bool) throws {
    let fused = try denseModel(type: type, biasShape: biasShape, biasFirst: biasFirst, keepProduct: false)
    let unfused = try denseModel(type: type, biasShape: biasShape, biasFirst: biasFirst, keepProduct: true)
    #expect(fused.plan.steps.count == 1)
    #expect(unfused.plan.steps.count == 3)
    for rows in [1, 2] {
      let values = (0..<(rows * 3)).map { Double($0) * 0.37 - 1.1 }
      let x = try Tensor(shape: [rows, 3], storage: storage(type, values))
      let a = try fused.run(["x": x])["y"]?.tensor
      let b = try unfused.run(["x": x])["y"]?.tensor
      #expect(a != nil)
      #expect(a == b, "\(rows) rows")
    }
  }

  @Test(
    "a MatMul, two constant Adds and a Relu fuse into one step with the unfused values",
    arguments: [
      (ElementType.float, [4], [4]), (.float, [1, 4], [2, 4]), (.double, [4], [1, 4]), (.float, [2, 4], [4]),
    ])
  func twoBiases(type: ElementType, biasShape: [Int], secondShape: [Int]) throws {
    let fused = try denseModel(
      type: type, biasShape: biasShape, biasFirst: false, keepProduct: false, secondBiasShape: secondShape)
    let unfused = try denseModel(
      type: type, biasShape: biasShape, biasFirst: false, keepProduct: true, secondBiasShape: secondShape)
    #expect(fused.plan.steps.count == 1)
    #expect(unfused.plan.steps.count == 4)
    for rows in [1, 2] {
      let values = (0..<(rows * 3)).map { Double($0) * 0.37 - 1.1 }
      let x = try Tensor(shape: [rows, 3], storage: storage(type, values))
      let a = try fused.run(["x": x])["y"]?.tensor
      #expect(a != nil)
      #expect(a == (try unfused.run(["x": x])["y"]?.tensor), "\(rows) rows")
    }
  }

  @Test("a Gemm with transposed constant weights and its Relu fuse, giving the unfused values")
  func gemmAndRelu() throws {
    let fused = try gemmModel(keepProduct: false)
    let unfused = try gemmModel(keepProduct: true)
    #expect(fused.plan.steps.count == 1)
    #expect(unfused.plan.steps.count == 2)
    let xs: [Float] = [0.5, -1.25, 2, 3.5, 0.75, -2.5]
    let x = try Tensor(shape: [2, 3], floats: xs)
    let a = try fused.run(["x": x])["y"]?.tensor
    #expect(a != nil)
    #expect(a == (try unfused.run(["x": x])["y"]?.tensor))
    // y = relu(x · Wᵀ + c), W row-major [4, 3] = 0.1·(0…11) − 0.5, c = [0.2, −0.4, 0, 1].
    let w = (0..<12).map { Float($0) * 0.1 - 0.5 }
    let c: [Float] = [0.2, -0.4, 0, 1]
    var expected: [Float] = []
    for r in 0..<2 {
      for j in 0..<4 {
        var sum: Float = 0
        for p in 0..<3 { sum = sum.addingProduct(xs[r * 3 + p], w[j * 3 + p]) }
        expected.append(max(c[j].addingProduct(sum, 1), 0))
      }
    }
    #expect(a?.storage == .float(expected))
  }

  @Test("a 1-D Conv and its Relu fuse, giving the unfused values")
  func convAndRelu() throws {
    let fused = try convModel(keepProduct: false)
    let unfused = try convModel(keepProduct: true)
    #expect(fused.plan.steps.count == 1)
    #expect(unfused.plan.steps.count == 2)
    let x = try Tensor(shape: [2, 1, 6], floats: (0..<12).map { Float($0) * 0.75 - 4 })
    let a = try fused.run(["x": x])["y"]?.tensor
    #expect(a?.shape == [2, 2, 6])
    #expect(a == (try unfused.run(["x": x])["y"]?.tensor))
  }

  /// (kernel, strides, pads, ceil_mode) of the MaxPool: torch's non-overlapping windows,
  /// overlapping ones with padding at both edges, and a last window cut by ceil_mode.
  static let pools: [([Int64], [Int64], [Int64], Int64)] = [
    ([2], [2], [0, 0], 0), ([3], [1], [1, 1], 0), ([3], [2], [0, 1], 1),
  ]

  @Test(
    "a 1-D Conv, its Relu and a MaxPool fuse into one step with the unfused values",
    arguments: [true, false], pools.indices)
  func convReluAndPool(relu: Bool, pool: Int) throws {
    let (kernel, strides, pads, ceil) = Self.pools[pool]
    func model(_ kept: ConvPoolKept) throws -> Model {
      try convPoolModel(
        relu: relu, kernel: kernel, strides: strides, pads: pads, ceilMode: ceil, twoD: false, kept: kept)
    }
    let fused = try model(.none)
    #expect(fused.plan.steps.count == 1)
    #expect(fused.plan.steps[0].label.contains("maxpool"))
    let unfused = try model(.convolution)
    #expect(unfused.plan.steps.count == (relu ? 3 : 2))
    // Relu fused with the Conv, the MaxPool on its own: the path the fused step falls back on.
    let pooledApart = try model(.beforePool)
    #expect(pooledApart.plan.steps.count == 2)
    for rows in [1, 3] {
      // Ties, a NaN, an infinity and values on both sides of zero.
      var values = (0..<(rows * 2 * 40)).map { Float(($0 * 7) % 11) * 0.5 - 2.5 }
      values[5] = .nan
      values[values.count - 2] = .infinity
      let x = try Tensor(shape: [rows, 2, 40], floats: values)
      let a = try fused.run(["x": x])["y"]?.tensor
      let b = try unfused.run(["x": x])["y"]?.tensor
      #expect(a != nil)
      // Compared bit for bit: NaN included.
      #expect(a.map(bits) == b.map(bits), "\(rows) rows")
      #expect(a.map(bits) == (try pooledApart.run(["x": x])["y"]?.tensor).map(bits), "\(rows) rows")
    }
  }

  @Test("a 2-D Conv and its MaxPool fuse too, pooling the convolution's tensor")
  func twoDimensionalPool() throws {
    func model(_ kept: ConvPoolKept) throws -> Model {
      try convPoolModel(
        relu: true, kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceilMode: 0, twoD: true, kept: kept)
    }
    let fused = try model(.none)
    #expect(fused.plan.steps.count == 1)
    let x = try Tensor(shape: [2, 2, 4, 6], floats: (0..<96).map { Float(($0 * 5) % 13) * 0.25 - 1.5 })
    let a = try fused.run(["x": x])["y"]?.tensor
    #expect(a?.shape == [2, 5, 2, 3])
    #expect(a == (try model(.convolution).run(["x": x])["y"]?.tensor))
  }

  @Test("a MaxPool giving indices stays apart from the Conv")
  func poolWithIndices() throws {
    let model = try Graph.model(
      [
        Graph.node("Conv", ["x", "W"], ["p"]),
        Graph.node("MaxPool", ["p"], ["y", "i"], attributes: [intsAttribute("kernel_shape", [2])]),
      ],
      constants: [Graph.constant("W", [1, 1, 2], [1, -1])],
      inputs: [Graph.value("x")], outputs: [Graph.value("y"), Graph.value("i", .int64)])
    #expect(model.plan.steps.count == 2)
    let x = try Tensor(shape: [1, 1, 5], floats: [3, 1, 4, 1, 5])
    let out = try model.run(["x": x])
    #expect(out["y"]?.tensor == (try Tensor(shape: [1, 1, 3], floats: [2, 3, 3])))
    #expect(out["i"]?.tensor == (try Tensor(shape: [1, 1, 3], storage: .int64([0, 2, 2]))))
  }

  @Test("steps change the values they read last in place, never the caller's inputs or the constants")
  func inPlaceLeavesInputsAlone() throws {
    // y = relu((x + c) * c) and z = -x: x is read twice (its second reader may take it, the
    // caller still holds it), the sums are taken and changed in place, c is a constant.
    let model = try Graph.model(
      [
        Graph.node("Add", ["x", "c"], ["s"]), Graph.node("Mul", ["s", "c"], ["p"]), Graph.node("Relu", ["p"], ["y"]),
        Graph.node("Neg", ["x"], ["z"]),
      ],
      constants: [Graph.constant("c", [3], [2, -1, 0.5])],
      inputs: [Graph.value("x")],
      outputs: [Graph.value("y"), Graph.value("z")])
    let x = try Tensor(shape: [2, 3], floats: [1, 2, 3, -4, 5, -6])
    for _ in 0..<2 {
      let r = try model.run(["x": x])
      #expect(r["y"]?.tensor == (try Tensor(shape: [2, 3], floats: [6, 0, 1.75, 0, 0, 0])))
      #expect(r["z"]?.tensor == (try Tensor(shape: [2, 3], floats: [-1, -2, -3, 4, -5, 6])))
    }
    #expect(x == (try Tensor(shape: [2, 3], floats: [1, 2, 3, -4, 5, -6])))
  }

  @Test("Add and Mul of a constant and a value they read last compute into the value, constants untouched")
  func commutedInPlace() throws {
    // s = c + x (into x), p = r * s (into s: a row times every row), y = k + p (k is [2, 1]:
    // the result is wider than p, so it is computed apart); c, r and k stay as they are.
    let model = try Graph.model(
      [
        Graph.node("Add", ["c", "x"], ["s"]), Graph.node("Mul", ["r", "s"], ["p"]),
        Graph.node("Add", ["k", "p"], ["y"]),
      ],
      constants: [
        Graph.constant("c", [1, 3], [0, 0, 0]), Graph.constant("r", [3], [2, -1, 0.5]),
        Graph.constant("k", [2, 1, 1], [10, 20]),
      ],
      inputs: [Graph.value("x")],
      outputs: [Graph.value("y")])
    let x = try Tensor(shape: [2, 3], floats: [1, 2, 3, -4, 5, -6])
    for _ in 0..<2 {
      let y = try model.run(["x": x])["y"]?.tensor
      #expect(y == (try Tensor(shape: [2, 2, 3], floats: [12, 8, 11.5, 2, 5, 7, 22, 18, 21.5, 12, 15, 17])))
    }
    #expect(x == (try Tensor(shape: [2, 3], floats: [1, 2, 3, -4, 5, -6])))
  }

  @Test("a fused chain on integers fails as the Relu node does, naming the fused nodes")
  func integersFailLikeTheNodes() throws {
    let fused = try denseModel(type: .int64, biasShape: [4], biasFirst: false, keepProduct: false)
    #expect(fused.plan.steps.count == 1)
    let x = try Tensor(shape: [1, 3], storage: .int64([1, 2, 3]))
    #expect {
      try fused.run(["x": x])
    } throws: { error in
      let message = (error as? ModelError)?.message ?? ""
      return message.contains("Relu does not take int64") && message.contains("fused with")
    }
  }
}

private func storage(_ type: ElementType, _ values: [Double]) -> Tensor.Storage {
  switch type {
  case .double: .double(values)
  case .int64: .int64(values.map { Int64($0.rounded()) })
  default: .float(values.map { Float($0) })
  }
}

/// x [?, 3] → MatMul(x, W [3, 4]) → Add with a constant bias → [Add with a second constant of
/// `secondBiasShape`, first] → Relu → y; with `keepProduct` the product is a graph output too,
/// which keeps the nodes apart.
private func denseModel(
  type: ElementType, biasShape: [Int], biasFirst: Bool, keepProduct: Bool, secondBiasShape: [Int]? = nil
) throws -> Model {
  let biasCount = biasShape.reduce(1, *)
  let second = secondBiasShape.map { shape in
    Graph.constant("b2", shape, (0..<shape.reduce(1, *)).map { Double($0) * -0.3 + 0.9 }, type)
  }
  return try Graph.model(
    [Graph.node("MatMul", ["x", "W"], ["p"]), Graph.node("Add", biasFirst ? ["b", "p"] : ["p", "b"], ["s"])]
      + (second == nil
        ? [Graph.node("Relu", ["s"], ["y"])]
        : [Graph.node("Add", ["b2", "s"], ["t"]), Graph.node("Relu", ["t"], ["y"])]),
    constants: [
      Graph.constant("W", [3, 4], (0..<12).map { Double($0) * 0.21 - 1.3 }, type),
      Graph.constant("b", biasShape, (0..<biasCount).map { Double($0) * 0.45 - 0.7 }, type),
    ] + (second.map { [$0] } ?? []),
    inputs: [Graph.value("x", type)],
    outputs: [Graph.value("y", type)] + (keepProduct ? [Graph.value("p", type)] : []))
}

/// x [?, 3] → Gemm(x, W [4, 3], c [4], transB) → Relu → y.
private func gemmModel(keepProduct: Bool) throws -> Model {
  try Graph.model(
    [
      Graph.node("Gemm", ["x", "W", "c"], ["p"], attributes: [intAttribute("transB", 1)]),
      Graph.node("Relu", ["p"], ["y"]),
    ],
    constants: [
      Graph.constant("W", [4, 3], (0..<12).map { Double(Float($0) * 0.1 - 0.5) }),
      Graph.constant("c", [4], [0.2, -0.4, 0, 1].map { Double(Float($0)) }),
    ],
    inputs: [Graph.value("x")],
    outputs: [Graph.value("y")] + (keepProduct ? [Graph.value("p")] : []))
}

/// x [?, 1, 6] → Conv(x, W [2, 1, 3], B [2], pads 1) → Relu → y.
private func convModel(keepProduct: Bool) throws -> Model {
  try Graph.model(
    [
      Graph.node("Conv", ["x", "W", "B"], ["p"], attributes: [intsAttribute("pads", [1, 1])]),
      Graph.node("Relu", ["p"], ["y"]),
    ],
    constants: [
      Graph.constant("W", [2, 1, 3], [0.5, -1, 0.25, 1.5, 0.125, -0.75]), Graph.constant("B", [2], [0.1, -0.2]),
    ],
    inputs: [Graph.value("x")],
    outputs: [Graph.value("y")] + (keepProduct ? [Graph.value("p")] : []))
}

/// Which value of `convPoolModel` is also a graph output, keeping the nodes around it apart.
private enum ConvPoolKept { case none, convolution, beforePool }

/// x [?, 2, 40] (long enough for the pooling's blocks of eight; or [?, 2, 4, 6] when `twoD`) → Conv(W [5, 2, 3] (or [5, 2, 2, 2]), B [5],
/// pads 1) → [Relu] → MaxPool → y.
private func convPoolModel(
  relu: Bool, kernel: [Int64], strides: [Int64], pads: [Int64], ceilMode: Int64, twoD: Bool, kept: ConvPoolKept
) throws -> Model {
  let wShape = twoD ? [5, 2, 2, 2] : [5, 2, 3]
  let beforePool = relu ? "r" : "p"
  var nodes = [
    Graph.node("Conv", ["x", "W", "B"], ["p"], attributes: [intsAttribute("pads", twoD ? [1, 1, 1, 1] : [1, 1])])
  ]
  if relu { nodes.append(Graph.node("Relu", ["p"], ["r"])) }
  nodes.append(
    Graph.node(
      "MaxPool", [beforePool], ["y"],
      attributes: [
        intsAttribute("kernel_shape", kernel), intsAttribute("strides", strides), intsAttribute("pads", pads),
        intAttribute("ceil_mode", ceilMode),
      ]))
  let keptName: String? =
    switch kept {
    case .none: nil
    case .convolution: "p"
    case .beforePool: beforePool
    }
  return try Graph.model(
    nodes,
    constants: [
      Graph.constant("W", wShape, (0..<wShape.reduce(1, *)).map { Double($0 % 7) * 0.375 - 1 }),
      Graph.constant("B", [5], [0.1, -0.2, 0.3, 0, -1]),
    ],
    inputs: [Graph.value("x")],
    outputs: [Graph.value("y")] + (keptName.map { [Graph.value($0)] } ?? []))
}

/// A float tensor's values as bit patterns, so that NaNs compare equal.
private func bits(_ t: Tensor) -> [UInt32] {
  guard case .float(let v) = t.storage else { return [] }
  return v.map(\.bitPattern)
}

/// ArgMax → ArrayFeatureExtractor(classes) → Reshape([-1]) → Cast, skl2onnx's label look-up,
/// runs as one step (`LabelLookupKernel`) giving exactly the four nodes' labels.
@Suite("Fused label look-up")
struct LabelLookupFusionTests {
  /// scores → label through the look-up, classes of `classType` cast to int64; with
  /// `keepIndex` the ArgMax result is also a graph output, which leaves the nodes unfused.
  /// With `castToFloat`, BernoulliNB's form: the picked classes cast to Float before the
  /// Reshape, then to int64 after it.
  static func model(
    classType: ElementType, keepIndex: Bool, scoreType: ElementType = .float, castToFloat: Bool = false
  ) throws -> Model {
    var axis = Onnx_AttributeProto()
    axis.name = "axis"
    axis.type = .int
    axis.i = 1
    var to = Onnx_AttributeProto()
    to.name = "to"
    to.type = .int
    to.i = Int64(ONNXDataType.code(.int64))
    var extractor = Graph.node("ArrayFeatureExtractor", ["classes", "index"], ["picked"])
    extractor.domain = OperatorRegistry.mlDomain
    var toFloat = to
    toFloat.i = Int64(ONNXDataType.code(.float))
    let nodes =
      [Graph.node("ArgMax", ["scores"], ["index"], attributes: [axis]), extractor]
      + (castToFloat ? [Graph.node("Cast", ["picked"], ["pickedFloat"], attributes: [toFloat])] : [])
      + [
        Graph.node("Reshape", [castToFloat ? "pickedFloat" : "picked", "shape"], ["reshaped"]),
        Graph.node("Cast", ["reshaped"], ["label"], attributes: [to]),
      ]
    var classes = Graph.constant("classes", [3], [7, -2, 40], classType)
    if classType == .int32 { classes.int32Data = [7, -2, 40] }
    return try Graph.model(
      nodes, constants: [classes, Graph.constant("shape", [1], [-1], .int64)],
      inputs: [Graph.value("scores", scoreType)],
      outputs: [Graph.value("label", .int64)] + (keepIndex ? [Graph.value("index", .int64)] : []), opset: 13,
      mlOpset: 1)
  }

  @Test("one step gives the four nodes' labels: ties, NaN, one row and many", arguments: [ElementType.int32, .int64])
  func fusedEqualsUnfused(classType: ElementType) throws {
    let fused = try Self.model(classType: classType, keepIndex: false)
    let unfused = try Self.model(classType: classType, keepIndex: true)
    #expect(fused.plan.steps.count == 1)
    #expect(unfused.plan.steps.count == (classType == .int64 ? 3 : 4))
    let rows: [[Float]] = [[0.1, 0.7, 0.2], [0.5, 0.5, 0], [.nan, 1, 2], [3, .nan, 1], [-1, -1, -1]]
    for batch in [Array(rows.prefix(1)), rows] {
      let scores = try Tensor(shape: [batch.count, 3], floats: batch.flatMap { $0 })
      let a = try fused.run(["scores": scores])["label"]?.tensor
      #expect(a != nil)
      #expect(a == (try unfused.run(["scores": scores])["label"]?.tensor), "\(batch.count) rows")
    }
  }

  @Test("casts before the Reshape fuse too, converting in the graph's order")
  func castsBeforeTheReshape() throws {
    let fused = try Self.model(classType: .int64, keepIndex: false, castToFloat: true)
    let unfused = try Self.model(classType: .int64, keepIndex: true, castToFloat: true)
    #expect(fused.plan.steps.count == 1)
    #expect(unfused.plan.steps.count == 5)
    let scores = try Tensor(shape: [3, 3], floats: [0.1, 0.7, 0.2, 0.5, 0.5, 0, 0, 1, 2])
    let a = try fused.run(["scores": scores])["label"]?.tensor
    #expect(a == Tensor(unchecked: [3], .int64([-2, 7, 40])))
    #expect(a == (try unfused.run(["scores": scores])["label"]?.tensor))
    let x = try Tensor(shape: [1, 3, 2], floats: [1, 9, 3, 2, 5, 0])
    #expect(try fused.run(["scores": x])["label"]?.tensor == (try unfused.run(["scores": x])["label"]?.tensor))
  }

  @Test("inputs off the direct path run the nodes' own kernels, errors included")
  func otherInputsRunTheNodes() throws {
    let fused = try Self.model(classType: .int64, keepIndex: false)
    let unfused = try Self.model(classType: .int64, keepIndex: true)
    // A third-rank tensor (ArgMax along axis 1 of [1, 3, 2]), and doubles.
    let x = try Tensor(shape: [1, 3, 2], floats: [1, 9, 3, 2, 5, 0])
    let label = try fused.run(["scores": x])["label"]?.tensor
    #expect(label != nil)
    #expect(label == (try unfused.run(["scores": x])["label"]?.tensor))
    let fusedDoubles = try Self.model(classType: .int64, keepIndex: false, scoreType: .double)
    let unfusedDoubles = try Self.model(classType: .int64, keepIndex: true, scoreType: .double)
    #expect(fusedDoubles.plan.steps.count == 1)
    let d = Tensor(unchecked: [2, 3], .double([1, 2, 3, 6, 5, 4]))
    #expect(
      try fusedDoubles.run(["scores": d])["label"]?.tensor == (try unfusedDoubles.run(["scores": d])["label"]?.tensor))
    // Four columns for three classes: the extractor's index is out of range.
    let wide = try Tensor(shape: [1, 4], floats: [0, 0, 0, 1])
    #expect(throws: ModelError.self) { try fused.run(["scores": wide]) }
    #expect(throws: ModelError.self) { try unfused.run(["scores": wide]) }
  }
}

@Suite("Fused comparison and Cast")
struct ComparisonCastFusionTests {
  /// x `op` t, cast to `target`; with `keepBooleans`, the booleans are a graph output too, so
  /// that the Cast stays a step of its own.
  static func model(_ op: String, type: ElementType, target: ElementType, keepBooleans: Bool) throws -> Model {
    try Graph.model(
      [
        Graph.node(op, ["x", "t"], ["b"]),
        Graph.node("Cast", ["b"], ["y"], attributes: [intAttribute("to", Int64(ONNXDataType.code(target)))]),
      ],
      constants: [],
      inputs: [Graph.value("x", type), Graph.value("t", type)],
      outputs: [Graph.value("y", target)] + (keepBooleans ? [Graph.value("b", .bool)] : []))
  }

  @Test(
    "each comparison cast to float or double is one step and gives the Cast's numbers",
    arguments: ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"])
  func sameAsTheNodes(_ op: String) throws {
    let x = Tensor(unchecked: [2, 3], .float([0.5, -1, .nan, 2, 0.5, .infinity]))
    let inputs: [(Tensor, Tensor)] = [
      (x, Tensor(unchecked: [1], .float([0.5]))),
      (x, Tensor(unchecked: [3], .float([0.5, 0, 2]))),
      (x, Tensor(unchecked: [2, 1, 3], .float([0.5, 0.5, 0.5, 2, 2, 2]))),
      (Tensor(unchecked: [1], .float([0])), x),
    ]
    for target in [ElementType.float, .double] {
      let fused = try Self.model(op, type: .float, target: target, keepBooleans: false)
      let unfused = try Self.model(op, type: .float, target: target, keepBooleans: true)
      #expect(fused.plan.steps.count == 1)
      #expect(unfused.plan.steps.count == 2)
      for (a, t) in inputs {
        let y = try fused.run(["x": a, "t": t])["y"]?.tensor
        #expect(y != nil)
        #expect(y == (try unfused.run(["x": a, "t": t])["y"]?.tensor), "\(op) \(a.shape) \(t.shape) to \(target)")
      }
    }
    // Doubles and int64s compared in their own type; int32s through the nodes' own kernels.
    let big: Int64 = 9_007_199_254_740_993
    for (type, a, t) in [
      (ElementType.double, Tensor(unchecked: [3], .double([1, 2, .nan])), Tensor(unchecked: [], .double([2]))),
      (.int64, Tensor(unchecked: [2], .int64([big, big - 1])), Tensor(unchecked: [1], .int64([big - 1]))),
      (.int32, Tensor(unchecked: [3], .int32([1, 2, 3])), Tensor(unchecked: [1], .int32([2]))),
    ] {
      let fused = try Self.model(op, type: type, target: .float, keepBooleans: false)
      let unfused = try Self.model(op, type: type, target: .float, keepBooleans: true)
      #expect(fused.plan.steps.count == 1)
      let y = try fused.run(["x": a, "t": t])["y"]?.tensor
      #expect(y != nil)
      #expect(y == (try unfused.run(["x": a, "t": t])["y"]?.tensor), "\(op) on \(type)")
    }
    // Shapes that do not broadcast fail as the comparison does.
    let fused = try Self.model(op, type: .float, target: .float, keepBooleans: false)
    #expect(throws: ModelError.self) {
      try fused.run(["x": x, "t": Tensor(unchecked: [2], .float([0, 1]))])
    }
  }
}
