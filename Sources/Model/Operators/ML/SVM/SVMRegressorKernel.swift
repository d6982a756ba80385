/// SVMRegressor (ai.onnx.ml): `Σ_v kernel(x, sv_v)·coef_v + rho[0]`, in Float as
/// onnxruntime computes it; `post_transform` is read but never applied, as in onnxruntime.
struct SVMRegressorKernel: Kernel {
  let function: SVMKernelFunction
  let supportVectors: [Float]
  /// The support vectors in groups of eight for `SVMKernelFunction.evaluate`.
  let supportVectorBlocks: [Float]
  let coefficients: [Float]
  let rho: Float
  let vectorCount: Int
  let featureCount: Int
  let oneClass: Bool

  init(_ ctx: NodeContext) throws(ModelError) {
    guard let n = try ctx.int("n_supports") else { throw ctx.error("n_supports is required") }
    coefficients = ctx.floats("coefficients")
    guard !coefficients.isEmpty else { throw ctx.error("coefficients are missing") }
    let rhos = ctx.floats("rho")
    guard let first = rhos.first else { throw ctx.error("rho is missing") }
    rho = first
    oneClass = try ctx.int("one_class", default: 0) != 0
    _ = try PostTransform(name: try ctx.string("post_transform", default: "NONE"), context: ctx)
    supportVectors = ctx.floats("support_vectors")
    if n > 0 {
      function = try SVMKernelFunction(ctx)
      vectorCount = n
      guard supportVectors.count % n == 0, supportVectors.count > 0 else {
        throw ctx.error("\(supportVectors.count) support vector values do not fit \(n) vectors")
      }
      featureCount = supportVectors.count / n
      guard coefficients.count >= n else {
        throw ctx.error("\(coefficients.count) coefficients for \(n) support vectors")
      }
    } else {
      // liblinear mode: the coefficients are the weights of a linear model.
      function = SVMKernelFunction(kind: .linear, params: [])
      vectorCount = 0
      featureCount = coefficients.count
    }
    supportVectorBlocks = SVMKernelFunction.blocks(of: supportVectors, count: vectorCount, f: featureCount)
  }

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    let x = try svmInputRows(try inputs.take(0))
    guard x.f == featureCount else {
      throw kernelError("the SVM has \(featureCount) features; the input has \(x.f) columns")
    }
    var y = [Float](filled: 0, count: x.n)
    for r in 0..<x.n {
      let row = x.values[(r * x.f)..<(r * x.f + x.f)]
      var value: Float
      if vectorCount > 0 {
        let k = function.evaluate(row, supportVectors, count: vectorCount, f: featureCount, blocks: supportVectorBlocks)
        value = 0
        for v in 0..<vectorCount { value += k[v] * coefficients[v] }
        value += rho
      } else {
        value = function.evaluate(row, coefficients, count: 1, f: featureCount, constant: rho)[0]
      }
      if oneClass { value = value > 0 ? 1 : -1 }
      y[r] = value
    }
    outputs.set(0, .tensor(Tensor(unchecked: [x.n, 1], .float(y))))
  }
}
