/// The distribution of a set of values, drawn as vertical bars over bins.
///
/// NaN and infinite values are skipped and counted in a note under the plot.
public struct Histogram: Sendable, Equatable {
  /// How the bins are chosen.
  public enum Bins: Sendable, Equatable {
    /// Freedman–Diaconis width (Sturges when the interquartile range is
    /// zero), rounded to a 1-2-5 step so that bin edges are round numbers.
    case automatic
    /// This many bins of equal width from the smallest to the largest value.
    case count(Int)
  }

  /// What the height of a bar measures.
  public enum Normalization: Sendable, Equatable {
    /// The number of values in the bin.
    case count
    /// The count divided by the number of values and the bin width, so that
    /// the bars' area is 1.
    case density
  }

  /// The values whose distribution is drawn.
  public var values: [Double]
  /// How the bins are chosen.
  public var bins: Bins
  /// What the height of a bar measures.
  public var normalization: Normalization

  /// Creates a histogram.
  /// - Parameters:
  ///   - values: the values whose distribution is drawn.
  ///   - bins: automatic (the default) or a given count.
  ///   - normalization: counts (the default) or density.
  public init(_ values: [Double], bins: Bins = .automatic, normalization: Normalization = .count) {
    self.values = values
    self.bins = bins
    self.normalization = normalization
  }
}
