/// The probability the model gives one class.
public struct ClassProbability: Sendable, Equatable {
  /// The class.
  public var label: ClassLabel
  /// Its probability (or score, for models that do not normalise).
  public var probability: Double

  /// Creates a class probability.
  public init(label: ClassLabel, probability: Double) {
    self.label = label
    self.probability = probability
  }
}

/// What a model predicts for one row of features.
public struct Prediction: Sendable, Equatable {
  /// The predicted class, for classifiers.
  public var label: ClassLabel?
  /// The probability of each class, in the model's class order; empty for regressors.
  public var probabilities: [ClassProbability]
  /// The regressed values, for regressors (one per target).
  public var values: [Double]
  /// The features that took the schema's default because the row did not give them.
  public var defaultsUsed: [String]

  /// Creates a prediction.
  public init(
    label: ClassLabel? = nil, probabilities: [ClassProbability] = [], values: [Double] = [],
    defaultsUsed: [String] = []
  ) {
    self.label = label
    self.probabilities = probabilities
    self.values = values
    self.defaultsUsed = defaultsUsed
  }

  /// The first regressed value, for regressors.
  public var value: Double? { values.first }

  /// The probability of `label`, if the model gives one.
  public func probability(of label: ClassLabel) -> Double? {
    probabilities.first { $0.label == label }?.probability
  }
}
