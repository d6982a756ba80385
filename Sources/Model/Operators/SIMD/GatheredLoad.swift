/// Eight values `step` apart from `p`, for the line kernels' strides other than 1 and 2.
@inline(__always)
func gathered(_ p: UnsafePointer<Float>, _ step: Int) -> SIMD8<Float> {
  SIMD8(p[0], p[step], p[2 * step], p[3 * step], p[4 * step], p[5 * step], p[6 * step], p[7 * step])
}
