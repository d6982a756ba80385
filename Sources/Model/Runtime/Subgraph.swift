/// A graph attribute (a Scan body) compiled for running.
///
/// Its plan takes the declared inputs, then the values of the enclosing graph that the
/// body reads by name, in the order the enclosing node passes them after its own inputs.
struct Subgraph: Sendable {
  let plan: ExecutionPlan
  /// The body's declared inputs and outputs, for messages and arity checks.
  let inputNames: [String]
  let outputNames: [String]

  /// Runs the body on its declared inputs and the enclosing graph's values it reads.
  func run(_ inputs: [Value], captured: [Value?]) throws(ModelError) -> [Value] {
    var all = inputs
    all.reserveCapacity(inputs.count + captured.count)
    for value in captured {
      guard let value else { throw kernelError("a value the body reads from the enclosing graph is missing") }
      all.append(value)
    }
    return try plan.run(all)
  }
}
