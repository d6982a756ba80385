/// How data maps onto an axis.
public enum AxisScale: Sendable, Equatable {
  /// Equal distances for equal differences.
  case linear
  /// Equal distances for equal ratios; non-positive values are skipped and
  /// counted in a note.
  case log10
}

/// The scale and limits of one axis.
public struct AxisOptions: Sendable, Equatable {
  /// Linear or logarithmic.
  public var scale: AxisScale
  /// Explicit limits, used as given; `nil` fits the data and rounds outward.
  public var limits: ClosedRange<Double>?

  /// Creates axis options.
  public init(scale: AxisScale = .linear, limits: ClosedRange<Double>? = nil) {
    self.scale = scale
    self.limits = limits
  }
}

/// The characters a plot's data is drawn with.
public enum CanvasStyle: Sendable, Equatable, CaseIterable {
  /// Braille patterns: 2×4 dots per character, the finest.
  case braille
  /// Quadrant blocks: 2×2 per character, bold and widely supported.
  case block
  /// Pure ASCII (`/`, `\`, `-`, `|`, `'`, `.`), for files and old terminals.
  case ascii
}
