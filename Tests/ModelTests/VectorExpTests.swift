import Foundation
import Testing

@testable import Model

/// `exponential(_:)`, the eight-lane e^x of the SVM's RBF kernel, against the C library's
/// `expf`.
@Suite("Vector exponential")
struct VectorExpTests {
  /// The distance in units in the last place between two finite Floats of one sign.
  static func ulps(_ a: Float, _ b: Float) -> Int {
    abs(Int(Int32(bitPattern: a.bitPattern)) - Int(Int32(bitPattern: b.bitPattern)))
  }

  @Test("within 2 ulps of expf wherever e^x is a normal Float")
  func closeToExpf() {
    var worst = 0
    var worstAt: Float = 0
    let count = 400_000
    let lo: Float = -87.3
    let hi: Float = 88.7
    var i = 0
    while i < count {
      var x = SIMD8<Float>()
      for lane in 0..<8 { x[lane] = lo + (hi - lo) * Float(i + lane) / Float(count) }
      let y = exponential(x)
      for lane in 0..<8 {
        let d = Self.ulps(y[lane], expf(x[lane]))
        if d > worst { (worst, worstAt) = (d, x[lane]) }
      }
      i += 8
    }
    // Near 0, where e^x ≈ 1 + x, and at the exact integers.
    for x: Float in [0, -0, 1e-8, -1e-8, 1e-3, -1e-3, 1, -1, 2, 10, -10, 50, -50, 88, -87] {
      let d = Self.ulps(exponential(SIMD8(repeating: x))[0], expf(x))
      if d > worst { (worst, worstAt) = (d, x) }
    }
    #expect(worst <= 2, "\(worst) ulps at \(worstAt)")
  }

  @Test("lanes beyond the normal range, infinities and NaN give expf's values; each lane its own")
  func outOfRangeLanes() {
    let x = SIMD8<Float>(-100, -87.5, 0.5, 89, .infinity, -.infinity, .nan, 3)
    let y = exponential(x)
    for lane in 0..<8 {
      let outside = !(x[lane] >= -87.3 && x[lane] <= 88.7)
      // A lane in range gives what it gives among in-range lanes: results do not depend on
      // the other lanes (the SVM's grouped and one-by-one kernels rely on it).
      let want = outside ? expf(x[lane]) : exponential(SIMD8(repeating: x[lane]))[0]
      #expect(y[lane] == want || (y[lane].isNaN && want.isNaN), "lane \(lane): \(y[lane]) vs \(want)")
    }
  }
}
