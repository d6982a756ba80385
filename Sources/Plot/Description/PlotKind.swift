/// What a plot draws, with its data.
public enum PlotKind: Sendable, Equatable {
  /// Lines through the points of each series, with a legend.
  case line([Series])
  /// The points of each series, unconnected, with a legend.
  case scatter([Series])
  /// Horizontal bars, one per labelled value, the value printed at the end.
  case bar([Bar])
  /// The distribution of a set of values.
  case histogram(Histogram)
  /// A 2-D grid of values drawn as colours, with a colour scale.
  case heatmap(Heatmap)
}
