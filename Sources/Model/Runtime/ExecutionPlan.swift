/// A graph compiled for running: steps in topological order over numbered slots.
///
/// Built once at load time; running it does no name look-ups and no parsing.
final class ExecutionPlan: Sendable {
  struct Step: Sendable {
    let kernel: any Kernel
    /// Slot of each input; -1 for an absent optional input.
    let inputs: [Int]
    let outputs: [Int]
    /// Slots read for the last time by this step: freed after it, so large
    /// intermediate batches do not stay alive to the end of the run.
    let lastUses: [Int]
    /// The node, for error messages.
    let label: String
  }

  let slotCount: Int
  /// Initializers and other values known at load time.
  let constants: [(slot: Int, value: Value)]
  /// The slots of the graph's runtime inputs, in graph order.
  let inputSlots: [Int]
  /// The slots of the graph's outputs, in graph order.
  let outputSlots: [Int]
  let steps: [Step]

  init(
    slotCount: Int, constants: [(slot: Int, value: Value)], inputSlots: [Int], outputSlots: [Int],
    steps: [Step]
  ) {
    self.slotCount = slotCount
    self.constants = constants
    self.inputSlots = inputSlots
    self.outputSlots = outputSlots
    self.steps = steps
  }

  /// Runs the plan on values for `inputSlots`, returning values for `outputSlots`.
  func run(_ inputs: [Value]) throws(ModelError) -> [Value] {
    var slots = [Value?](repeating: nil, count: slotCount)
    for (slot, value) in constants { slots[slot] = value }
    for (slot, value) in zip(inputSlots, inputs) { slots[slot] = value }
    var arguments: [Value?] = []
    for step in steps {
      arguments.removeAll(keepingCapacity: true)
      for slot in step.inputs { arguments.append(slot >= 0 ? slots[slot] : nil) }
      let results: [Value]
      do {
        results = try step.kernel.run(arguments)
      } catch {
        throw ModelError(error.code, "\(step.label): \(error.message)")
      }
      guard results.count >= step.outputs.count else {
        throw ModelError(.runtime, "\(step.label) produced \(results.count) outputs, expected \(step.outputs.count)")
      }
      for slot in step.lastUses { slots[slot] = nil }
      for (slot, value) in zip(step.outputs, results) where slot >= 0 { slots[slot] = value }
    }
    var outputs: [Value] = []
    outputs.reserveCapacity(outputSlots.count)
    for slot in outputSlots {
      guard let value = slots[slot] else {
        throw ModelError(.runtime, "the graph did not compute one of its outputs")
      }
      outputs.append(value)
    }
    return outputs
  }
}
