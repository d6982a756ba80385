import Foundation

/// The few transcendental functions kernels need, for Float and Double alike.
protocol ElementaryMath {
  static func exponential(_ x: Self) -> Self
  static func logarithm(_ x: Self) -> Self
}

extension Float: ElementaryMath {
  static func exponential(_ x: Float) -> Float { expf(x) }
  static func logarithm(_ x: Float) -> Float { logf(x) }
}

extension Double: ElementaryMath {
  static func exponential(_ x: Double) -> Double { exp(x) }
  static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
}
