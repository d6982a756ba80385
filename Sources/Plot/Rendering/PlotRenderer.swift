/// Something that turns a ``Plot`` description into output.
///
/// ``TextRenderer`` draws for terminals and transcripts; another renderer
/// (an SVG one for web pages) conforms to this protocol and reads the same
/// description, without any change to the plot kinds.
public protocol PlotRenderer: Sendable {
  /// What the renderer produces, such as `String`.
  associatedtype Output

  /// Draws `plot`.
  func render(_ plot: Plot) -> Output
}
