/// A graph compiled for running: steps in topological order over numbered slots.
///
/// Built once at load time; running it does no name look-ups and no parsing.
final class ExecutionPlan: Sendable {
  /// One node's work.
  ///
  /// A class whose slot numbers also live in memory of its own, so that running a step costs
  /// one reference count for the step rather than one for each of its arrays: on a one-row
  /// request the plan's bookkeeping is a large share of the work.
  final class Step: @unchecked Sendable {
    let kernel: any Kernel
    /// The node, for error messages.
    let label: String
    /// The slot of each input (-1 for an absent optional input), of each output, and the
    /// slots read for the last time by this step (freed after it, so that large intermediate
    /// batches do not stay alive to the end of the run), one after the other. Never written
    /// after `init` (hence `@unchecked Sendable`); freed in `deinit`.
    private let slotNumbers: UnsafeMutableBufferPointer<Int>
    private let inputCount: Int
    private let outputCount: Int
    /// Bit p is set when input p's slot is read for the last time by this step, and only once:
    /// the kernel may take that value out of its slot and change it in place
    /// (`KernelInputs.take`).
    let movableInputs: UInt64

    init(kernel: any Kernel, inputs: [Int], outputs: [Int], lastUses: [Int], label: String) {
      self.kernel = kernel
      self.label = label
      inputCount = inputs.count
      outputCount = outputs.count
      var movable: UInt64 = 0
      for (p, slot) in inputs.enumerated().prefix(64)
      where slot >= 0 && lastUses.contains(slot) && inputs.filter({ $0 == slot }).count == 1 {
        movable |= 1 << UInt64(p)
      }
      movableInputs = movable
      slotNumbers = .allocate(capacity: inputs.count + outputs.count + lastUses.count)
      _ = slotNumbers.initialize(from: inputs + outputs + lastUses)
    }

    deinit { slotNumbers.deallocate() }

    var inputSlots: UnsafeBufferPointer<Int> { numbers(from: 0, count: inputCount) }
    var outputSlots: UnsafeBufferPointer<Int> { numbers(from: inputCount, count: outputCount) }
    var lastUseSlots: UnsafeBufferPointer<Int> {
      numbers(from: inputCount + outputCount, count: slotNumbers.count - inputCount - outputCount)
    }

    private func numbers(from start: Int, count: Int) -> UnsafeBufferPointer<Int> {
      UnsafeBufferPointer(start: slotNumbers.baseAddress.map { $0 + start }, count: count)
    }
  }

  let slotCount: Int
  /// The slots of the graph's runtime inputs, in graph order.
  let inputSlots: [Int]
  /// The slots of the graph's outputs, in graph order.
  let outputSlots: [Int]
  let steps: [Step]
  /// `steps` unretained, for running (`run(in:)`).
  private let stepReferences: [Unmanaged<Step>]
  /// Every slot as a run starts: the constants (initializers and other values known at load
  /// time) in theirs, nil elsewhere.
  ///
  /// It holds the constants' references; a run copies it bit for bit and never releases what
  /// it copied, so constants cost no reference counting per run (on a one-row request that
  /// was a twentieth of a small network's call). Never written after `init` (hence
  /// `@unchecked Sendable`); freed in `deinit`.
  final class Template: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<Value?>

    init(count: Int, constants: [(slot: Int, value: Value)]) {
      slots = .allocate(capacity: count)
      slots.initialize(repeating: nil)
      for (slot, value) in constants where slot >= 0 && slot < count { slots[slot] = value }
    }

    deinit {
      slots.deinitialize()
      slots.deallocate()
    }
  }

  private let template: Template
  /// The slots a run owns and must release when it ends: all but the constants'.
  private let ownedSlots: [Int]
  /// For each output: whether reading it may move its value out of the slot (it is not a
  /// constant's slot and no other output reads the same slot).
  private let movableOutputs: [Bool]

  /// - Precondition: no step writes, takes or frees a constant's slot (`GraphCompiler`
  ///   leaves constants out of every step's last uses, and outputs are fresh names).
  init(
    slotCount: Int, constants: [(slot: Int, value: Value)], inputSlots: [Int], outputSlots: [Int],
    steps: [Step]
  ) {
    self.slotCount = slotCount
    self.inputSlots = inputSlots
    self.outputSlots = outputSlots
    self.steps = steps
    stepReferences = steps.map { Unmanaged.passUnretained($0) }
    let count = max(slotCount, 1)
    template = Template(count: count, constants: constants)
    let constantSlots = Set(constants.map(\.slot))
    ownedSlots = (0..<count).filter { !constantSlots.contains($0) }
    movableOutputs = outputSlots.indices.map { index in
      !constantSlots.contains(outputSlots[index]) && outputSlots.filter { $0 == outputSlots[index] }.count == 1
    }
  }

  /// Runs the plan on values for `inputSlots`, returning values for `outputSlots`.
  func run(_ inputs: [Value]) throws(ModelError) -> [Value] {
    try run { (store) throws(ModelError) in
      for (index, value) in inputs.enumerated() { store(index, value) }
    } reading: { output in
      (0..<outputSlots.count).map(output)
    }
  }

  /// Runs the plan on the inputs that `fill` stores, and returns what `read` makes of the
  /// outputs.
  ///
  /// `fill` is called once, before the first step, with a function that stores input
  /// `index` (a position in `inputSlots`); it may throw instead, and then nothing runs.
  /// `read` gets a function giving output `index` (a position in `outputSlots`), to be called
  /// at most once per index (it may move the value out); both functions are valid only during
  /// the call they are passed to.
  /// The slots live in a temporary allocation of this call, so concurrent runs share nothing
  /// and a run allocates only what its kernels compute.
  func run<R>(
    filling fill: (_ store: (_ index: Int, _ value: consuming Value) -> Void) throws(ModelError) -> Void,
    reading read: (_ output: (_ index: Int) -> Value) -> R
  ) throws(ModelError) -> R {
    let count = max(slotCount, 1)
    let result = withUnsafeTemporaryAllocation(of: Value?.self, capacity: count) { slots in
      guard let base = slots.baseAddress, let start = template.slots.baseAddress else {
        return Result<R, ModelError>.failure(ModelError(.runtime, "no memory for the run's values"))
      }
      // Bit for bit: the constants' references stay the template's (see `template`).
      UnsafeMutableRawPointer(base).copyMemory(
        from: UnsafeRawPointer(start), byteCount: count * MemoryLayout<Value?>.stride)
      defer {
        // One slot at a time: `deinitialize()` on the whole buffer goes through the
        // runtime's generic array destroy, which costs more than a small model's arithmetic.
        for slot in ownedSlots { _ = (base + slot).move() }
      }
      return Result { () throws(ModelError) -> R in
        try fill { index, value in
          if index < inputSlots.count { slots[inputSlots[index]] = value }
        }
        try run(in: slots)
        // `run(in:)` checked that every output slot holds a value.
        return read { index in
          let slot = outputSlots[index]
          let value: Value?
          if movableOutputs[index] {
            value = (base + slot).move()
            (base + slot).initialize(to: nil)
          } else {
            value = slots[slot]
          }
          return value ?? .tensor(Tensor(unchecked: [0], .float([])))
        }
      }
    }
    return try result.get()
  }

  /// Runs every step, then checks that every output slot holds a value.
  private func run(in slots: UnsafeMutableBufferPointer<Value?>) throws(ModelError) {
    guard let base = slots.baseAddress else { return }
    for reference in stepReferences {
      // Borrowed from `steps`, which holds every step for the plan's life: taking each out of
      // the array retained and released it, two atomic operations per step.
      let failure: ModelError? = reference._withUnsafeGuaranteedRef { step in
        let outputSlots = step.outputSlots
        do throws(ModelError) {
          try step.kernel.run(
            KernelInputs(slots: base, slotIndices: step.inputSlots, movable: step.movableInputs),
            KernelOutputs(slots: base, slotIndices: outputSlots))
        } catch {
          return ModelError(error.code, "\(step.label): \(error.message)")
        }
        for slot in outputSlots where slot >= 0 {
          guard case .some = slots[slot] else {
            return ModelError(.runtime, "\(step.label) did not compute all of its \(outputSlots.count) outputs")
          }
        }
        for slot in step.lastUseSlots { slots[slot] = nil }
        return nil
      }
      if let failure { throw failure }
    }
    for slot in outputSlots where slots[slot] == nil {
      throw ModelError(.runtime, "the graph did not compute one of its outputs")
    }
  }
}
