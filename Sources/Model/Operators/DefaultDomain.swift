/// The operators of the default domain (ai.onnx) that fathom runs.
let defaultDomainOperators: [OperatorDefinition] =
  Elementwise.definitions + ShapeOperators.definitions + MatrixOperators.definitions + Reductions.definitions
  + IndexingOperators.definitions + ControlFlowOperators.definitions + ConvolutionOperators.definitions
