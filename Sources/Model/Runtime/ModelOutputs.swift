/// What `Model.run` returns: every graph output in the graph's order, looked up by name.
///
/// A dictionary would lose the graph's order, and building one costs more than a one-row
/// run of a small model; a model has a handful of outputs, so a look-up by name is a short
/// scan. onnxruntime's `InferenceSession.run` likewise returns a list in output order.
public struct ModelOutputs: Sendable, Equatable, RandomAccessCollection {
  /// The outputs' names, in graph order.
  public let names: [String]
  /// The outputs' values, aligned with `names`.
  public let values: [Value]

  init(names: [String], values: [Value]) {
    self.names = names
    self.values = values
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { values.count }

  /// Output `position`, with its name.
  public subscript(position: Int) -> (name: String, value: Value) { (names[position], values[position]) }

  /// The output called `name`, or nil when the graph has none by that name.
  public subscript(name: String) -> Value? {
    guard let i = names.firstIndex(of: name), i < values.count else { return nil }
    return values[i]
  }
}
