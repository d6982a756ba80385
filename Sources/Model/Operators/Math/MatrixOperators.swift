/// Matrix products: MatMul and Gemm.
enum MatrixOperators {
  static var definitions: [OperatorDefinition] {
    [
      OperatorRegistry.define("", "MatMul") { (ctx) throws(ModelError) in MatMulKernel(ctx) },
      OperatorRegistry.define("", "Gemm") { (ctx) throws(ModelError) in try GemmKernel(ctx) },
    ]
  }
}
