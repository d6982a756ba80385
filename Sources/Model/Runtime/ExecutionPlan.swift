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
  ///
  /// The slots live in a temporary allocation of this call, so concurrent runs share nothing
  /// and a run allocates only what its kernels compute.
  func run(_ inputs: [Value]) throws(ModelError) -> [Value] {
    let result = withUnsafeTemporaryAllocation(of: Value?.self, capacity: max(slotCount, 1)) { slots in
      slots.initialize(repeating: nil)
      defer { slots.deinitialize() }
      return Result { () throws(ModelError) in try run(inputs, in: slots) }
    }
    return try result.get()
  }

  private func run(_ inputs: [Value], in slots: UnsafeMutableBufferPointer<Value?>) throws(ModelError) -> [Value] {
    guard let base = slots.baseAddress else { return [] }
    for (slot, value) in constants { slots[slot] = value }
    for (slot, value) in zip(inputSlots, inputs) { slots[slot] = value }
    for step in steps {
      do {
        try step.kernel.run(
          KernelInputs(slots: base, slotIndices: step.inputs), KernelOutputs(slots: base, slotIndices: step.outputs))
      } catch {
        throw ModelError(error.code, "\(step.label): \(error.message)")
      }
      for slot in step.outputs where slot >= 0 {
        guard case .some = slots[slot] else {
          throw ModelError(.runtime, "\(step.label) did not compute all of its \(step.outputs.count) outputs")
        }
      }
      for slot in step.lastUses { slots[slot] = nil }
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
