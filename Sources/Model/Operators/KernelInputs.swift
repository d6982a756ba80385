/// A step's inputs, read in place from the running plan's slots; an absent optional input
/// is nil.
///
/// It points into storage that lives only during the `Kernel.run` call it is passed to: a
/// kernel reads its inputs there and keeps no reference to this view.
struct KernelInputs: RandomAccessCollection {
  let slots: UnsafeMutablePointer<Value?>
  /// The slot of each input; -1 for an absent optional input.
  let slotIndices: UnsafeBufferPointer<Int>
  /// The inputs `take` may move out of their slots (`ExecutionPlan.Step.movableInputs`).
  var movable: UInt64 = 0

  var startIndex: Int { 0 }
  var endIndex: Int { slotIndices.count }

  var count: Int { slotIndices.count }

  subscript(position: Int) -> Value? {
    let slot = slotIndices[position]
    return slot >= 0 ? slots[slot] : nil
  }

  /// The tensor at `position`, or an error when it is absent.
  func tensor(_ position: Int) throws(ModelError) -> Tensor {
    // Matched in the slot itself, so that only the tensor is copied, not the whole value.
    if position < slotIndices.count, slotIndices[position] >= 0,
      case .tensor(let t)? = slots[slotIndices[position]]
    {
      return t
    }
    guard position < count else { throw kernelError("input \(position) is missing") }
    return try self[position].tensor(position)
  }

  /// Whether `take(position)` moves the value out rather than copying it.
  func isMovable(_ position: Int) -> Bool {
    position < 64 && movable & (1 << UInt64(position)) != 0
  }

  /// The tensor at `position`, for a kernel that reads that input once: moved out of its
  /// slot when the step reads that slot for the last time, so that the kernel holds the only
  /// reference unless the caller's inputs share it (then changing it copies, as ever) — no
  /// reference counting to hand it over and free it, and a kernel may change it in place; a
  /// copy otherwise, as `tensor(_:)` gives. A second read of a taken input finds it missing:
  /// a kernel that may read an input again (a fused producer, `EpilogueKernel`) uses
  /// `tensor(_:)`.
  func take(_ position: Int) throws(ModelError) -> Tensor {
    if position < 64, movable & (1 << UInt64(position)) != 0, position < slotIndices.count {
      let slot = slotIndices[position]
      if slot >= 0 {
        // Moved, not copied and then cleared: no reference counting.
        let value = (slots + slot).move()
        (slots + slot).initialize(to: nil)
        if case .tensor(let t)? = value { return t }
        (slots + slot).pointee = value
      }
    }
    return try tensor(position)
  }

  /// The tensor at `position`, or nil when the optional input is absent.
  func optionalTensor(_ position: Int) throws(ModelError) -> Tensor? {
    guard position < slotIndices.count, slotIndices[position] >= 0 else { return nil }
    // Matched in the slot itself: one copy of the tensor, none of the value.
    switch slots[slotIndices[position]] {
    case .some(.tensor(let t)): return t
    case .some(.sequenceOfMaps): throw kernelError("input \(position) is a sequence of maps, expected a tensor")
    case .none: return nil
    }
  }
}
