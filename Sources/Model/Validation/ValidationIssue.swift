/// One problem with the features given to a prediction.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
  /// What is wrong.
  public enum Kind: Sendable, Hashable {
    /// The feature has no value and no default.
    case missing
    /// The name is not a feature of this model; the known names are attached.
    case unknown(known: [String])
    /// The value has the wrong type for the feature.
    case wrongType(expected: FeatureType)
    /// A number that is NaN or infinite.
    case notFinite
    /// Below the schema's minimum.
    case belowMinimum(Double)
    /// Above the schema's maximum.
    case aboveMaximum(Double)
    /// Not one of the feature's categories.
    case notAllowed(categories: [String])
    /// A whole number was expected.
    case notInteger
  }

  /// The row in a batch (0-based), or nil for a single prediction.
  public var row: Int?
  /// The feature (or unknown name) concerned.
  public var feature: String
  /// The problem.
  public var kind: Kind
  /// The value given, when there was one.
  public var input: FeatureValue?

  /// Creates an issue.
  public init(row: Int? = nil, feature: String, kind: Kind, input: FeatureValue? = nil) {
    self.row = row
    self.feature = feature
    self.kind = kind
    self.input = input
  }

  /// The problem in words, without the feature name.
  public var reason: String {
    switch kind {
    case .missing:
      return "is required but missing"
    case .unknown(let known):
      var text = "is not a feature of this model"
      if let near = nearestName(to: feature, in: known) { text += " (did you mean \(near)?)" }
      return text + "; the features are " + known.joined(separator: ", ")
    case .wrongType(let expected):
      return "should be \(expected.noun), got \(input.map(describeKind) ?? "nothing")"
    case .notFinite:
      return "should be a finite number, got \(input?.description ?? "a non-finite value")"
    case .belowMinimum(let min):
      return "should be at least \(formatNumber(min)), got \(input?.description ?? "less")"
    case .aboveMaximum(let max):
      return "should be at most \(formatNumber(max)), got \(input?.description ?? "more")"
    case .notAllowed(let categories):
      return "should be one of " + categories.map { "\"\($0)\"" }.joined(separator: ", ")
        + ", got \(input?.description ?? "nothing")"
    case .notInteger:
      return "should be a whole number, got \(input?.description ?? "a fraction")"
    }
  }

  public var description: String {
    let prefix = row.map { "row \($0 + 1): " } ?? ""
    return "\(prefix)\(feature) \(reason)"
  }
}

private func describeKind(_ value: FeatureValue) -> String {
  switch value {
  case .number(let v): "the number \(formatNumber(v))"
  case .string(let s): "the string \"\(s)\""
  case .bool(let b): "the boolean \(b)"
  case .null: "null"
  case .unsupported(let kind): kind
  }
}

/// The known name closest to `name` by edit distance, if any is close enough to be a typo.
package func nearestName(to name: String, in known: [String]) -> String? {
  let target = Array(name.lowercased())
  let limit = max(2, target.count / 3)
  var best: (name: String, distance: Int)?
  for candidate in known {
    let other = Array(candidate.lowercased())
    // The distance is at least the difference in length: skip the quadratic work (a pasted
    // 100,000-character word would otherwise take seconds against every name).
    guard abs(target.count - other.count) <= limit else { continue }
    let d = editDistance(target, other)
    if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
  }
  return best?.name
}

private func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
