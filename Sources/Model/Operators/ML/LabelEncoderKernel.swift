/// ai.onnx.ml LabelEncoder: maps keys to values by table, with a default for unknown keys.
struct LabelEncoderKernel: Kernel {
  enum Table: Sendable {
    case stringToInt([String: Int64], Int64)
    case intToString([Int64: String], String)
    case stringToString([String: String], String)
    case intToInt([Int64: Int64], Int64)
    case stringToFloat([String: Float], Float)
    case floatToString([Float: String], String)
    case intToFloat([Int64: Float], Float)
    case floatToInt([Float: Int64], Int64)
    case floatToFloat([Float: Float], Float)
  }
  let table: Table

  init(_ ctx: NodeContext) throws(ModelError) {
    let defaultString = try ctx.string("default_string", default: "_Unused")
    let defaultInt = Int64(try ctx.int("default_int64", default: -1))
    let defaultFloat = try ctx.float("default_float", default: -0.0)
    if ctx.opset == 1 {
      let classes = ctx.strings("classes_strings")
      var forward: [String: Int64] = [:]
      for (i, s) in classes.enumerated() { forward[s] = Int64(i) }
      // Opset 1 picks its direction from the input type at run time; both tables are kept.
      table = .stringToInt(forward, defaultInt)
      reverse = Dictionary(uniqueKeysWithValues: classes.enumerated().map { (Int64($0.offset), $0.element) })
      reverseDefault = defaultString
      return
    }
    reverse = [:]
    reverseDefault = defaultString
    func first<K: Hashable, V>(_ keys: [K], _ values: [V]) throws(ModelError) -> [K: V] {
      guard keys.count == values.count else { throw ctx.error("keys and values differ in length") }
      var d: [K: V] = [:]
      for (k, v) in zip(keys, values) where d[k] == nil { d[k] = v }
      return d
    }
    let ks = ctx.strings("keys_strings"), ki = ctx.ints("keys_int64s"), kf = ctx.floats("keys_floats")
    let vs = ctx.strings("values_strings"), vi = ctx.ints("values_int64s"), vf = ctx.floats("values_floats")
    switch (!ks.isEmpty, !ki.isEmpty, !kf.isEmpty, !vs.isEmpty, !vi.isEmpty, !vf.isEmpty) {
    case (true, false, false, false, true, false): table = .stringToInt(try first(ks, vi), defaultInt)
    case (false, true, false, true, false, false): table = .intToString(try first(ki, vs), defaultString)
    case (true, false, false, true, false, false): table = .stringToString(try first(ks, vs), defaultString)
    case (false, true, false, false, true, false): table = .intToInt(try first(ki, vi), defaultInt)
    case (true, false, false, false, false, true): table = .stringToFloat(try first(ks, vf), defaultFloat)
    case (false, false, true, true, false, false): table = .floatToString(try first(kf, vs), defaultString)
    case (false, true, false, false, false, true): table = .intToFloat(try first(ki, vf), defaultFloat)
    case (false, false, true, false, true, false): table = .floatToInt(try first(kf, vi), defaultInt)
    case (false, false, true, false, false, true): table = .floatToFloat(try first(kf, vf), defaultFloat)
    default:
      throw ctx.unsupported("this combination of keys_* and values_* attributes (tensor forms are not supported)")
    }
  }

  private let reverse: [Int64: String]
  private let reverseDefault: String

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    let x = try inputs.take(0)
    let out: Tensor.Storage
    switch (table, x.storage) {
    case (.stringToInt(let d, let def), .string(let v)): out = .int64(v.map { d[$0] ?? def })
    case (.stringToInt, .int64(let v)) where !reverse.isEmpty: out = .string(v.map { reverse[$0] ?? reverseDefault })
    case (.intToString(let d, let def), .int64(let v)): out = .string(v.map { d[$0] ?? def })
    case (.stringToString(let d, let def), .string(let v)): out = .string(v.map { d[$0] ?? def })
    case (.intToInt(let d, let def), .int64(let v)): out = .int64(v.map { d[$0] ?? def })
    case (.stringToFloat(let d, let def), .string(let v)): out = .float(v.map { d[$0] ?? def })
    case (.floatToString(let d, let def), .float(let v)): out = .string(v.map { d[$0] ?? def })
    case (.intToFloat(let d, let def), .int64(let v)): out = .float(v.map { d[$0] ?? def })
    case (.floatToInt(let d, let def), .float(let v)): out = .int64(v.map { d[$0] ?? def })
    case (.floatToFloat(let d, let def), .float(let v)): out = .float(v.map { d[$0] ?? def })
    default: throw kernelError("LabelEncoder cannot map a \(x.elementType) input with its table")
    }
    outputs.set(0, .tensor(Tensor(unchecked: x.shape, out)))
  }
}
