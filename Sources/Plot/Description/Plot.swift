/// A description of a plot: its data, kind, axes, labels and options.
///
/// A `Plot` holds no rendering state. Renderers (``TextRenderer`` today) turn
/// it into output, so the same description can be drawn in a terminal or,
/// later, as an SVG image.
///
/// ```swift
/// let plot = Plot(
///   kind: .line([Series(name: "setosa", x: lengths, y: probabilities)]),
///   title: "P(class) against petal_length",
///   xLabel: "petal_length", yLabel: "p")
/// print(TextRenderer(options: .terminal()).render(plot))
/// ```
public struct Plot: Sendable, Equatable {
  /// What is drawn, with its data.
  public var kind: PlotKind
  /// A title centred above the plot.
  public var title: String?
  /// The label under the horizontal axis.
  public var xLabel: String?
  /// The label left of the vertical axis.
  public var yLabel: String?
  /// Scale and limits of the horizontal axis.
  public var xAxis: AxisOptions
  /// Scale and limits of the vertical axis.
  public var yAxis: AxisOptions
  /// The characters the data is drawn with.
  public var canvas: CanvasStyle

  /// Creates a plot description.
  /// - Parameters:
  ///   - kind: what is drawn, with its data.
  ///   - title: a title centred above the plot.
  ///   - xLabel: the label under the horizontal axis.
  ///   - yLabel: the label left of the vertical axis.
  ///   - xScale: linear or logarithmic horizontal axis.
  ///   - yScale: linear or logarithmic vertical axis.
  ///   - xLimits: explicit horizontal limits; `nil` fits the data and rounds outward.
  ///   - yLimits: explicit vertical limits; `nil` fits the data and rounds outward.
  ///   - canvas: braille (finest), block, or pure ASCII characters.
  public init(
    kind: PlotKind,
    title: String? = nil,
    xLabel: String? = nil,
    yLabel: String? = nil,
    xScale: AxisScale = .linear,
    yScale: AxisScale = .linear,
    xLimits: ClosedRange<Double>? = nil,
    yLimits: ClosedRange<Double>? = nil,
    canvas: CanvasStyle = .braille
  ) {
    self.kind = kind
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.xAxis = AxisOptions(scale: xScale, limits: xLimits)
    self.yAxis = AxisOptions(scale: yScale, limits: yLimits)
    self.canvas = canvas
  }
}
