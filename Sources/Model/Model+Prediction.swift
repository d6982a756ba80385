import Foundation

extension Model {
  /// How strictly `validate` and `predict` treat a row.
  public struct ValidationPolicy: Sendable, Hashable {
    /// Reject numbers outside the schema's min and max.
    public var enforceRanges: Bool
    /// Fill features the row lacks from the schema's defaults.
    public var useDefaults: Bool

    /// Creates a policy.
    public init(enforceRanges: Bool = true, useDefaults: Bool = true) {
      self.enforceRanges = enforceRanges
      self.useDefaults = useDefaults
    }

    /// Ranges enforced, defaults used: what the server applies.
    public static let strict = ValidationPolicy()
  }

  /// Whether the model can take a missing number (null or NaN): it imputes them.
  public var acceptsMissingNumbers: Bool { layout.acceptsMissingNumbers }

  /// Every problem with one row of features; empty when the row is valid.
  public func validate(
    _ row: [String: FeatureValue], row index: Int? = nil, policy: ValidationPolicy = .strict
  ) -> [ValidationIssue] {
    var issues: [ValidationIssue] = []
    _ = resolve(row, index: index, policy: policy, issues: &issues)
    return issues
  }

  /// Predicts one row.
  /// - Parameters:
  ///   - row: feature values by name.
  ///   - policy: how strictly to validate.
  /// - Returns: the label and probabilities, or the regressed value.
  /// - Throws: `ModelError` with code `.invalidInput` listing every problem in `issues`.
  public func predict(_ row: [String: FeatureValue], policy: ValidationPolicy = .strict) throws(ModelError)
    -> Prediction
  {
    let results = try predict(rows: [row], policy: policy, numberRows: false)
    guard let first = results.first else { throw ModelError(.runtime, "the model returned no rows") }
    return first
  }

  /// Predicts a batch of rows in one run of the graph.
  /// - Throws: `ModelError` with code `.invalidInput` listing every problem of every row.
  public func predict(rows: [[String: FeatureValue]], policy: ValidationPolicy = .strict) throws(ModelError)
    -> [Prediction]
  {
    try predict(rows: rows, policy: policy, numberRows: true)
  }

  private func predict(rows: [[String: FeatureValue]], policy: ValidationPolicy, numberRows: Bool)
    throws(ModelError) -> [Prediction]
  {
    var issues: [ValidationIssue] = []
    var resolved: [[FeatureValue]] = []
    var defaults: [[String]] = []
    resolved.reserveCapacity(rows.count)
    for (index, row) in rows.enumerated() {
      let r = resolve(row, index: numberRows ? index : nil, policy: policy, issues: &issues)
      resolved.append(r.values)
      defaults.append(r.defaultsUsed)
    }
    guard issues.isEmpty else {
      let lines = issues.map(\.description)
      throw ModelError(
        .invalidInput,
        "\(issues.count == 1 ? "1 problem" : "\(issues.count) problems") with the input:\n  "
          + lines.joined(separator: "\n  "),
        issues: issues)
    }
    if rows.isEmpty { return [] }
    let outputs = try plan.run(try inputTensors(resolved).map(Value.tensor))
    var predictions = try interpret(outputs, rowCount: rows.count)
    for i in predictions.indices { predictions[i].defaultsUsed = defaults[i] }
    return predictions
  }

  /// Runs the graph on named tensors and returns every output, in graph order and by name:
  /// the low-level API the Open Inference Protocol uses.
  /// - Throws: `ModelError` when an input is missing, unknown or of the wrong type or shape.
  public func run(_ inputs: [String: Tensor]) throws(ModelError) -> ModelOutputs {
    // Checked tensors go straight into the plan's input slots: no array of inputs in between.
    let declared = signature.inputs
    let names = layout.outputNames
    return try plan.run { (store) throws(ModelError) in
      var issues: [String] = []
      var found = 0
      // One input given for one declared: compare the name rather than hash it (hashing a
      // string is a twentieth of a small model's one-row run), and copy only the tensor, not
      // the name and tensor pair.
      let only = declared.count == 1 && inputs.count == 1 ? inputs.startIndex : nil
      for index in declared.indices {
        let given: Tensor?
        if let only {
          given = inputs.keys[only] == declared[index].name ? inputs.values[only] : nil
        } else {
          given = inputs[declared[index].name]
        }
        guard let tensor = given else {
          issues.append("input \(declared[index].name) is missing")
          continue
        }
        found += 1
        Self.check(tensor, against: declared[index], into: &issues)
        if issues.isEmpty { store(index, .tensor(tensor)) }
      }
      // Every given name was an input unless there are more names than inputs found.
      if inputs.count > found {
        let known = Set(declared.map(\.name))
        for name in inputs.keys.sorted() where !known.contains(name) {
          issues.append(
            "\(name) is not an input of this model; the inputs are " + declared.map(\.name).joined(separator: ", "))
        }
      }
      guard issues.isEmpty else {
        throw ModelError(.invalidInput, issues.joined(separator: "; "))
      }
    } reading: { output in
      ModelOutputs(names: names, value: output)
    }
  }

  /// Adds to `issues` what is wrong with `tensor`'s element type and shape for input `info`.
  private static func check(_ tensor: Tensor, against info: TensorInfo, into issues: inout [String]) {
    if let expected = info.elementType, tensor.elementType != expected {
      issues.append("input \(info.name) should be \(expected), got \(tensor.elementType)")
    }
    guard let shape = info.shape, !shape.isEmpty else { return }
    func wanted() -> String { "[\(shape.map(\.description).joined(separator: ", "))]" }
    if shape.count != tensor.rank {
      issues.append("input \(info.name) should have \(shape.count) dimensions \(wanted()), got \(tensor.shape)")
      return
    }
    for (d, n) in zip(shape, tensor.shape) {
      if case .fixed(let want) = d, want != n {
        issues.append("input \(info.name) should have shape \(wanted()), got \(tensor.shape)")
        return
      }
    }
  }

  // MARK: Rows to tensors

  private func resolve(
    _ row: [String: FeatureValue], index: Int?, policy: ValidationPolicy, issues: inout [ValidationIssue]
  ) -> (values: [FeatureValue], defaultsUsed: [String]) {
    let features = signature.features
    if row.count > 0 {
      for name in row.keys where layout.index[name] == nil {
        issues.append(
          ValidationIssue(row: index, feature: name, kind: .unknown(known: signature.featureNames), input: row[name]))
      }
    }
    var values: [FeatureValue] = []
    values.reserveCapacity(features.count)
    var defaultsUsed: [String] = []
    let missingAllowed = acceptsMissingNumbers
    // Read the features in place: copying a Feature copies its strings and arrays.
    features.withUnsafeBufferPointer { features in
      for i in features.indices {
        var value = row[features[i].name]
        if value == nil, policy.useDefaults, let d = features[i].defaultValue {
          value = d
          defaultsUsed.append(features[i].name)
        }
        guard let given = value else {
          issues.append(ValidationIssue(row: index, feature: features[i].name, kind: .missing))
          values.append(.null)
          continue
        }
        let checked = check(
          given, type: features[i].type, minimum: features[i].minimum, maximum: features[i].maximum,
          policy: policy, missingAllowed: missingAllowed)
        if let kind = checked.issue {
          issues.append(ValidationIssue(row: index, feature: features[i].name, kind: kind, input: given))
        }
        values.append(checked.value)
      }
    }
    return (values, defaultsUsed)
  }

  private func check(
    _ value: FeatureValue, type: FeatureType, minimum: Double?, maximum: Double?, policy: ValidationPolicy,
    missingAllowed: Bool
  ) -> (value: FeatureValue, issue: ValidationIssue.Kind?) {
    switch type {
    case .number, .integer:
      var number: Double
      switch value {
      case .number(let d): number = d
      case .string(let s):
        // Numeric strings are accepted, as Pydantic's lax mode does (decimal, not hexadecimal).
        guard let d = parseNumber(s.trimmingCharacters(in: .whitespaces)) else {
          return (value, .wrongType(expected: type))
        }
        number = d
      case .null where missingAllowed:
        return (.number(.nan), nil)
      default:
        return (value, .wrongType(expected: type))
      }
      if number.isNaN, missingAllowed { return (.number(number), nil) }
      guard number.isFinite else { return (.number(number), .notFinite) }
      if case .integer = type, number != number.rounded() { return (value, .notInteger) }
      if policy.enforceRanges {
        if let lo = minimum, number < lo { return (.number(number), .belowMinimum(lo)) }
        if let hi = maximum, number > hi { return (.number(number), .aboveMaximum(hi)) }
      }
      return (.number(number), nil)
    case .boolean:
      if case .bool = value { return (value, nil) }
      return (value, .wrongType(expected: type))
    case .string:
      if case .string = value { return (value, nil) }
      return (value, .wrongType(expected: type))
    case .category(let categories):
      guard case .string(let s) = value else { return (value, .wrongType(expected: type)) }
      if !categories.isEmpty, !categories.contains(s) { return (value, .notAllowed(categories: categories)) }
      return (value, nil)
    }
  }

  private func inputTensors(_ rows: [[FeatureValue]]) throws(ModelError) -> [Tensor] {
    let n = rows.count
    var tensors: [Tensor] = []
    for (inputIndex, input) in signature.inputs.enumerated() {
      let (width, pairs) = layout.columns[inputIndex]
      let rank = input.shape?.count ?? 2
      let shape = rank == 1 ? [n * width] : [n, width]
      // Every cell starts at 0 (or ""); a feature's value, checked by `resolve`, fills its column.
      func fill<T>(_ zero: T, _ convert: (FeatureValue) -> T?) -> [T] {
        var out = [T](repeating: zero, count: n * width)
        for (r, row) in rows.enumerated() {
          for (feature, column) in pairs {
            if let v = convert(row[feature]) { out[r * width + column] = v }
          }
        }
        return out
      }
      func number(_ v: FeatureValue) -> Double? {
        switch v {
        case .number(let d): d
        case .bool(let b): b ? 1 : 0
        default: nil
        }
      }
      let storage: Tensor.Storage
      switch input.elementType ?? .float {
      case .float: storage = .float(fill(0) { number($0).map { Float($0) } })
      case .double: storage = .double(fill(0, number))
      // Integer features were checked to be whole; out-of-range values saturate rather than trap.
      case .int64: storage = .int64(fill(0) { number($0).map { Int64(saturating: $0) } })
      case .int32: storage = .int32(fill(0) { number($0).map { Int32(clamping: Int64(saturating: $0)) } })
      case .bool: storage = .bool(fill(false) { number($0).map { $0 != 0 } })
      case .string: storage = .string(fill("") { if case .string(let s) = $0 { s } else { nil } })
      }
      tensors.append(Tensor(unchecked: shape, storage))
    }
    return tensors
  }

  // MARK: Tensors to predictions

  private func interpret(_ outputs: [Value], rowCount n: Int) throws(ModelError) -> [Prediction] {
    var predictions = [Prediction](repeating: Prediction(), count: n)
    if let li = roles.label, case .tensor(let labels) = outputs[li] {
      guard labels.count >= n else {
        throw ModelError(.runtime, "the label output has \(labels.count) rows for \(n) inputs")
      }
      for r in 0..<n {
        switch labels.storage {
        case .string(let s): predictions[r].label = .string(s[r])
        case .int64(let v): predictions[r].label = .int(v[r])
        case .int32(let v): predictions[r].label = .int(Int64(v[r]))
        default: predictions[r].label = .string(labels.storage.strings[r])
        }
      }
    }
    if let pi = roles.probabilities {
      switch outputs[pi] {
      case .sequenceOfMaps(let maps):
        let keys = maps.keys.labels
        for r in 0..<min(n, maps.count) {
          predictions[r].probabilities = zip(keys, maps.row(r)).map {
            ClassProbability(label: $0, probability: Double($1))
          }
        }
      case .tensor(let t):
        let values = t.storage.doubles ?? []
        let c = n > 0 ? values.count / n : 0
        let labels = signature.classLabels.count == c ? signature.classLabels : (0..<c).map { .int(Int64($0)) }
        for r in 0..<n {
          predictions[r].probabilities = (0..<c).map {
            ClassProbability(label: labels[$0], probability: values[r * c + $0])
          }
        }
      }
    }
    if let vi = roles.value, case .tensor(let t) = outputs[vi] {
      let values = t.storage.doubles ?? []
      let k = n > 0 ? values.count / n : 0
      for r in 0..<n { predictions[r].values = Array(values[(r * k)..<(r * k + k)]) }
    }
    return predictions
  }
}
