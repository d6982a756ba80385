import Foundation

/// Unary and binary element-wise operators of the default domain.
enum Elementwise {
  /// A unary math function over floats and doubles.
  static func unary(
    _ name: String, float f: @escaping @Sendable (Float) -> Float,
    double d: @escaping @Sendable (Double) -> Double
  ) -> OperatorDefinition {
    OperatorRegistry.define("", name) { _ throws(ModelError) in
      tensorKernel { (inputs) throws(ModelError) in
        // Taken, so that an input this step is the last to read is changed in place.
        var x = try inputs.take(0)
        // The common activation is written out: through the closure, a call per element.
        if name == "Relu", reluInPlace(&x) { return x }
        switch x.elementType {
        case .float:
          x.storage.updateFloats { v in v.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] = f(v[i]) } }
          }
          return x
        case .double:
          x.storage.updateDoubles { v in v.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] = d(v[i]) } }
          }
          return x
        default: break
        }
        switch x.storage {
        case .int64(let v) where integerUnary.keys.contains(name):
          return Tensor(unchecked: x.shape, .int64(v.map { integerUnary[name, default: { $0 }]($0) }))
        case .int32(let v) where integerUnary.keys.contains(name):
          // Within Int32 every result but |Int32.min| fits; that one wraps as in NumPy.
          return Tensor(
            unchecked: x.shape,
            .int32(v.map { Int32(truncatingIfNeeded: integerUnary[name, default: { $0 }](Int64($0))) }))
        default: throw kernelError("\(name) does not take \(x.elementType) tensors")
        }
      }
    }
  }

  /// The unary operators defined on integers, computed exactly (wrapping at Int64.min as
  /// NumPy does) rather than through doubles.
  private static let integerUnary: [String: @Sendable (Int64) -> Int64] = [
    "Abs": { $0 < 0 ? 0 &- $0 : $0 },
    "Neg": { 0 &- $0 },
    "Sign": { $0.signum() },
  ]

  /// The four arithmetic operators, so that a kernel picks its operator once, not per element
  /// (through a closure value, each element cost a call).
  enum Arithmetic: Sendable {
    case add, subtract, multiply, divide

    /// `body` given this operator on `T`, written out as a literal (so that, inlined, the
    /// loops in `body` make no call per element).
    @inline(__always)
    func withOperator<T: FloatingPoint, R, E: Error>(_ body: ((T, T) -> T) throws(E) -> R) throws(E) -> R {
      switch self {
      case .add: try body { $0 + $1 }
      case .subtract: try body { $0 - $1 }
      case .multiply: try body { $0 * $1 }
      case .divide: try body { $0 / $1 }
      }
    }
  }

  /// `a op b` computed into `a` when that keeps `a`'s shape (`combineInPlace`) and both are
  /// floats or both doubles; nil, `a` untouched, otherwise.
  private static func inPlace(_ a: inout Tensor, _ b: Tensor, _ op: Arithmetic) -> Tensor? {
    let shape = a.shape
    var done = false
    switch b.storage {
    case .float(let w) where a.elementType == .float:
      a.storage.updateFloats { v in done = op.withOperator { combineInPlace(&v, shape, w, b.shape, $0) } }
    case .double(let w) where a.elementType == .double:
      a.storage.updateDoubles { v in done = op.withOperator { combineInPlace(&v, shape, w, b.shape, $0) } }
    default: return nil
    }
    return done ? a : nil
  }

  /// An arithmetic binary operator with broadcasting; integers with `int`.
  static func arithmetic(
    _ name: String, _ op: Arithmetic, int i: @escaping @Sendable (Int64, Int64) -> Int64
  ) -> OperatorDefinition {
    OperatorRegistry.define("", name) { _ throws(ModelError) in
      tensorKernel { (inputs) throws(ModelError) in
        // The first operand is taken: when the result has its shape and type (the usual case
        // of a bias or a scale), the result is computed in its place. Add and Mul whose second
        // operand alone can be taken (a constant first, as scikit-learn's BernoulliNB adds
        // zeros + x) compute into that one: IEEE addition and multiplication commute.
        var a: Tensor
        let b: Tensor
        if op == .add || op == .multiply, !inputs.isMovable(0), inputs.isMovable(1) {
          var taken = try inputs.take(1)
          a = try inputs.tensor(0)
          if let result = inPlace(&taken, a, op) { return result }
          b = taken
        } else {
          a = try inputs.take(0)
          b = try inputs.tensor(1)
          if let result = inPlace(&a, b, op) { return result }
        }
        switch (a.storage, b.storage) {
        case (.float(let x), .float(let y)):
          let r = try op.withOperator { (f) throws(ModelError) in try broadcastBinary(x, a.shape, y, b.shape, f) }
          return Tensor(unchecked: r.shape, .float(r.values))
        case (.double(let x), .double(let y)):
          let r = try op.withOperator { (f) throws(ModelError) in try broadcastBinary(x, a.shape, y, b.shape, f) }
          return Tensor(unchecked: r.shape, .double(r.values))
        case (.int64(let x), .int64(let y)):
          if name == "Div", y.contains(0) { throw kernelError("integer division by zero") }
          let r = try broadcastBinary(x, a.shape, y, b.shape, i)
          return Tensor(unchecked: r.shape, .int64(r.values))
        case (.int32(let x), .int32(let y)):
          if name == "Div", y.contains(0) { throw kernelError("integer division by zero") }
          let r = try broadcastBinary(x, a.shape, y, b.shape) { Int32(truncatingIfNeeded: i(Int64($0), Int64($1))) }
          return Tensor(unchecked: r.shape, .int32(r.values))
        default:
          throw kernelError("\(name) needs two tensors of one numeric type, got \(a.elementType) and \(b.elementType)")
        }
      }
    }
  }

  /// Pow: the result has the base's type; since opset 12 the exponent may be of any numeric type.
  static func power() -> OperatorDefinition {
    OperatorRegistry.define("", "Pow") { _ throws(ModelError) in
      tensorKernel { (inputs) throws(ModelError) in
        let a = try inputs.take(0)
        let b = try inputs.tensor(1)
        guard b.elementType != .bool, let y = b.storage.doubles else {
          throw kernelError("Pow needs a numeric exponent, got \(b.elementType)")
        }
        switch a.storage {
        case .float(let x):
          let yf: [Float]
          if case .float(let v) = b.storage { yf = v } else { yf = y.map { Float($0) } }
          let r = try broadcastBinary(x, a.shape, yf, b.shape, powf)
          return Tensor(unchecked: r.shape, .float(r.values))
        case .double(let x):
          let r = try broadcastBinary(x, a.shape, y, b.shape, Foundation.pow)
          return Tensor(unchecked: r.shape, .double(r.values))
        case .int64(let x):
          let r = try broadcastBinary(x, a.shape, y, b.shape) {
            Int64(saturating: Foundation.pow(Double($0), $1))
          }
          return Tensor(unchecked: r.shape, .int64(r.values))
        case .int32(let x):
          let r = try broadcastBinary(x, a.shape, y, b.shape) {
            Int32(clamping: Int64(saturating: Foundation.pow(Double($0), $1)))
          }
          return Tensor(unchecked: r.shape, .int32(r.values))
        default:
          throw kernelError("Pow does not take a \(a.elementType) base")
        }
      }
    }
  }

  /// The comparisons, so that a kernel picks its operator once, not per element.
  enum Order: Sendable {
    case equal, less, greater, lessOrEqual, greaterOrEqual
  }

  /// `x op y` element-wise with broadcasting, as booleans.
  @inline(__always)
  private static func compared<T: Comparable>(
    _ x: [T], _ xShape: [Int], _ y: [T], _ yShape: [Int], _ order: Order
  ) throws(ModelError) -> Tensor {
    let r: (values: [Bool], shape: [Int])
    switch order {
    case .equal: r = try broadcastBinary(x, xShape, y, yShape) { $0 == $1 }
    case .less: r = try broadcastBinary(x, xShape, y, yShape) { $0 < $1 }
    case .greater: r = try broadcastBinary(x, xShape, y, yShape) { $0 > $1 }
    case .lessOrEqual: r = try broadcastBinary(x, xShape, y, yShape) { $0 <= $1 }
    case .greaterOrEqual: r = try broadcastBinary(x, xShape, y, yShape) { $0 >= $1 }
    }
    return Tensor(unchecked: r.shape, .bool(r.values))
  }

  /// `x op y` element-wise with broadcasting, as 1 and 0 of a numeric type (what a Cast makes
  /// of true and false); each operator written out, as in `compared(_:_:_:_:_:)`.
  @inline(__always)
  static func comparedAsNumbers<T: Comparable, R: BitwiseCopyable & ExpressibleByIntegerLiteral>(
    _ x: [T], _ xShape: [Int], _ y: [T], _ yShape: [Int], _ order: Order, as: R.Type
  ) throws(ModelError) -> (values: [R], shape: [Int]) {
    switch order {
    case .equal: try broadcastBinary(x, xShape, y, yShape) { $0 == $1 ? 1 : 0 }
    case .less: try broadcastBinary(x, xShape, y, yShape) { $0 < $1 ? 1 : 0 }
    case .greater: try broadcastBinary(x, xShape, y, yShape) { $0 > $1 ? 1 : 0 }
    case .lessOrEqual: try broadcastBinary(x, xShape, y, yShape) { $0 <= $1 ? 1 : 0 }
    case .greaterOrEqual: try broadcastBinary(x, xShape, y, yShape) { $0 >= $1 ? 1 : 0 }
    }
  }

  /// The comparison each operator name stands for.
  static let orders: [String: Order] = [
    "Equal": .equal, "Less": .less, "Greater": .greater, "LessOrEqual": .lessOrEqual,
    "GreaterOrEqual": .greaterOrEqual,
  ]

  /// A comparison with broadcasting, giving booleans.
  static func comparison(_ name: String, _ order: Order) -> OperatorDefinition {
    OperatorRegistry.define("", name) { _ throws(ModelError) in
      tensorKernel { (inputs) throws(ModelError) in
        let a = try inputs.take(0)
        let b = try inputs.tensor(1)
        if case .string(let x) = a.storage, case .string(let y) = b.storage, name == "Equal" {
          let r = try broadcastBinary(x, a.shape, y, b.shape, ==)
          return Tensor(unchecked: r.shape, .bool(r.values))
        }
        // Compared in their own type where there is one (through doubles, int64s beyond 2^53
        // would tie), each operator written out so that the loop makes no call per element.
        switch (a.storage, b.storage) {
        case (.float(let x), .float(let y)): return try compared(x, a.shape, y, b.shape, order)
        case (.double(let x), .double(let y)): return try compared(x, a.shape, y, b.shape, order)
        case (.int64(let x), .int64(let y)): return try compared(x, a.shape, y, b.shape, order)
        default: break
        }
        guard let x = a.storage.doubles, let y = b.storage.doubles else {
          throw kernelError("\(name) cannot compare \(a.elementType) with \(b.elementType)")
        }
        return try compared(x, a.shape, y, b.shape, order)
      }
    }
  }

  /// A logical operator over booleans.
  static func logical(_ name: String, _ op: @escaping @Sendable (Bool, Bool) -> Bool) -> OperatorDefinition {
    OperatorRegistry.define("", name) { _ throws(ModelError) in
      tensorKernel { (inputs) throws(ModelError) in
        let a = try inputs.take(0)
        let b = try inputs.tensor(1)
        guard case .bool(let x) = a.storage, case .bool(let y) = b.storage else {
          throw kernelError("\(name) needs boolean tensors")
        }
        let r = try broadcastBinary(x, a.shape, y, b.shape, op)
        return Tensor(unchecked: r.shape, .bool(r.values))
      }
    }
  }

  /// A variadic operator (Max, Min, Sum, Mean) folding its inputs with broadcasting.
  /// Integer inputs fold in Int64 with `integer` (wrapping), exactly, when it is given.
  static func variadic(
    _ name: String, _ op: @escaping @Sendable (Double, Double) -> Double, mean: Bool = false,
    integer: (@Sendable (Int64, Int64) -> Int64)? = nil
  ) -> OperatorDefinition {
    OperatorRegistry.define("", name) { _ throws(ModelError) in
      tensorKernel { (inputs) throws(ModelError) in
        let first = try inputs.take(0)
        if let integer, case .int64(var values) = first.storage {
          var shape = first.shape
          for i in 1..<inputs.count {
            let next = try inputs.tensor(i)
            guard case .int64(let y) = next.storage else { throw kernelError("\(name) needs inputs of one type") }
            let r = try broadcastBinary(values, shape, y, next.shape, integer)
            (values, shape) = (r.values, r.shape)
          }
          return Tensor(unchecked: shape, .int64(values))
        }
        var acc = first
        let type = acc.elementType
        guard var values = acc.storage.doubles else { throw kernelError("\(name) needs numbers") }
        var shape = acc.shape
        for i in 1..<inputs.count {
          acc = try inputs.tensor(i)
          guard let next = acc.storage.doubles else { throw kernelError("\(name) needs numbers") }
          let r = try broadcastBinary(values, shape, next, acc.shape, op)
          values = r.values
          shape = r.shape
        }
        if mean { values = values.map { $0 / Double(inputs.count) } }
        return Tensor(unchecked: shape, storageOf(type, values))
      }
    }
  }

  static var definitions: [OperatorDefinition] {
    [
      arithmetic("Add", .add, int: { $0 &+ $1 }),
      arithmetic("Sub", .subtract, int: { $0 &- $1 }),
      arithmetic("Mul", .multiply, int: { $0 &* $1 }),
      // Int64.min / -1 wraps, as in C and NumPy, instead of trapping.
      arithmetic("Div", .divide, int: { $0.dividedReportingOverflow(by: $1).partialValue }),
      power(),
      unary("Neg", float: { -$0 }, double: { -$0 }),
      unary("Abs", float: { abs($0) }, double: { abs($0) }),
      unary("Exp", float: { expf($0) }, double: { exp($0) }),
      unary("Log", float: { logf($0) }, double: { log($0) }),
      unary("Sqrt", float: { sqrtf($0) }, double: { sqrt($0) }),
      unary("Reciprocal", float: { 1 / $0 }, double: { 1 / $0 }),
      unary("Floor", float: { floorf($0) }, double: { floor($0) }),
      unary("Ceil", float: { ceilf($0) }, double: { ceil($0) }),
      unary("Round", float: { $0.rounded(.toNearestOrEven) }, double: { $0.rounded(.toNearestOrEven) }),
      unary("Sign", float: { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }, double: { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }),
      unary("Relu", float: { max($0, 0) }, double: { max($0, 0) }),
      unary("Sigmoid", float: sigmoid, double: sigmoid),
      unary("Tanh", float: { tanhf($0) }, double: { tanh($0) }),
      unary("Erf", float: { erff($0) }, double: { erf($0) }),
      unary("Softplus", float: { logf(1 + expf($0)) }, double: { log(1 + exp($0)) }),
      unary("Sin", float: { sinf($0) }, double: { sin($0) }),
      unary("Cos", float: { cosf($0) }, double: { cos($0) }),
      comparison("Equal", .equal),
      comparison("Less", .less),
      comparison("Greater", .greater),
      comparison("LessOrEqual", .lessOrEqual),
      comparison("GreaterOrEqual", .greaterOrEqual),
      logical("And") { $0 && $1 },
      logical("Or") { $0 || $1 },
      logical("Xor") { $0 != $1 },
      variadic("Max", { Swift.max($0, $1) }, integer: { Swift.max($0, $1) }),
      variadic("Min", { Swift.min($0, $1) }, integer: { Swift.min($0, $1) }),
      variadic("Sum", { $0 + $1 }, integer: { $0 &+ $1 }),
      variadic("Mean", { $0 + $1 }, mean: true),
    ]
  }
}

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
@inline(__always) func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

/// Storage of `type` holding `values` converted from doubles.
func storageOf(_ type: ElementType, _ values: [Double]) -> Tensor.Storage {
  switch type {
  case .float: .float(values.map { Float($0) })
  case .double: .double(values)
  case .int64: .int64(values.map { Int64(exactly: $0.rounded(.towardZero)) ?? 0 })
  case .int32: .int32(values.map { Int32(exactly: $0.rounded(.towardZero)) ?? 0 })
  case .bool: .bool(values.map { $0 != 0 })
  case .string: .string(values.map { "\($0)" })
  }
}

/// Relu applied to a floating-point `x` in place (a copy first when its elements are shared);
/// false, untouched, for other types.
func reluInPlace(_ x: inout Tensor) -> Bool {
  guard x.elementType == .float || x.elementType == .double else { return false }
  x.storage.updateFloats { v in
    v.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] = max(v[i], 0) } }
  }
  x.storage.updateDoubles { v in
    v.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] = max(v[i], 0) } }
  }
  return true
}
