internal import Foundation
internal import Model

/// Computes the value of expressions against the session's variables.
struct Evaluator {
  /// The variables, by name.
  var variables: [String: SessionValue]
  /// Other names worth suggesting when a name is unknown (the model's features).
  var featureNames: [String] = []

  /// The value of `expression`.
  /// - Throws: `NotebookError` pointing at the column of the problem.
  func evaluate(_ expression: Expression) throws(NotebookError) -> SessionValue {
    switch expression {
    case .literal(let value, _):
      return value
    case .name(let name, let column):
      if let value = variables[name] { return value }
      throw unknownName(name, column: column)
    case .list(let items, _):
      var values: [SessionValue] = []
      for item in items { values.append(try evaluate(item)) }
      return .list(values)
    case .unary(let op, let operand, let column):
      let value = try evaluate(operand)
      if op == "not" {
        guard case .bool(let b) = value else {
          throw NotebookError(.type, "not needs a boolean, got \(value.noun)", column: column)
        }
        return .bool(!b)
      }
      return try map(value, column: column, what: "-") { -$0 }
    case .binary(let op, let left, let right, let column):
      if op == "and" || op == "or" {
        guard case .bool(let l) = try evaluate(left) else {
          throw NotebookError(.type, "\(op) needs booleans on both sides", column: column)
        }
        if op == "and" && !l { return .bool(false) }
        if op == "or" && l { return .bool(true) }
        guard case .bool(let r) = try evaluate(right) else {
          throw NotebookError(.type, "\(op) needs booleans on both sides", column: column)
        }
        return .bool(r)
      }
      return try binary(op, try evaluate(left), try evaluate(right), column: column)
    case .call(let name, let arguments, let column):
      guard let function = Builtins.functions[name] else {
        if variables[name] != nil {
          throw NotebookError(.type, "\(name) is a variable, not a function", column: column)
        }
        var message = "unknown function \(name)"
        if let near = nearestName(to: name, in: Builtins.names) { message += "; did you mean \(near)?" }
        throw NotebookError(.unknownName, message + " (help functions lists them)", column: column)
      }
      var values: [SessionValue] = []
      for argument in arguments { values.append(try evaluate(argument)) }
      do {
        return try function.body(values)
      } catch {
        throw NotebookError(error.code, "\(name): \(error.message)", column: column)
      }
    case .field(let base, let field, let column):
      let value = try evaluate(base)
      guard case .record(let record) = value else {
        throw NotebookError(.type, "\(value.noun) has no fields (.\(field))", column: column)
      }
      if let found = record[field] { return found }
      var message = "\(SessionValue.record(record).noun) has no field \(field)"
      if let near = nearestName(to: field, in: record.names) { message += "; did you mean \(near)?" }
      message += " (fields: \(record.names.joined(separator: ", ")))"
      throw NotebookError(.unknownName, message, column: column + 1)
    case .index(let base, let indexExpression, let column):
      let value = try evaluate(base)
      let index = try evaluate(indexExpression)
      switch (value, index) {
      case (.list(let items), .number(let n)):
        guard n == n.rounded(), let i = Int(exactly: n) else {
          throw NotebookError(.type, "a list index must be a whole number, got \(formatNumber(n))", column: column)
        }
        let position = i < 0 ? items.count + i : i
        guard items.indices.contains(position) else {
          throw NotebookError(
            .type, "index \(i) is out of range for a list of \(items.count) values", column: column)
        }
        return items[position]
      case (.record(let record), .string(let name)):
        if let found = record[name] { return found }
        throw NotebookError(.unknownName, "no field \(name)", column: column)
      default:
        throw NotebookError(.type, "cannot index \(value.noun) with \(index.noun)", column: column)
      }
    }
  }

  /// An unknown-name error that suggests the nearest known name.
  func unknownName(_ name: String, column: Int) -> NotebookError {
    var message = "unknown name \(name)"
    let known = Array(variables.keys).sorted() + featureNames + Builtins.names
    if let near = nearestName(to: name, in: known) {
      message += "; did you mean \(near)?"
    } else if featureNames.contains(name) {
      message = "\(name) has no value yet; set it with \(name) = …"
    }
    return NotebookError(.unknownName, message, column: column)
  }

  private func binary(_ op: String, _ left: SessionValue, _ right: SessionValue, column: Int) throws(NotebookError)
    -> SessionValue
  {
    switch op {
    case "==": return .bool(left == right)
    case "!=": return .bool(left != right)
    case "<", "<=", ">", ">=":
      switch (left, right) {
      case (.number(let a), .number(let b)): return .bool(compare(op, a, b))
      case (.string(let a), .string(let b)): return .bool(compare(op, a, b))
      case (.list, _), (_, .list):
        return try zipLists(left, right, column: column, op: op) { a, b in compare(op, a, b) ? 1 : 0 }
          .mapNumbers { .bool($0 != 0) }
      default:
        throw NotebookError(.type, "cannot compare \(left.noun) with \(right.noun)", column: column)
      }
    case "+":
      if case .string(let a) = left, case .string(let b) = right { return .string(a + b) }
      return try zipLists(left, right, column: column, op: op, +)
    case "-": return try zipLists(left, right, column: column, op: op, -)
    case "*": return try zipLists(left, right, column: column, op: op, *)
    case "/": return try zipLists(left, right, column: column, op: op, /)
    case "^": return try zipLists(left, right, column: column, op: op) { Foundation.pow($0, $1) }
    default:
      throw NotebookError(.syntax, "unknown operator \(op)", column: column)
    }
  }

  private func compare<T: Comparable>(_ op: String, _ a: T, _ b: T) -> Bool {
    switch op {
    case "<": a < b
    case "<=": a <= b
    case ">": a > b
    default: a >= b
    }
  }

  /// Applies `f` to numbers, element-wise when either side is a list.
  private func zipLists(
    _ left: SessionValue, _ right: SessionValue, column: Int, op: String, _ f: (Double, Double) -> Double
  ) throws(NotebookError) -> SessionValue {
    switch (left, right) {
    case (.number(let a), .number(let b)):
      return .number(f(a, b))
    case (.list(let items), .number):
      var out: [SessionValue] = []
      for item in items { out.append(try zipLists(item, right, column: column, op: op, f)) }
      return .list(out)
    case (.number, .list(let items)):
      var out: [SessionValue] = []
      for item in items { out.append(try zipLists(left, item, column: column, op: op, f)) }
      return .list(out)
    case (.list(let a), .list(let b)):
      guard a.count == b.count else {
        throw NotebookError(
          .type, "\(op) needs lists of the same length, got \(a.count) and \(b.count) values", column: column)
      }
      var out: [SessionValue] = []
      for (x, y) in zip(a, b) { out.append(try zipLists(x, y, column: column, op: op, f)) }
      return .list(out)
    default:
      throw NotebookError(.type, "cannot apply \(op) to \(left.noun) and \(right.noun)", column: column)
    }
  }

  private func map(_ value: SessionValue, column: Int, what: String, _ f: (Double) -> Double) throws(NotebookError)
    -> SessionValue
  {
    switch value {
    case .number(let v): return .number(f(v))
    case .list(let items):
      var out: [SessionValue] = []
      for item in items { out.append(try map(item, column: column, what: what, f)) }
      return .list(out)
    default:
      throw NotebookError(.type, "cannot apply \(what) to \(value.noun)", column: column)
    }
  }
}

extension SessionValue {
  fileprivate func mapNumbers(_ f: (Double) -> SessionValue) -> SessionValue {
    switch self {
    case .number(let v): f(v)
    case .list(let items): .list(items.map { $0.mapNumbers(f) })
    default: self
    }
  }
}
