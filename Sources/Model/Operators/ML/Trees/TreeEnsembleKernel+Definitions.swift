extension TreeEnsembleKernel {
  static var definitions: [OperatorDefinition] {
    let ml = OperatorRegistry.mlDomain
    return [
      OperatorRegistry.define(ml, "TreeEnsembleClassifier", opsets: 1...5) { (ctx) throws(ModelError) in
        let attrs = try TreeAttributes(ctx, weightPrefix: "class", targetKey: "ids")
        let strings = ctx.strings("classlabels_strings")
        let ints = ctx.ints("classlabels_int64s")
        let labels: Labels = strings.isEmpty ? .int64(ints) : .string(strings)
        guard labels.count > 0 else { throw ctx.error("the classifier has no class labels") }
        guard labels.count > 1 else { throw ctx.unsupported("a classifier with a single class") }
        let post = try PostTransform(name: try ctx.string("post_transform", default: "NONE"), context: ctx)
        if let bad = attrs.weightTargets.first(where: { $0 >= Int64(labels.count) }) {
          throw ctx.error("a weight is for class \(bad) but there are \(labels.count) classes")
        }
        return TreeEnsembleKernel(
          floatForest: try attrs.forest(Float.self, label: ctx.label),
          doubleForest: try attrs.forest(Double.self, label: ctx.label),
          targets: labels.count, aggregate: .sum, post: post,
          baseValues: try ctx.floatsOrTensor("base_values"), labels: labels,
          binaryCase: labels.count == 2 && Set(attrs.weightTargets).count == 1,
          weightsAllPositive: !attrs.weightValues.contains { $0 < 0 })
      },
      OperatorRegistry.define(ml, "TreeEnsembleRegressor", opsets: 1...5) { (ctx) throws(ModelError) in
        let attrs = try TreeAttributes(ctx, weightPrefix: "target", targetKey: "ids")
        let n = try ctx.int("n_targets", default: 1)
        guard n > 0 else { throw ctx.error("n_targets must be positive") }
        if let bad = attrs.weightTargets.first(where: { $0 >= Int64(n) }) {
          throw ctx.error("a weight is for target \(bad) but n_targets is \(n)")
        }
        let aggregate: Aggregate
        switch try ctx.string("aggregate_function", default: "SUM") {
        case "SUM": aggregate = .sum
        case "AVERAGE": aggregate = .average
        case "MIN": aggregate = .min
        case "MAX": aggregate = .max
        case let other: throw ctx.unsupported("aggregate_function \(other)")
        }
        return TreeEnsembleKernel(
          floatForest: try attrs.forest(Float.self, label: ctx.label),
          doubleForest: try attrs.forest(Double.self, label: ctx.label),
          targets: n, aggregate: aggregate,
          post: try PostTransform(name: try ctx.string("post_transform", default: "NONE"), context: ctx),
          baseValues: try ctx.floatsOrTensor("base_values"), labels: nil, binaryCase: false,
          weightsAllPositive: true)
      },
      OperatorRegistry.define(ml, "TreeEnsemble", opsets: 5...5) { (ctx) throws(ModelError) in
        let v5 = try TreeEnsembleV5(ctx)
        return TreeEnsembleKernel(
          floatForest: try v5.forest(Float.self), doubleForest: try v5.forest(Double.self),
          targets: v5.targets, aggregate: v5.aggregate, post: v5.post, baseValues: [], labels: nil,
          binaryCase: false, weightsAllPositive: true)
      },
    ]
  }
}
