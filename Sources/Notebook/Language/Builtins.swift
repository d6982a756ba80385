internal import Foundation
internal import Model

/// The functions of the session language.
enum Builtins {
  /// A function: a one-line help text and its body.
  struct Function: Sendable {
    var signature: String
    var summary: String
    var body: @Sendable ([SessionValue]) throws(NotebookError) -> SessionValue
  }

  /// Every function, by name.
  static let functions: [String: Function] = {
    var table: [String: Function] = [:]
    func elementwise(_ name: String, _ summary: String, _ f: @escaping @Sendable (Double) -> Double) {
      table[name] = Function(signature: "\(name)(x)", summary: summary) { args throws(NotebookError) in
        try exactly(1, args)
        guard !args[0].holdsMoreValues(than: maximumListLength) else {
          throw NotebookError(.type, "would make more than \(maximumListLength) values; work on smaller lists")
        }
        return try apply(args[0], f)
      }
    }
    elementwise("sin", "sine (radians), element-wise over lists", Foundation.sin)
    elementwise("cos", "cosine (radians), element-wise over lists", Foundation.cos)
    elementwise("tan", "tangent (radians), element-wise over lists", Foundation.tan)
    elementwise("exp", "e to the power x, element-wise", Foundation.exp)
    elementwise("log", "natural logarithm, element-wise", Foundation.log)
    elementwise("sqrt", "square root, element-wise", Foundation.sqrt)
    elementwise("abs", "absolute value, element-wise", Swift.abs)
    elementwise("floor", "largest whole number not above x, element-wise", Foundation.floor)
    elementwise("ceil", "smallest whole number not below x, element-wise", Foundation.ceil)
    table["round"] = Function(signature: "round(x, digits = 0)", summary: "round half away from zero, element-wise") {
      args throws(NotebookError) in
      guard args.count == 1 || args.count == 2 else { throw arity("1 or 2", args) }
      var digits = 0.0
      if args.count == 2 { digits = try number(args[1], "digits") }
      let scale = Foundation.pow(10, digits.rounded())
      return try apply(args[0]) { ($0 * scale).rounded() / scale }
    }
    table["min"] = Function(signature: "min(xs) or min(a, b, …)", summary: "the smallest value") {
      args throws(NotebookError) in
      guard let v = try numbers(spreading: args).min() else { throw empty("min") }
      return .number(v)
    }
    table["max"] = Function(signature: "max(xs) or max(a, b, …)", summary: "the largest value") {
      args throws(NotebookError) in
      guard let v = try numbers(spreading: args).max() else { throw empty("max") }
      return .number(v)
    }
    table["sum"] = Function(signature: "sum(xs)", summary: "the sum of a list's values") { args throws(NotebookError) in
      .number(try numbers(spreading: args).reduce(0, +))
    }
    table["mean"] = Function(signature: "mean(xs)", summary: "the average of a list's values") {
      args throws(NotebookError) in
      let xs = try numbers(spreading: args)
      guard !xs.isEmpty else { throw empty("mean") }
      return .number(xs.reduce(0, +) / Double(xs.count))
    }
    table["len"] = Function(
      signature: "len(x)", summary: "the number of values in a list, characters in a string, fields in a record"
    ) {
      args throws(NotebookError) in
      try exactly(1, args)
      switch args[0] {
      case .list(let items): return .number(Double(items.count))
      case .string(let s): return .number(Double(s.count))
      case .record(let r): return .number(Double(r.fields.count))
      default: throw NotebookError(.type, "needs a list, a string or a record, got \(args[0].noun)")
      }
    }
    table["linspace"] = Function(signature: "linspace(a, b, n)", summary: "n evenly spaced numbers from a to b") {
      args throws(NotebookError) in
      try exactly(3, args)
      let a = try number(args[0], "a")
      let b = try number(args[1], "b")
      let n = try count(args[2], "n")
      guard n <= maximumListLength else {
        throw NotebookError(.type, "n should be at most \(maximumListLength), got \(n)")
      }
      if n == 1 { return .list([.number(a)]) }
      return .list((0..<n).map { .number(a + (b - a) * Double($0) / Double(n - 1)) })
    }
    table["range"] = Function(signature: "range(n) or range(a, b, step = 1)", summary: "a, a+step, … below b") {
      args throws(NotebookError) in
      guard (1...3).contains(args.count) else { throw arity("1 to 3", args) }
      let start = args.count == 1 ? 0 : try number(args[0], "a")
      let stop = try number(args[args.count == 1 ? 0 : 1], "b")
      let step = args.count == 3 ? try number(args[2], "step") : 1
      guard step != 0, step.isFinite, start.isFinite, stop.isFinite else {
        throw NotebookError(.type, "needs finite bounds and a non-zero step")
      }
      // The count is checked as a Double: converting a huge one to Int would trap.
      let count = ((stop - start) / step).rounded(.up)
      guard count <= Double(maximumListLength) else {
        let values = count.isFinite ? "\(formatNumber(count)) values" : "more values than can be counted"
        throw NotebookError(.type, "would make \(values); at most \(maximumListLength) (use a larger step)")
      }
      let n = count > 0 ? Int(count) : 0
      return .list((0..<n).map { .number(start + Double($0) * step) })
    }
    return table
  }()

  /// The most values a function makes in one list, so that a typo such as `range(1e9)`
  /// is an error instead of gigabytes of memory.
  static let maximumListLength = 1_000_000

  /// The function names, sorted.
  static let names: [String] = functions.keys.sorted()

  private static func exactly(_ n: Int, _ args: [SessionValue]) throws(NotebookError) {
    guard args.count == n else { throw arity(String(n), args) }
  }

  private static func arity(_ expected: String, _ args: [SessionValue]) -> NotebookError {
    NotebookError(.type, "takes \(expected) argument\(expected == "1" ? "" : "s"), got \(args.count)")
  }

  private static func empty(_ name: String) -> NotebookError {
    NotebookError(.type, "needs at least one value")
  }

  private static func number(_ value: SessionValue, _ name: String) throws(NotebookError) -> Double {
    guard case .number(let v) = value else {
      throw NotebookError(.type, "\(name) should be a number, got \(value.noun)")
    }
    return v
  }

  private static func count(_ value: SessionValue, _ name: String) throws(NotebookError) -> Int {
    let v = try number(value, name)
    guard v >= 1, v == v.rounded(), let n = Int(exactly: v) else {
      throw NotebookError(.type, "\(name) should be a whole number of at least 1, got \(formatNumber(v))")
    }
    return n
  }

  /// The numbers of one list argument, or of several number arguments.
  private static func numbers(spreading args: [SessionValue]) throws(NotebookError) -> [Double] {
    if args.count == 1, case .list(let items) = args[0] { return try numbers(items) }
    if args.count == 1, case .number(let v) = args[0] { return [v] }
    if args.isEmpty { throw NotebookError(.type, "takes a list or numbers, got nothing") }
    return try numbers(args)
  }

  /// The values as numbers.
  static func numbers(_ items: [SessionValue], what: String = "value") throws(NotebookError) -> [Double] {
    var out: [Double] = []
    out.reserveCapacity(items.count)
    for (i, item) in items.enumerated() {
      guard case .number(let v) = item else {
        throw NotebookError(.type, "\(what) \(i + 1) should be a number, got \(item.noun)")
      }
      out.append(v)
    }
    return out
  }

  private static func apply(_ value: SessionValue, _ f: (Double) -> Double) throws(NotebookError) -> SessionValue {
    switch value {
    case .number(let v): return .number(f(v))
    case .list(let items):
      var out: [SessionValue] = []
      for item in items { out.append(try apply(item, f)) }
      return .list(out)
    default: throw NotebookError(.type, "needs a number or a list of numbers, got \(value.noun)")
    }
  }
}
