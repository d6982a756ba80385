/// One labelled value of a bar chart, such as the probability of a class.
public struct Bar: Sendable, Equatable {
  /// The label left of the bar.
  public var label: String
  /// The length of the bar. NaN and infinities draw no bar and print as such.
  public var value: Double

  /// Creates a labelled bar.
  public init(_ label: String, _ value: Double) {
    self.label = label
    self.value = value
  }
}
