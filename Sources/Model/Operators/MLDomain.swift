/// The operators of the ai.onnx.ml domain that fathom runs.
let mlOperators: [OperatorDefinition] =
  TreeEnsembleKernel.definitions + LinearModels.definitions + Preprocessing.definitions + SVMKernels.definitions
