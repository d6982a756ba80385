import Foundation
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
}
