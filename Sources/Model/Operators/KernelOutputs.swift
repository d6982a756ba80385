/// A step's outputs, stored in place into the running plan's slots, so that a step
/// allocates nothing to hand its results over. Like `KernelInputs`, it lives only during
/// the `Kernel.run` call it is passed to.
struct KernelOutputs {
  let slots: UnsafeMutablePointer<Value?>
  /// The slot of each output; -1 for an output the graph leaves unnamed.
  let slotIndices: UnsafeBufferPointer<Int>

  /// Stores output `position`; one the node does not declare, or leaves unnamed, is dropped.
  func set(_ position: Int, _ value: Value) {
    guard position < slotIndices.count else { return }
    let slot = slotIndices[position]
    if slot >= 0 { slots[slot] = value }
  }

  /// Stores `values` as outputs 0, 1, …
  func set(_ values: [Value]) {
    for (position, value) in values.enumerated() { set(position, value) }
  }
}
