/// The window attributes Conv and MaxPool share, checked at load time.
struct WindowAttributes: Sendable {
  enum Padding: Sendable { case explicit, valid, sameUpper, sameLower }
  let kernel: [Int]
  let strides: [Int]
  let dilations: [Int]
  let pads: [Int]
  let padding: Padding

  init(_ ctx: NodeContext, kernelRequired: Bool) throws(ModelError) {
    kernel = ctx.ints("kernel_shape").map { Int(clamping: $0) }
    if kernelRequired, kernel.isEmpty { throw ctx.error("kernel_shape is required") }
    strides = ctx.ints("strides").map { Int(clamping: $0) }
    dilations = ctx.ints("dilations").map { Int(clamping: $0) }
    pads = ctx.ints("pads").map { Int(clamping: $0) }
    switch try ctx.string("auto_pad", default: "NOTSET") {
    case "NOTSET": padding = .explicit
    case "VALID": padding = .valid
    case "SAME_UPPER": padding = .sameUpper
    case "SAME_LOWER": padding = .sameLower
    case let other: throw ctx.unsupported("auto_pad \(other) (fathom runs NOTSET, VALID, SAME_UPPER and SAME_LOWER)")
    }
    // Bounded so that the window arithmetic below cannot overflow.
    let limit = 1 << 31
    guard kernel.allSatisfy({ $0 >= 1 && $0 <= limit }), strides.allSatisfy({ $0 >= 1 && $0 <= limit }),
      dilations.allSatisfy({ $0 >= 1 && $0 <= limit }), pads.allSatisfy({ $0 >= 0 && $0 <= limit })
    else {
      throw ctx.error("kernel_shape, strides and dilations must be positive and pads non-negative")
    }
  }
}
