import Model

/// One entry of a FastAPI 422 body: `{"type", "loc", "msg", "input", "ctx"}`, with
/// Pydantic v2's type names so clients written against FastAPI read it unchanged.
struct ValidationDetail: Sendable {
  /// A step of `loc`: a name or an index.
  enum Location: Sendable {
    case key(String)
    case index(Int)
  }

  /// What to echo as `input`.
  enum Input: Sendable {
    case json(JSONValue)
    case feature(FeatureValue)
    case object([(String, JSONValue)])
    case empty
    case null
  }

  /// A `ctx` value.
  enum ContextValue: Sendable {
    case number(Double)
    case integer(Int)
    case string(String)
  }

  var type: String
  var loc: [Location]
  var msg: String
  var input: Input
  var ctx: [(String, ContextValue)] = []

  /// Writes the entry as a JSON object.
  func write(to w: inout JSONWriter) {
    w.raw(#"{"type":"#)
    w.string(type)
    w.raw(#","loc":["#)
    var first = true
    for step in loc {
      w.separator(&first)
      switch step {
      case .key(let k): w.string(k)
      case .index(let i): w.integer(i)
      }
    }
    w.raw(#"],"msg":"#)
    w.string(msg)
    w.raw(#","input":"#)
    switch input {
    case .json(let v): w.value(v)
    case .feature(let v): w.featureValue(v)
    case .object(let members): w.value(.object(members))
    case .empty: w.raw("{}")
    case .null: w.raw("null")
    }
    if !ctx.isEmpty {
      w.raw(#","ctx":{"#)
      var firstCtx = true
      for (k, v) in ctx {
        w.separator(&firstCtx)
        w.key(k)
        switch v {
        case .number(let d): w.number(d)
        case .integer(let i): w.integer(i)
        case .string(let s): w.string(s)
        }
      }
      w.raw("}")
    }
    w.raw("}")
  }

  /// The detail for a model validation issue.
  /// - Parameters:
  ///   - issue: the problem Model found.
  ///   - prefix: the `loc` before the feature name, such as `["body"]` or `["body", "instances", 3]`.
  ///   - row: the row's JSON members, to echo the input exactly as sent.
  init(_ issue: ValidationIssue, prefix: [Location], row: [(String, JSONValue)]?) {
    loc = prefix + [.key(issue.feature)]
    let sent = row?.last(where: { $0.0 == issue.feature })?.1
    input = sent.map(Input.json) ?? issue.input.map(Input.feature) ?? .null
    switch issue.kind {
    case .missing:
      type = "missing"
      msg = "Field required"
      input = row.map(Input.object) ?? .empty
    case .unknown:
      type = "extra_forbidden"
      msg = "Extra inputs are not permitted"
    case .wrongType(let expected):
      var isText = false
      if case .string? = issue.input { isText = true }
      switch expected {
      case .number:
        type = isText ? "float_parsing" : "float_type"
        msg =
          isText
          ? "Input should be a valid number, unable to parse string as a number" : "Input should be a valid number"
      case .integer:
        type = isText ? "int_parsing" : "int_type"
        msg =
          isText
          ? "Input should be a valid integer, unable to parse string as an integer" : "Input should be a valid integer"
      case .boolean:
        type = "bool_type"
        msg = "Input should be a valid boolean"
      case .string, .category:
        type = "string_type"
        msg = "Input should be a valid string"
      }
    case .notFinite:
      type = "finite_number"
      msg = "Input should be a finite number"
    case .belowMinimum(let minimum):
      type = "greater_than_equal"
      msg = "Input should be greater than or equal to \(formatNumber(minimum))"
      ctx = [("ge", .number(minimum))]
    case .aboveMaximum(let maximum):
      type = "less_than_equal"
      msg = "Input should be less than or equal to \(formatNumber(maximum))"
      ctx = [("le", .number(maximum))]
    case .notAllowed(let categories):
      let expected = literalList(categories)
      type = "literal_error"
      msg = "Input should be \(expected)"
      ctx = [("expected", .string(expected))]
    case .notInteger:
      type = "int_from_float"
      msg = "Input should be a valid integer, got a number with a fractional part"
    }
  }

  init(type: String, loc: [Location], msg: String, input: Input, ctx: [(String, ContextValue)] = []) {
    self.type = type
    self.loc = loc
    self.msg = msg
    self.input = input
    self.ctx = ctx
  }
}

/// Pydantic's way of listing literals: `'a', 'b' or 'c'`.
func literalList(_ values: [String]) -> String {
  let quoted = values.map { "'\($0)'" }
  guard quoted.count > 1 else { return quoted.first ?? "" }
  return quoted.dropLast().joined(separator: ", ") + " or " + quoted[quoted.count - 1]
}
