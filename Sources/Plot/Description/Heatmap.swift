/// A 2-D grid of values drawn as colours (shades without colour), with a
/// colour scale: a two-input sweep, or a confusion matrix.
///
/// `values[i][j]` is the value at row `i` and column `j`. Rows are drawn top
/// to bottom when the vertical axis is ``Axis/indices`` or
/// ``Axis/categories(_:)`` (as a matrix is written), and bottom to top when
/// it is a numeric ``Axis/range(_:)`` (as a y axis grows upward).
public struct Heatmap: Sendable, Equatable {
  /// What the rows or columns of the grid stand for.
  public enum Axis: Sendable, Equatable {
    /// Row or column numbers 0, 1, 2, ….
    case indices
    /// Evenly spaced numbers from the first to the last row or column.
    case range(ClosedRange<Double>)
    /// One label per row or column, such as class names.
    case categories([String])
  }

  /// The grid, row by row.
  public var values: [[Double]]
  /// What the columns stand for.
  public var x: Axis
  /// What the rows stand for.
  public var y: Axis
  /// Whether each cell prints its value; `nil` prints them when they fit.
  public var showValues: Bool?
  /// The values mapped to the ends of the colour scale; `nil` uses the
  /// smallest and largest finite values.
  public var colorRange: ClosedRange<Double>?

  /// Creates a heatmap.
  /// - Parameters:
  ///   - values: the grid, row by row; short rows are padded with NaN.
  ///   - x: what the columns stand for.
  ///   - y: what the rows stand for.
  ///   - showValues: whether each cell prints its value; `nil` decides by space.
  ///   - colorRange: the values at the ends of the colour scale.
  public init(
    _ values: [[Double]],
    x: Axis = .indices,
    y: Axis = .indices,
    showValues: Bool? = nil,
    colorRange: ClosedRange<Double>? = nil
  ) {
    self.values = values
    self.x = x
    self.y = y
    self.showValues = showValues
    self.colorRange = colorRange
  }
}
