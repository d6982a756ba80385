/// A convolution's sizes for one set of input, weight and bias shapes, checked against each
/// other: worked out once per input shape (`ConvKernel`) and read by every run.
struct ConvolutionLayout: Sendable {
  let batch: Int
  let channels: Int
  let filters: Int
  let group: Int
  let geometry: WindowGeometry
  let outCount: Int
}
