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
    case .list(let items, let column):
      var values: [SessionValue] = []
      for item in items { values.append(try evaluate(item)) }
      let value = SessionValue.list(values)
      // Values that nest without bound would overflow the stack when printed, compared or freed.
      guard value.nestingDepth <= SessionValue.maximumDepth else {
        throw NotebookError(
          .type, "lists may nest at most \(SessionValue.maximumDepth) levels deep; this one would nest deeper",
          column: column)
      }
      return value
    case .unary(let op, let operand, let column):
      let value = try evaluate(operand)
      try checkSize(value, column: column, op: op)
      if op == "not" {
        guard case .bool(let b) = value else {
          throw NotebookError(.type, "not needs a boolean, got \(value.noun)", column: column)
        }
        return .bool(!b)
      }
      return try map(value, column: column, what: "-") { -$0 }
    case .binary(let op, let left, let right, let column):
      return try binary(op, try evaluate(left), try evaluate(right), column: column)
    case .chain(let first, let links):
      // A loop, not recursion: a chain of 50,000 terms costs no stack.
      var value = try evaluate(first)
      for link in links {
        if link.op == "and" || link.op == "or" {
          guard case .bool(let l) = value else {
            throw NotebookError(.type, "\(link.op) needs booleans on both sides", column: link.column)
          }
          // Short-circuit: false and …, true or … keep their value without evaluating the rest.
          if (link.op == "and" && !l) || (link.op == "or" && l) { continue }
          guard case .bool(let r) = try evaluate(link.operand) else {
            throw NotebookError(.type, "\(link.op) needs booleans on both sides", column: link.column)
          }
          value = .bool(r)
        } else {
          value = try binary(link.op, value, try evaluate(link.operand), column: link.column)
        }
      }
      return value
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
    case .access(let base, let accesses):
      var value = try evaluate(base)
      for access in accesses {
        switch access {
        case .field(let field, let column): value = try self.field(field, of: value, column: column)
        case .index(let index, let column): value = try self.index(value, by: try evaluate(index), column: column)
        }
      }
      return value
    }
  }

  /// `value.field`.
  private func field(_ field: String, of value: SessionValue, column: Int) throws(NotebookError) -> SessionValue {
    guard case .record(let record) = value else {
      throw NotebookError(.type, "\(value.noun) has no fields (.\(field))", column: column)
    }
    if let found = record[field] { return found }
    var message = "\(SessionValue.record(record).noun) has no field \(field)"
    if let near = nearestName(to: field, in: record.names) { message += "; did you mean \(near)?" }
    message += " (fields: \(record.names.joined(separator: ", ")))"
    throw NotebookError(.unknownName, message, column: column + 1)
  }

  /// `value[index]`.
  private func index(_ value: SessionValue, by index: SessionValue, column: Int) throws(NotebookError) -> SessionValue {
    switch (value, index) {
    case (.list(let items), .number(let n)):
      guard n == n.rounded() else {
        throw NotebookError(.type, "a list index must be a whole number, got \(formatNumber(n))", column: column)
      }
      guard let i = Int(exactly: n) else {
        throw NotebookError(
          .type, "index \(formatNumber(n)) is out of range for a list of \(items.count) values", column: column)
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

  /// The names an expression may use: variables, features, functions.
  var knownNames: [String] { Array(variables.keys).sorted() + featureNames + Builtins.names }

  /// An unknown-name error that suggests the nearest known name.
  func unknownName(_ name: String, column: Int) -> NotebookError {
    if featureNames.contains(name) {
      return NotebookError(.unknownName, "\(name) has no value yet; set it with \(name) = …", column: column)
    }
    var message = "unknown name \(name)"
    if let near = nearestName(to: name, in: knownNames) { message += "; did you mean \(near)?" }
    return NotebookError(.unknownName, message, column: column)
  }

  private func binary(_ op: String, _ left: SessionValue, _ right: SessionValue, column: Int) throws(NotebookError)
    -> SessionValue
  {
    try checkSize(left, column: column, op: op)
    try checkSize(right, column: column, op: op)
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
      if case .string(let a) = left, case .string(let b) = right {
        guard a.utf8.count + b.utf8.count <= SessionValue.maximumStringLength else {
          throw NotebookError(
            .type, "+ would make a string longer than \(SessionValue.maximumStringLength) bytes", column: column)
        }
        return .string(a + b)
      }
      return try zipLists(left, right, column: column, op: op, +)
    case "-": return try zipLists(left, right, column: column, op: op, -)
    case "*": return try zipLists(left, right, column: column, op: op, *)
    case "/": return try zipLists(left, right, column: column, op: op, /)
    case "^": return try zipLists(left, right, column: column, op: op) { Foundation.pow($0, $1) }
    default:
      throw NotebookError(.syntax, "unknown operator \(op)", column: column)
    }
  }

  /// Refuses element-wise work on a value holding more numbers than one list may: lists that
  /// share storage (`[xs, xs, xs]`) are cheap until arithmetic makes every copy real.
  private func checkSize(_ value: SessionValue, column: Int, op: String) throws(NotebookError) {
    guard case .list = value, value.holdsMoreValues(than: Builtins.maximumListLength) else { return }
    throw NotebookError(
      .type, "\(op) would make more than \(Builtins.maximumListLength) values; work on smaller lists",
      column: column)
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
