import Foundation
import SwiftProtobuf
import Testing

@testable import Model

/// The plan's slots across runs: constants are copied into every run bit for bit and never
/// released by it (`ExecutionPlan.Template`); outputs are moved out when no other output
/// reads the same slot.
@Suite("Plan slots")
struct PlanSlotTests {
  @Test("a constant a step reads last, and could change in place, is the same on every run")
  func constantReadLastIsNotChanged() throws {
    // Add takes its first input to compute in place; here that input is an initializer read
    // by no later step, and Relu after it also works in place.
    let m = try Graph.model(
      [Graph.node("Add", ["c", "x"], ["s"]), Graph.node("Relu", ["s"], ["y"])],
      constants: [Graph.constant("c", [3], [1, -2, 3])],
      inputs: [Graph.value("x")], outputs: [Graph.value("y")])
    for round in 0..<5 {
      let x = try Tensor(shape: [3], floats: [Float(round), 1, -1])
      let y = try m.run(["x": x])["y"]?.tensor
      #expect(y == (try Tensor(shape: [3], floats: [1 + Float(round), 0, 2])), "round \(round)")
    }
  }

  @Test("constants as outputs, directly, through an Identity, and one value as two outputs")
  func constantsAndRepeatedOutputs() throws {
    let m = try Graph.model(
      [Graph.node("Identity", ["c"], ["alias"]), Graph.node("Neg", ["x"], ["n"])],
      constants: [Graph.constant("c", [2], [4, 5])],
      inputs: [Graph.value("x")],
      outputs: [Graph.value("c"), Graph.value("alias"), Graph.value("n"), Graph.value("n")])
    let c = try Tensor(shape: [2], floats: [4, 5])
    for round in 0..<5 {
      let outputs = try m.run(["x": try Tensor(shape: [1], floats: [Float(round)])])
      #expect(outputs.count == 4)
      #expect(outputs[0].value.tensor == c)
      #expect(outputs[1].value.tensor == c)
      #expect(outputs[2].value.tensor == (try Tensor(shape: [1], floats: [-Float(round)])))
      #expect(outputs[3].value == outputs[2].value)
    }
  }

  @Test("the graph input given back as an output is the caller's value")
  func inputAsOutput() throws {
    let m = try Graph.model(
      [Graph.node("Neg", ["x"], ["n"])], constants: [],
      inputs: [Graph.value("x")], outputs: [Graph.value("x"), Graph.value("n")])
    let x = try Tensor(shape: [2], floats: [1, -2])
    let outputs = try m.run(["x": x])
    #expect(outputs["x"]?.tensor == x)
    #expect(outputs["n"]?.tensor == (try Tensor(shape: [2], floats: [-1, 2])))
  }

  @Test("a kernel that takes its first input and then reads every input still sees it")
  func takenInputReadAgain() throws {
    // FeatureVectorizer takes input 0 (the step is its last reader) and walks all its inputs.
    var node = Graph.node(
      "FeatureVectorizer", ["a", "b"], ["y"], attributes: [intsAttribute("inputdimensions", [2, 1])])
    node.domain = OperatorRegistry.mlDomain
    let m = try Graph.model(
      [node], constants: [], inputs: [Graph.value("a"), Graph.value("b")], outputs: [Graph.value("y")], mlOpset: 1)
    let y = try m.run([
      "a": try Tensor(shape: [2, 2], floats: [1, 2, 3, 4]), "b": try Tensor(shape: [2, 1], floats: [5, 6]),
    ])["y"]?.tensor
    #expect(y == (try Tensor(shape: [2, 3], floats: [1, 2, 5, 3, 4, 6])))
  }

  @Test("runs on many threads at once share the constants and agree")
  func concurrentRuns() async throws {
    let zoo = ZooCase(name: "diabetes_torch_mlp")
    let model = try Model(contentsOf: zoo.modelURL)
    let entries = try zoo.expected()["inputs"] as? [String: [String: Any]] ?? [:]
    let inputs = try entries.mapValues(jsonTensor)
    #expect(!inputs.isEmpty)
    let expected = try model.run(inputs)
    let agreed = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<4 {
        group.addTask {
          for _ in 0..<500 {
            guard let outputs = try? model.run(inputs), outputs == expected else { return false }
          }
          return true
        }
      }
      return await group.reduce(true) { $0 && $1 }
    }
    #expect(agreed)
  }

  @Test(
    "kernels that keep the last input shape's layout (Conv, MaxPool, Unsqueeze, Reshape) agree on alternating and concurrent batch sizes",
    arguments: ["digits_torch_conv1d", "digits_bernoullinb"])
  func shapeCachesFollowTheShape(_ name: String) async throws {
    let zoo = ZooCase(name: name)
    let model = try Model(contentsOf: zoo.modelURL)
    let inputs = try (zoo.expected()["inputs"] as? [String: [String: Any]] ?? [:]).mapValues(jsonTensor)
    let rows = inputs.values.first?.shape.first ?? 0
    #expect(rows >= 3)
    // Inputs of 1, 2 and all rows, and what a model that has seen no other shape gives for each.
    let batches = try [1, 2, rows].map { n in
      try inputs.mapValues { t in
        try Tensor(shape: [n] + t.shape.dropFirst(), storage: t.storage.block(from: 0, count: n * t.count / rows))
      }
    }
    let expected = try batches.map { try Model(contentsOf: zoo.modelURL).run($0) }
    let agreed = await withTaskGroup(of: Bool.self) { group in
      for task in 0..<4 {
        group.addTask {
          for i in 0..<300 {
            let k = (i + task) % batches.count
            guard let outputs = try? model.run(batches[k]), outputs == expected[k] else { return false }
          }
          return true
        }
      }
      return await group.reduce(true) { $0 && $1 }
    }
    #expect(agreed)
  }
}

@Suite("Casts known to change nothing")
struct StaticCastTests {
  @Test("a Cast to the type its input is known to have is no step; the others run")
  func castsToTheSameTypeAreNames() throws {
    func cast(_ input: String, _ output: String, to type: ElementType) -> Onnx_NodeProto {
      var to = Onnx_AttributeProto()
      to.name = "to"
      to.type = .int
      to.i = Int64(ONNXDataType.code(type))
      return Graph.node("Cast", [input], [output], attributes: [to])
    }
    // x (float) → Cast float → a; ArgMax(a) → i (int64) → Cast int64 → j → Cast float → f.
    let m = try Graph.model(
      [
        cast("x", "a", to: .float), Graph.node("ArgMax", ["a"], ["i"]), cast("i", "j", to: .int64),
        cast("j", "f", to: .float), Graph.node("Reshape", ["j", "shape"], ["r"]), cast("r", "k", to: .int64),
      ],
      constants: [Graph.constant("shape", [1], [-1], .int64)],
      inputs: [Graph.value("x")],
      outputs: [Graph.value("a"), Graph.value("j"), Graph.value("f"), Graph.value("k")])
    // Left: ArgMax, the Cast to float and the Reshape.
    #expect(m.plan.steps.count == 3)
    let outputs = try m.run(["x": try Tensor(shape: [2, 3], floats: [1, 5, 2, 7, 0, 3])])
    #expect(outputs["a"]?.tensor == (try Tensor(shape: [2, 3], floats: [1, 5, 2, 7, 0, 3])))
    // ArgMax along axis 0, the rows of each column, keeping that axis.
    #expect(outputs["j"]?.tensor == Tensor(unchecked: [1, 3], .int64([1, 0, 1])))
    #expect(outputs["f"]?.tensor == Tensor(unchecked: [1, 3], .float([1, 0, 1])))
    #expect(outputs["k"]?.tensor == Tensor(unchecked: [3], .int64([1, 0, 1])))
  }

  @Test("a subgraph's declared input types are not relied on")
  func subgraphInputsAreNotTyped() throws {
    let compiler = GraphCompiler(opsets: ["": 17], isSubgraph: true)
    var graph = Onnx_GraphProto()
    var to = Onnx_AttributeProto()
    to.name = "to"
    to.type = .int
    to.i = Int64(ONNXDataType.code(.float))
    graph.node = [Graph.node("Cast", ["x"], ["y"], attributes: [to])]
    graph.input = [Graph.value("x")]
    graph.output = [Graph.value("y")]
    let plan = try compiler.compile(graph).plan
    #expect(plan.steps.count == 1)
    // Given a double where the body declared a float, the Cast still converts.
    let y = try plan.run([.tensor(Tensor(unchecked: [1], .double([0.5])))])
    #expect(y.first?.tensor == Tensor(unchecked: [1], .float([0.5])))
  }
}
