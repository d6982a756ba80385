/// Where a pooling's windows lie for one input shape, and the output's shape and size:
/// worked out once per input shape (`MaxPoolKernel`) and read by every run.
struct PoolLayout: Sendable {
  let geometry: WindowGeometry
  let shape: [Int]
  let outCount: Int
}
