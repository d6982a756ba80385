import Foundation
import SwiftProtobuf
import Testing

@testable import Model

/// Inputs the ONNX node tests do not try: extreme integers and shapes read from data.
/// A kernel must answer them exactly or with an error, never by trapping.
@Suite("Core kernels at the edges")
struct KernelEdgeCaseTests {
  @Test("integer Abs and Neg are exact and wrap at the minimum, as NumPy does")
  func integerUnary() throws {
    let abs = try oneNodeModel("Abs", inputs: [("x", .int64)], output: .int64)
    let a = try abs.run([
      "x": Tensor(shape: [3], storage: .int64([.min, -3, 9_007_199_254_740_993]))
    ])
    #expect(a["y"]?.tensor?.storage == .int64([.min, 3, 9_007_199_254_740_993]))
    let neg = try oneNodeModel("Neg", inputs: [("x", .int32)], output: .int32)
    let n = try neg.run(["x": Tensor(shape: [2], storage: .int32([.min, 5]))])
    #expect(n["y"]?.tensor?.storage == .int32([.min, -5]))
  }

  @Test("ArrayFeatureExtractor picks columns of any rank and refuses indices that name no column")
  func arrayFeatureExtractor() throws {
    func extractor(_ indexType: ElementType) throws -> Model {
      try oneNodeModel(
        "ArrayFeatureExtractor", inputs: [("x", .float), ("i", indexType)], output: .float, domain: "ai.onnx.ml")
    }
    let model = try extractor(.int64)
    func run(_ x: Tensor, _ i: [Int64]) throws -> Tensor? {
      try model.run(["x": x, "i": Tensor(shape: [i.count], storage: .int64(i))])["y"]?.tensor
    }
    let row = try Tensor(shape: [3], floats: [10, 11, 12])
    #expect(try run(row, [2, 0]) == Tensor(shape: [1, 2], floats: [12, 10]))
    let cube = try Tensor(shape: [2, 1, 3], floats: [0, 1, 2, 3, 4, 5])
    #expect(try run(cube, [1, 1, 2]) == Tensor(shape: [2, 1, 3], floats: [1, 1, 2, 4, 4, 5]))
    #expect(throws: ModelError.self) { try run(row, [3]) }
    #expect(throws: ModelError.self) { try run(row, [-1]) }
    #expect(throws: ModelError.self) { try run(row, []) }
    // Indices given as floats are truncated; a NaN names no column (it once trapped).
    let floats = try extractor(.float)
    let picked = try floats.run(["x": row, "i": Tensor(shape: [1], floats: [1.7])])["y"]?.tensor
    #expect(picked == (try Tensor(shape: [1, 1], floats: [11])))
    #expect(throws: ModelError.self) { try floats.run(["x": row, "i": Tensor(shape: [1], floats: [.nan])]) }
  }

  #if canImport(Glibc)
    @Test("the allocator policy is the caller's explicit call, and glibc takes it")
    func allocatorKeepsBatchBuffers() {
      #expect(MemoryPolicy.keepBatchBuffers())
    }
  #endif

  @Test("SVM kernels summed eight vectors at a time equal the one-vector sums bit for bit")
  func svmBlocksMatchScalarSums() {
    // 19 vectors (two groups of eight and three left over) of 7 features, values of mixed sign.
    let (count, f) = (19, 7)
    let vectors = (0..<(count * f)).map { Float(($0 * 37) % 23) * 0.173 - 1.9 }
    let x = (0..<f).map { Float($0) * 0.61 - 1.3 }[...]
    let blocks = SVMKernelFunction.blocks(of: vectors, count: count, f: f)
    #expect(blocks.count == 2 * 8 * f)
    for kind in [SVMKernelFunction.Kind.rbf, .linear, .poly, .sigmoid] {
      let function = SVMKernelFunction(kind: kind, params: [0.3, 0.5, 3])
      let grouped = function.evaluate(x, vectors, count: count, f: f, blocks: blocks)
      let single = function.evaluate(x, vectors, count: count, f: f)
      #expect(grouped == single, "\(kind)")
    }
  }

  @Test("Cast from strings reads numbers as onnxruntime does, and refuses what is no number")
  func castFromStrings() throws {
    func caster(_ type: ElementType) throws -> Model {
      try oneNodeModel(
        "Cast", inputs: [("x", .string)], output: type,
        attributes: [intAttribute("to", Int64(ONNXDataType.code(type)))])
    }
    func run(_ model: Model, _ strings: [String]) throws -> Tensor.Storage? {
      try model.run(["x": Tensor(shape: [strings.count], storage: .string(strings))])["y"]?.tensor?.storage
    }
    // The expected values are onnxruntime 1.32's answers to the same strings.
    let float = try caster(.float)
    let floats = try run(float, ["1.5", " 2 ", "-INF", "1e3", "0x10", "1.5abc", "nan"])
    guard case .float(let f)? = floats else { throw ModelError(.runtime, "no float output") }
    #expect(Array(f.prefix(6)) == [1.5, 2, -.infinity, 1000, 16, 1.5])
    #expect(f.last?.isNaN == true)
    let int64 = try caster(.int64)
    #expect(try run(int64, ["1.5", " 7", "12abc", "1e3", "0x10", "-3"]) == .int64([1, 7, 12, 1, 0, -3]))
    let bool = try caster(.bool)
    #expect(try run(bool, ["1.5", "0", "0x10", "7"]) == .bool([true, false, false, true]))
    for (model, bad) in [
      (float, "abc"), (float, ""), (float, "1e999"), (int64, "abc"), (int64, "99999999999999999999"),
    ] {
      #expect(throws: ModelError.self, "\(bad)") { try run(model, ["1", bad]) }
    }
  }

  @Test(
    "int64 beyond 2^53 stays exact through Where, ConstantOfShape, Clip, Sum, Max, ReduceSum, ArgMax, MatMul and Greater"
  )
  func largeIntegersStayExact() throws {
    let big: Int64 = 9_007_199_254_740_993  // 2^53 + 1: a Double rounds it to 2^53
    func int64s(_ shape: [Int], _ v: [Int64]) throws -> Tensor { try Tensor(shape: shape, storage: .int64(v)) }
    let where_ = try oneNodeModel("Where", inputs: [("c", .bool), ("a", .int64), ("b", .int64)], output: .int64)
    let w = try where_.run([
      "c": Tensor(shape: [2], storage: .bool([true, false])), "a": int64s([2], [big, 1]), "b": int64s([2], [2, -big]),
    ])
    #expect(w["y"]?.tensor?.storage == .int64([big, -big]))

    var value = Onnx_AttributeProto()
    value.name = "value"
    value.type = .tensor
    value.t.dataType = ONNXDataType.code(.int64)
    value.t.dims = [1]
    value.t.int64Data = [big]
    let fill = try oneNodeModel("ConstantOfShape", inputs: [("shape", .int64)], output: .int64, attributes: [value])
    #expect(try fill.run(["shape": int64s([1], [2])])["y"]?.tensor?.storage == .int64([big, big]))

    let clip = try oneNodeModel("Clip", inputs: [("x", .int64), ("lo", .int64), ("hi", .int64)], output: .int64)
    let c = try clip.run(["x": int64s([3], [big, big + 2, -5]), "lo": int64s([], [0]), "hi": int64s([], [big + 1])])
    #expect(c["y"]?.tensor?.storage == .int64([big, big + 1, 0]))

    let sum = try oneNodeModel("Sum", inputs: [("a", .int64), ("b", .int64)], output: .int64)
    #expect(try sum.run(["a": int64s([1], [big]), "b": int64s([1], [2])])["y"]?.tensor?.storage == .int64([big + 2]))
    let max = try oneNodeModel("Max", inputs: [("a", .int64), ("b", .int64)], output: .int64)
    #expect(try max.run(["a": int64s([1], [big]), "b": int64s([1], [big - 1])])["y"]?.tensor?.storage == .int64([big]))

    let reduce = try oneNodeModel(
      "ReduceSum", inputs: [("x", .int64)], output: .int64, attributes: [intAttribute("keepdims", 0)])
    #expect(try reduce.run(["x": int64s([3], [big, 1, 1])])["y"]?.tensor?.storage == .int64([big + 2]))

    let argmax = try oneNodeModel("ArgMax", inputs: [("x", .int64)], output: .int64)
    #expect(try argmax.run(["x": int64s([3], [big - 1, big, big - 3])])["y"]?.tensor?.storage == .int64([1]))

    let matmul = try oneNodeModel("MatMul", inputs: [("a", .int64), ("b", .int64)], output: .int64)
    let p = try matmul.run(["a": int64s([1, 2], [big, 1]), "b": int64s([2, 1], [1, 2])])
    #expect(p["y"]?.tensor?.storage == .int64([big + 2]))

    // Through doubles, big and big − 1 are both 2^53.
    let greater = try oneNodeModel("Greater", inputs: [("a", .int64), ("b", .int64)], output: .bool)
    let g = try greater.run(["a": int64s([2], [big, big - 1]), "b": int64s([], [big - 1])])
    #expect(g["y"]?.tensor?.storage == .bool([true, false]))
  }

  @Test("ReduceLogSumExp does not overflow on large inputs, and keeps -inf and NaN")
  func logSumExpRange() throws {
    let axes = intsAttribute("axes", [1])
    let lse = try oneNodeModel(
      "ReduceLogSumExp", inputs: [("x", .double)], output: .double, attributes: [axes, intAttribute("keepdims", 0)])
    let r = try lse.run([
      "x": Tensor(shape: [4, 2], storage: .double([1000, 1000, -.infinity, 3, -.infinity, -.infinity, .nan, 1]))
    ])
    guard case .double(let v)? = r["y"]?.tensor?.storage else {
      Issue.record("no double output: \(String(describing: r["y"]))")
      return
    }
    #expect(Swift.abs(v[0] - (1000 + log(2.0))) < 1e-9)
    #expect(v[1] == 3)
    #expect(v[2] == -.infinity)
    #expect(v[3].isNaN)
  }

  @Test("ReduceLogSumExp over floats is onnxruntime's max-shifted sum in Float, over any axes")
  func logSumExpFloats() throws {
    let axes = intsAttribute("axes", [0, 2])
    let lse = try oneNodeModel(
      "ReduceLogSumExp", inputs: [("x", .float)], output: .float, attributes: [axes, intAttribute("keepdims", 0)])
    // Shape [2, 3, 2]: result j folds x[0][j][0], x[0][j][1], x[1][j][0], x[1][j][1], in that order.
    let x: [Float] = [0.5, -1.25, 3, 88, -2, 7.5, 1e-3, 0.75, 1000, 1000.5, .infinity, 1]
    let r = try lse.run(["x": Tensor(shape: [2, 3, 2], storage: .float(x))])
    guard case .float(let v)? = r["y"]?.tensor?.storage else {
      Issue.record("no float output: \(String(describing: r["y"]))")
      return
    }
    #expect(v.count == 3)
    for j in 0..<2 {
      let line = [x[2 * j], x[2 * j + 1], x[6 + 2 * j], x[6 + 2 * j + 1]]
      let m = line.max() ?? 0
      var sum: Float = 0
      for value in line { sum += expf(value - m) }
      // Bit for bit the Float computation onnxruntime does, and close to the exact value.
      #expect(v[j] == logf(sum) + m)
      let exact = log(line.map { exp(Double($0) - Double(m)) }.reduce(0, +)) + Double(m)
      #expect(Swift.abs(Double(v[j]) - exact) <= 1e-4 * Swift.max(1, Swift.abs(exact)))
    }
    // A +∞ among the elements gives +∞, not the NaN of ∞ − ∞.
    #expect(v[2] == .infinity)

    // No elements to fold: log 0.
    let empty = try lse.run(["x": Tensor(shape: [0, 2, 0], storage: .float([]))])
    #expect(empty["y"]?.tensor?.storage == .float([-.infinity, -.infinity]))
  }

  @Test("Int64.min / -1 wraps instead of trapping")
  func integerDivisionOverflow() throws {
    let div = try oneNodeModel("Div", inputs: [("a", .int64), ("b", .int64)], output: .int64)
    let r = try div.run([
      "a": Tensor(shape: [2], storage: .int64([.min, 7])),
      "b": Tensor(shape: [2], storage: .int64([-1, -2])),
    ])
    #expect(r["y"]?.tensor?.storage == .int64([.min, -3]))
  }

  @Test("a Slice step of INT64_MAX or INT64_MIN takes one element")
  func extremeSliceSteps() throws {
    let slice = try oneNodeModel(
      "Slice",
      inputs: [
        ("x", .float), ("starts", .int64), ("ends", .int64), ("axes", .int64), ("steps", .int64),
      ],
      output: .float)
    let x = try Tensor(shape: [10], floats: (0..<10).map(Float.init))
    func run(_ start: Int64, _ end: Int64, _ step: Int64) throws -> Tensor.Storage? {
      try slice.run([
        "x": x, "starts": Tensor(shape: [1], storage: .int64([start])),
        "ends": Tensor(shape: [1], storage: .int64([end])),
        "axes": Tensor(shape: [1], storage: .int64([0])),
        "steps": Tensor(shape: [1], storage: .int64([step])),
      ])["y"]?.tensor?.storage
    }
    #expect(try run(0, 10, .max) == .float([0]))
    #expect(try run(9, .min, .min) == .float([9]))
    #expect(try run(-1, .min, -3) == .float([9, 6, 3, 0]))
  }

  @Test("shapes read from data that overflow, or are not integers, are errors")
  func hostileShapes() throws {
    let fill = try oneNodeModel("ConstantOfShape", inputs: [("shape", .int64)], output: .float)
    #expect(throws: ModelError.self) {
      try fill.run(["shape": Tensor(shape: [2], storage: .int64([1 << 40, 1 << 40]))])
    }
    let reshape = try oneNodeModel(
      "Reshape", inputs: [("x", .float), ("shape", .float)], output: .float)
    #expect(throws: ModelError.self) {
      try reshape.run([
        "x": Tensor(shape: [2], floats: [1, 2]), "shape": Tensor(shape: [1], floats: [.nan]),
      ])
    }
    let reshapeInt = try oneNodeModel(
      "Reshape", inputs: [("x", .float), ("shape", .int64)], output: .float)
    #expect(throws: ModelError.self) {
      try reshapeInt.run([
        "x": Tensor(shape: [2], floats: [1, 2]),
        "shape": Tensor(shape: [3], storage: .int64([1 << 40, 1 << 40, -1])),
      ])
    }
  }

  @Test("ArgMax over an empty axis is an error")
  func argMaxOfNothing() throws {
    let argmax = try oneNodeModel("ArgMax", inputs: [("x", .float)], output: .int64)
    #expect(throws: ModelError.self) { try argmax.run(["x": Tensor(shape: [0, 3], floats: [])]) }
  }

  @Test("TopK breaks ties by the lower index, ranks NaN above every number, and rejects k outside the axis")
  func topKTiesAndBounds() throws {
    let smallest = try oneNodeModel(
      "TopK", inputs: [("x", .float), ("k", .int64)], output: .float, extraOutputs: [("i", .int64)],
      attributes: [intAttribute("largest", 0)])
    let x = try Tensor(shape: [1, 6], floats: [3, 1, .nan, 1, 0, 3])
    let r = try smallest.run(["x": x, "k": Tensor(shape: [1], storage: .int64([4]))])
    #expect(r["i"]?.tensor?.storage == .int64([4, 1, 3, 0]))
    let largest = try oneNodeModel(
      "TopK", inputs: [("x", .float), ("k", .int64)], output: .float, extraOutputs: [("i", .int64)])
    let l = try largest.run(["x": x, "k": Tensor(shape: [1], storage: .int64([3]))])
    #expect(l["i"]?.tensor?.storage == .int64([2, 0, 5]))
    for k: Int64 in [-1, 7, .max] {
      #expect(throws: ModelError.self) {
        try largest.run(["x": x, "k": Tensor(shape: [1], storage: .int64([k]))])
      }
    }
  }

  @Test("GatherElements rejects an index outside the axis and indices larger than the data")
  func gatherElementsBounds() throws {
    let gather = try oneNodeModel(
      "GatherElements", inputs: [("x", .float), ("i", .int64)], output: .float,
      attributes: [intAttribute("axis", 1)])
    let x = try Tensor(shape: [2, 2], floats: [1, 2, 3, 4])
    let ok = try gather.run(["x": x, "i": Tensor(shape: [2, 1], storage: .int64([-1, 0]))])
    #expect(ok["y"]?.tensor?.storage == .float([2, 3]))
    #expect(throws: ModelError.self) {
      try gather.run(["x": x, "i": Tensor(shape: [2, 1], storage: .int64([2, 0]))])
    }
    #expect(throws: ModelError.self) {
      try gather.run(["x": x, "i": Tensor(shape: [3, 1], storage: .int64([0, 0, 0]))])
    }
  }

  @Test("CumSum sums in reverse and exclusively, and integers wrap instead of trapping")
  func cumulativeSums() throws {
    let cumsum = try oneNodeModel(
      "CumSum", inputs: [("x", .int64), ("axis", .int64)], output: .int64,
      attributes: [intAttribute("exclusive", 1), intAttribute("reverse", 1)])
    let r = try cumsum.run([
      "x": Tensor(shape: [4], storage: .int64([1, 2, .max, 4])),
      "axis": Tensor(shape: [], storage: .int64([0])),
    ])
    #expect(r["y"]?.tensor?.storage == .int64([.max &+ 6, .max &+ 4, 4, 0]))
  }
}

extension KernelEdgeCaseTests {
  @Test("Conv and MaxPool reject windows that do not fit, weights that do not fit the groups, and unknown auto_pad")
  func windowsThatDoNotFit() throws {
    let pool = try oneNodeModel(
      "MaxPool", inputs: [("x", .float)], output: .float, attributes: [intsAttribute("kernel_shape", [4])])
    #expect(throws: ModelError.self) { try pool.run(["x": Tensor(shape: [1, 1, 3], floats: [1, 2, 3])]) }
    #expect(throws: ModelError.self) {
      try oneNodeModel(
        "MaxPool", inputs: [("x", .float)], output: .float,
        attributes: [intsAttribute("kernel_shape", [3]), intsAttribute("dilations", [.max])])
    }
    let dilated = try oneNodeModel(
      "MaxPool", inputs: [("x", .float)], output: .float,
      attributes: [intsAttribute("kernel_shape", [3]), intsAttribute("dilations", [1 << 30])])
    #expect(throws: ModelError.self) { try dilated.run(["x": Tensor(shape: [1, 1, 3], floats: [1, 2, 3])]) }
    let conv = try oneNodeModel(
      "Conv", inputs: [("x", .float), ("w", .float)], output: .float, attributes: [intAttribute("group", 2)])
    #expect(throws: ModelError.self) {
      try conv.run([
        "x": Tensor(shape: [1, 3, 2], floats: [1, 2, 3, 4, 5, 6]), "w": Tensor(shape: [1, 3, 1], floats: [1, 1, 1]),
      ])
    }
    var autoPad = Onnx_AttributeProto()
    autoPad.name = "auto_pad"
    autoPad.type = .string
    autoPad.s = Data("SAME_MIDDLE".utf8)
    #expect {
      _ = try oneNodeModel("Conv", inputs: [("x", .float), ("w", .float)], output: .float, attributes: [autoPad])
    } throws: { ($0 as? ModelError)?.code == .unsupported }
  }

  @Test("a 1-D Conv with padding, stride and bias, then MaxPool with ceil_mode, give the reference values")
  func convolutionThenPooling() throws {
    let conv = try oneNodeModel(
      "Conv", inputs: [("x", .float), ("w", .float), ("b", .float)], output: .float,
      attributes: [intsAttribute("pads", [1, 1]), intsAttribute("strides", [2])])
    let y = try conv.run([
      "x": Tensor(shape: [1, 1, 5], floats: [1, 2, 3, 4, 5]), "w": Tensor(shape: [1, 1, 3], floats: [1, 10, 100]),
      "b": Tensor(shape: [1], floats: [0.5]),
    ])
    // Windows [0,1,2], [2,3,4], [4,5,0] of the padded input.
    #expect(y["y"]?.tensor == (try Tensor(shape: [1, 1, 3], floats: [210.5, 432.5, 54.5])))
    // Two groups of one channel each, dilation 2: taps 0 and 2, then 1 and 3, of each channel.
    let grouped = try oneNodeModel(
      "Conv", inputs: [("x", .float), ("w", .float)], output: .float,
      attributes: [intAttribute("group", 2), intsAttribute("dilations", [2])])
    let g = try grouped.run([
      "x": Tensor(shape: [1, 2, 4], floats: [1, 2, 3, 4, 5, 6, 7, 8]),
      "w": Tensor(shape: [2, 1, 2], floats: [1, 10, 100, 1000]),
    ])
    #expect(g["y"]?.tensor == (try Tensor(shape: [1, 2, 2], floats: [31, 42, 7500, 8600])))
    let pool = try oneNodeModel(
      "MaxPool", inputs: [("x", .float)], output: .float, extraOutputs: [("i", .int64)],
      attributes: [intsAttribute("kernel_shape", [2]), intsAttribute("strides", [2]), intAttribute("ceil_mode", 1)])
    let p = try pool.run(["x": Tensor(shape: [1, 1, 5], floats: [3, 1, .nan, 2, 7])])
    #expect(p["y"]?.tensor == (try Tensor(shape: [1, 1, 3], floats: [3, 2, 7])))
    #expect(p["i"]?.tensor?.storage == .int64([0, 3, 4]))
  }
}

/// An integer attribute.
func intAttribute(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
  var a = Onnx_AttributeProto()
  a.name = name
  a.type = .int
  a.i = value
  return a
}

/// A model of one default-domain node reading `inputs` and writing `y` (then `extraOutputs`).
func oneNodeModel(
  _ opType: String, inputs: [(name: String, type: ElementType)], output: ElementType,
  extraOutputs: [(name: String, type: ElementType)] = [], attributes: [Onnx_AttributeProto] = [],
  opset: Int64 = 17, domain: String = ""
) throws -> Model {
  func valueInfo(_ name: String, _ type: ElementType) -> Onnx_ValueInfoProto {
    var info = Onnx_ValueInfoProto()
    info.name = name
    info.type.tensorType.elemType = ONNXDataType.code(type)
    return info
  }
  var node = Onnx_NodeProto()
  node.opType = opType
  node.input = inputs.map(\.name)
  node.output = ["y"] + extraOutputs.map(\.name)
  node.attribute = attributes
  node.domain = domain
  var model = Onnx_ModelProto()
  model.irVersion = 8
  var opsetImport = Onnx_OperatorSetIdProto()
  opsetImport.version = opset
  model.opsetImport = [opsetImport]
  if !domain.isEmpty {
    var imported = Onnx_OperatorSetIdProto()
    imported.domain = domain
    imported.version = 1
    model.opsetImport.append(imported)
  }
  model.graph.name = opType
  model.graph.node = [node]
  model.graph.input = inputs.map { valueInfo($0.name, $0.type) }
  model.graph.output = [valueInfo("y", output)] + extraOutputs.map { valueInfo($0.name, $0.type) }
  return try Model(data: try model.serializedData(), name: opType)
}
