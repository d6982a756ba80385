/// SVMClassifier and SVMRegressor (ai.onnx.ml).
enum SVMKernels {
  static var definitions: [OperatorDefinition] {
    let ml = OperatorRegistry.mlDomain
    return [
      OperatorRegistry.define(ml, "SVMClassifier", opsets: 1...5) { (ctx) throws(ModelError) in
        try SVMClassifierKernel(ctx)
      },
      OperatorRegistry.define(ml, "SVMRegressor", opsets: 1...5) { (ctx) throws(ModelError) in
        try SVMRegressorKernel(ctx)
      },
    ]
  }
}
