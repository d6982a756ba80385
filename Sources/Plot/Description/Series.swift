/// One named sequence of points for a line or scatter plot.
///
/// Points whose x or y is NaN or infinite are skipped, counted in a note
/// under the plot, and break a line. When `x` and `y` differ in length the
/// extra values of the longer one are ignored.
public struct Series: Sendable, Equatable {
  /// The name shown in the legend.
  public var name: String
  /// The horizontal coordinates.
  public var x: [Double]
  /// The vertical coordinates.
  public var y: [Double]

  /// Creates a series from coordinates.
  /// - Parameters:
  ///   - name: the name shown in the legend.
  ///   - x: the horizontal coordinates.
  ///   - y: the vertical coordinates, paired with `x` by index.
  public init(name: String, x: [Double], y: [Double]) {
    self.name = name
    self.x = x
    self.y = y
  }

  /// Creates a series whose x coordinates are the indices 0, 1, 2, … of `y`.
  public init(name: String, y: [Double]) {
    self.init(name: name, x: y.indices.map(Double.init), y: y)
  }

  /// The number of points: pairs of an x and a y.
  var count: Int { min(x.count, y.count) }
}
