import Foundation
import SwiftProtobuf
import Testing

@testable import Model

/// Nodes that read only constants are computed once at load time (`GraphCompiler.fold`).
@Suite("Constant folding")
struct ConstantFoldingTests {
  @Test("nodes on constants are computed once, giving what they give at run time")
  func foldedEqualsRunTime() throws {
    // y = x + (c − exp(W)): with W an initializer the Exp and Sub fold away; with W a graph
    // input they run.
    let w: [Float] = [0.25, -1.5, 2, 0.125]
    let folded = try model(weightsAreConstant: true, weights: w, reshapeTo: [4])
    let unfolded = try model(weightsAreConstant: false, weights: w, reshapeTo: [4])
    #expect(folded.plan.steps.count == 1)
    #expect(unfolded.plan.steps.count == 4)
    let x = try Tensor(shape: [4], floats: [1, 2, 3, 4])
    let a = try folded.run(["x": x])["y"]?.tensor
    let b = try unfolded.run(["x": x, "W": Tensor(shape: [4], floats: w)])["y"]?.tensor
    #expect(a != nil)
    #expect(a == b)
  }

  @Test("a node on constants that fails is left to fail when the graph runs, naming it")
  func failingNodeFailsAtRunTime() throws {
    let m = try model(weightsAreConstant: true, weights: [1, 2, 3, 4], reshapeTo: [3])
    #expect(m.plan.steps.count == 2)
    #expect {
      try m.run(["x": Tensor(shape: [4], floats: [1, 2, 3, 4])])
    } throws: { error in
      ((error as? ModelError)?.message ?? "").contains("Reshape")
    }
  }
}

/// x [4] → Add(x, Reshape(Sub(c, Exp(W)), shape)) → y, W and c = 0.5 initializers (W a graph
/// input unless `weightsAreConstant`), shape = `reshapeTo`.
private func model(weightsAreConstant: Bool, weights: [Float], reshapeTo: [Int64]) throws -> Model {
  let w = Graph.constant("W", [4], weights.map(Double.init))
  return try Graph.model(
    [
      Graph.node("Exp", ["W"], ["e"]), Graph.node("Sub", ["c", "e"], ["d"]),
      Graph.node("Reshape", ["d", "shape"], ["r"]),
      Graph.node("Add", ["x", "r"], ["y"]),
    ],
    constants: [
      Graph.constant("c", [], [0.5]), Graph.constant("shape", [reshapeTo.count], reshapeTo.map(Double.init), .int64),
    ] + (weightsAreConstant ? [w] : []),
    inputs: [Graph.value("x")] + (weightsAreConstant ? [] : [Graph.value("W")]),
    outputs: [Graph.value("y")])
}
