import Foundation

/// e^x for eight Floats at once: within 2 ulps of `expf` for arguments whose result is a
/// normal number (1 at most over that range in the tests), for an SVM's RBF kernel where one
/// `expf` call per support vector was a seventh of a one-row SVC. Each lane's result depends
/// on that lane alone: a lane whose result would be subnormal, zero, infinite or NaN is
/// computed with `expf`.
///
/// Cephes' method: x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two so n·ln 2 is exact),
/// e^r by a degree-6 polynomial, then 2^n put into the exponent.
func exponential(_ x: SIMD8<Float>) -> SIMD8<Float> {
  // Beyond these, e^x is not a normal Float.
  let inRange = (x .>= -87.3) .& (x .<= 88.7)
  if all(inRange) { return normalExponential(x) }
  var y = normalExponential(x.replacing(with: 0, where: .!inRange))
  for lane in 0..<8 where !inRange[lane] { y[lane] = expf(x[lane]) }
  return y
}

/// `exponential` for lanes in [-87.3, 88.7].
private func normalExponential(_ x: SIMD8<Float>) -> SIMD8<Float> {
  // n = x·log2(e) rounded to nearest: adding 1.5·2^23 leaves it in the low bits of the sum
  // (|x·log2(e)| < 2^22), read both as a Float and as an integer.
  let shifter: Float = 12_582_912
  let shifted = x * 1.442_695_04 + shifter
  let n = shifted - shifter
  let k = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- Int32(bitPattern: shifter.bitPattern)
  let r = (x - n * 0.693_359_375) - n * -2.121_944_4e-4
  var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
  p = p * r + 1.398_199_95e-3
  p = p * r + 8.333_451_9e-3
  p = p * r + 4.166_579_59e-2
  p = p * r + 1.666_666_55e-1
  p = p * r + 5.000_000_12e-1
  p = p * (r * r) + r + 1
  // 2^k for k in [-126, 128] (2^128 is not a Float, so in two halves): the bits of 2^j are
  // j + 127 in the exponent field. SIMD vectors of one width and lane size share their
  // layout, so the casts reinterpret lane by lane.
  let half = k &>> 1
  let a = unsafeBitCast((half &+ 127) &<< 23, to: SIMD8<Float>.self)
  let b = unsafeBitCast((k &- half &+ 127) &<< 23, to: SIMD8<Float>.self)
  return p * a * b
}
