/// What `Model.run` returns: every graph output in the graph's order, looked up by name.
///
/// A dictionary would lose the graph's order, and building one costs more than a one-row
/// run of a small model; a model has a handful of outputs, so a look-up by name is a short
/// scan. onnxruntime's `InferenceSession.run` likewise returns a list in output order.
public struct ModelOutputs: Sendable, Equatable, RandomAccessCollection {
  /// The outputs' names, in graph order.
  public let names: [String]
  // The first two values are held inline, the rest in an array: most models have one or two
  // outputs, and allocating and destroying an array of values was a tenth of a one-row run.
  private let first: Value?
  private let second: Value?
  private let rest: [Value]

  /// The outputs named `names`, output `i` being `value(i)`.
  init(names: [String], value: (Int) -> Value) {
    self.names = names
    first = names.count > 0 ? value(0) : nil
    second = names.count > 1 ? value(1) : nil
    rest = names.count > 2 ? (2..<names.count).map(value) : []
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { names.count }

  /// The outputs' values, aligned with `names`.
  public var values: [Value] { map(\.value) }

  /// Output `position`, with its name.
  public subscript(position: Int) -> (name: String, value: Value) {
    // `names[position]` traps for a position out of range, as an array does; below it, the
    // inline values are present.
    let name = names[position]
    switch position {
    case 0: return (name, first ?? rest[position])
    case 1: return (name, second ?? rest[position])
    default: return (name, rest[position - 2])
    }
  }

  /// The output called `name`, or nil when the graph has none by that name.
  public subscript(name: String) -> Value? {
    guard let i = names.firstIndex(of: name) else { return nil }
    return self[i].value
  }
}
