/// Renders plots as text: Unicode (or ASCII) characters with optional ANSI
/// colours, for terminals and session transcripts.
///
/// ```swift
/// let renderer = TextRenderer(options: RenderOptions(width: 72, height: 20))
/// print(renderer.render(plot))
/// ```
///
/// The output has no trailing newline; every line has the same display width
/// and none is wider than ``RenderOptions/width``.
public struct TextRenderer: PlotRenderer {
  /// The size and colours used.
  public var options: RenderOptions

  /// Creates a text renderer.
  /// - Parameter options: size and colours; plain text at the terminal's size by default.
  public init(options: RenderOptions = RenderOptions()) {
    self.options = options
  }

  /// Draws `plot` as lines of text joined by newlines.
  public func render(_ plot: Plot) -> String {
    renderLines(plot).map { $0.ansi(options.colorMode) }.joined(separator: "\n")
  }

  /// Draws `plot` as styled lines, clipped to the size and padded to one width.
  func renderLines(_ plot: Plot) -> [StyledLine] {
    let (width, height) = options.resolvedSize()
    let size = CanvasSize(width: width, height: height, colorMode: options.colorMode)
    var lines: [StyledLine]
    switch plot.kind {
    case .line(let series): lines = seriesLines(plot, series, connected: true, size: size)
    case .scatter(let series): lines = seriesLines(plot, series, connected: false, size: size)
    case .bar(let bars): lines = barLines(plot, bars, size: size)
    case .histogram(let histogram): lines = histogramLines(plot, histogram, size: size)
    case .heatmap(let heatmap): lines = heatmapLines(plot, heatmap, size: size)
    }
    lines = Array(lines.prefix(height)).map { $0.clipped(to: width) }
    let common = lines.map(\.width).max() ?? 0
    return lines.map { line in
      var padded = line
      padded.pad(to: common)
      return padded
    }
  }
}

/// The space and colour mode a plot kind lays itself out in.
struct CanvasSize {
  var width: Int
  var height: Int
  var colorMode: ColorMode
}
