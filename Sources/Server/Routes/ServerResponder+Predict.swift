import HTTPTypes
import Hummingbird
import Model

extension ServerResponder {
  /// The media types `/predict` reads.
  enum BodyFormat {
    case json
    case csv
  }

  /// `POST /predict`: one row of features as a JSON object, a batch as `{"instances": [...]}`,
  /// or CSV with a header naming the features.
  func predict(_ request: inout Request, served: ServedModel) async -> Response {
    let format: BodyFormat
    switch mediaType(request.headers[.contentType]) {
    case nil, "application/json": format = .json
    case let type? where type.hasSuffix("+json"): format = .json
    case "text/csv": format = .csv
    case let type?:
      return .detail(
        .unsupportedMediaType, "Unsupported media type \(type); send application/json (or text/csv for a batch)")
    }
    let body: [UInt8]
    switch await readBody(&request) {
    case .success(let bytes): body = bytes
    case .failure(let problem): return problem.response
    }
    let wantsCSV = mediaType(request.headers[.accept]) == "text/csv"
    if format == .csv { return predictCSV(body, served: served, answerCSV: wantsCSV) }

    let document: JSONValue
    do {
      document = try JSONParser.parse(body)
    } catch {
      return ValidationDetail.response([
        ValidationDetail(
          type: "json_invalid", loc: [.key("body"), .index(error.offset)], msg: "JSON decode error", input: .empty,
          ctx: [("error", .string(error.reason))])
      ])
    }
    guard case .object(let members) = document else {
      return ValidationDetail.response([
        ValidationDetail(
          type: "model_attributes_type", loc: [.key("body")],
          msg: "Input should be a valid dictionary or object to extract fields from", input: .json(document))
      ])
    }
    if !served.featureNames.contains("instances"), let instances = members.last(where: { $0.0 == "instances" })?.1 {
      return predictBatch(
        instances, otherMembers: members.filter { $0.0 != "instances" }, served: served, answerCSV: wantsCSV)
    }
    return predictRow(members, served: served, answerCSV: wantsCSV)
  }

  private func predictRow(_ members: [(String, JSONValue)], served: ServedModel, answerCSV: Bool) -> Response {
    var row: [String: FeatureValue] = [:]
    row.reserveCapacity(members.count)
    for (k, v) in members { row[k] = v.featureValue }
    let prediction: Prediction
    do {
      prediction = try served.model.predict(row)
    } catch {
      return failure(error, prefix: [.key("body")]) { _ in members }
    }
    metrics.recordPredictions([prediction], model: served.model.name)
    if answerCSV { return .csv(PredictionCSV.text([prediction], model: served.model)) }
    var w = JSONWriter(capacity: 192)
    w.raw("{")
    writeFields(of: prediction, to: &w)
    w.raw(",")
    w.raw(bytes: served.responseTail)
    return .json(bytes: w.bytes)
  }

  private func predictBatch(
    _ instances: JSONValue, otherMembers: [(String, JSONValue)], served: ServedModel, answerCSV: Bool
  ) -> Response {
    var details: [ValidationDetail] = []
    for (k, v) in otherMembers {
      details.append(
        ValidationDetail(
          type: "extra_forbidden", loc: [.key("body"), .key(k)], msg: "Extra inputs are not permitted", input: .json(v))
      )
    }
    guard case .array(let items) = instances else {
      details.append(
        ValidationDetail(
          type: "list_type", loc: [.key("body"), .key("instances")], msg: "Input should be a valid list",
          input: .json(instances)))
      return ValidationDetail.response(details)
    }
    let limit = configuration.maxBatchSize
    guard items.count <= limit else {
      // The input is not echoed: it is the whole oversized batch.
      details.append(
        ValidationDetail(
          type: "too_long", loc: [.key("body"), .key("instances")],
          msg: "List should have at most \(limit) items after validation, not \(items.count)", input: .null,
          ctx: [
            ("field_type", .string("List")), ("max_length", .integer(limit)), ("actual_length", .integer(items.count)),
          ]))
      return ValidationDetail.response(details)
    }
    var rows: [[String: FeatureValue]] = []
    var memberRows: [[(String, JSONValue)]] = []
    rows.reserveCapacity(items.count)
    memberRows.reserveCapacity(items.count)
    for (index, item) in items.enumerated() {
      guard case .object(let members) = item else {
        details.append(
          ValidationDetail(
            type: "model_attributes_type", loc: [.key("body"), .key("instances"), .index(index)],
            msg: "Input should be a valid dictionary or object to extract fields from", input: .json(item)))
        rows.append([:])
        memberRows.append([])
        continue
      }
      var row: [String: FeatureValue] = [:]
      for (k, v) in members { row[k] = v.featureValue }
      rows.append(row)
      memberRows.append(members)
    }
    if !details.isEmpty {
      // Report the shape problems together with every field problem of the well-formed rows.
      for (index, row) in rows.enumerated() where isObject(items[index]) {
        for issue in served.model.validate(row, row: index) {
          details.append(
            ValidationDetail(issue, prefix: [.key("body"), .key("instances"), .index(index)], row: memberRows[index]))
        }
      }
      return ValidationDetail.response(details)
    }
    let predictions: [Prediction]
    do {
      predictions = try served.model.predict(rows: rows)
    } catch {
      return failure(error, prefix: [.key("body"), .key("instances")], rowIndexInLoc: true) { memberRows[$0] }
    }
    return batchResponse(predictions, served: served, answerCSV: answerCSV)
  }

  /// A batch's answer: CSV when the client accepts it, else `{"predictions": [...], "model", "version"}`.
  private func batchResponse(_ predictions: [Prediction], served: ServedModel, answerCSV: Bool) -> Response {
    metrics.recordPredictions(predictions, model: served.model.name)
    if answerCSV { return .csv(PredictionCSV.text(predictions, model: served.model)) }
    var w = JSONWriter(capacity: 160 * predictions.count + 64)
    w.raw(#"{"predictions":["#)
    var first = true
    for p in predictions {
      w.separator(&first)
      w.raw("{")
      writeFields(of: p, to: &w)
      w.raw("}")
    }
    w.raw("],")
    w.raw(bytes: served.responseTail)
    return .json(bytes: w.bytes)
  }

  private func isObject(_ value: JSONValue) -> Bool {
    if case .object = value { return true }
    return false
  }

  /// A CSV batch: the header names the features; answers CSV when the client accepts it.
  private func predictCSV(_ body: [UInt8], served: ServedModel, answerCSV: Bool) -> Response {
    let text = String(decoding: body, as: UTF8.self)
    let rows = RowReader.csv(text, model: served.model)
    let limit = configuration.maxBatchSize
    guard rows.count <= limit else {
      return ValidationDetail.response([
        ValidationDetail(
          type: "too_long", loc: [.key("body")],
          msg: "List should have at most \(limit) items after validation, not \(rows.count)", input: .null,
          ctx: [
            ("field_type", .string("List")), ("max_length", .integer(limit)), ("actual_length", .integer(rows.count)),
          ])
      ])
    }
    var details: [ValidationDetail] = []
    var features: [[String: FeatureValue]] = []
    for row in rows {
      switch row.values {
      case .success(let values): features.append(values)
      case .failure(let problem):
        details.append(
          ValidationDetail(
            type: "value_error", loc: [.key("body"), .index(row.number)],
            msg: "Value error, line \(row.number) \(problem)",
            input: .null))
        features.append([:])
      }
    }
    if !details.isEmpty { return ValidationDetail.response(details) }
    let predictions: [Prediction]
    do {
      predictions = try served.model.predict(rows: features)
    } catch {
      // CSV rows are named by their line number, as an editor shows them.
      let details = error.issues.map { issue in
        var d = ValidationDetail(issue, prefix: [.key("body"), .index(rows[issue.row ?? 0].number)], row: nil)
        if case .missing = issue.kind { d.input = .null }
        return d
      }
      if details.isEmpty { return modelFailure(error) }
      return ValidationDetail.response(details)
    }
    return batchResponse(predictions, served: served, answerCSV: answerCSV)
  }

  /// Writes `"label":…,"probabilities":{…}` or `"value":…` without braces.
  func writeFields(of p: Prediction, to w: inout JSONWriter) {
    if let label = p.label {
      w.raw(#""label":"#)
      w.label(label)
      w.raw(#","probabilities":{"#)
      var first = true
      for c in p.probabilities {
        w.separator(&first)
        w.key(c.label.description)
        w.number(c.probability)
      }
      w.raw("}")
    } else {
      w.raw(#""value":"#)
      w.number(p.value ?? .nan)
      if p.values.count > 1 {
        w.raw(#","values":["#)
        var first = true
        for v in p.values {
          w.separator(&first)
          w.number(v)
        }
        w.raw("]")
      }
    }
  }

  /// Turns a prediction failure into a 422: every validation issue, or the model's message.
  private func failure(
    _ error: ModelError, prefix: [ValidationDetail.Location], rowIndexInLoc: Bool = false,
    members: (Int) -> [(String, JSONValue)]
  ) -> Response {
    guard !error.issues.isEmpty else { return modelFailure(error) }
    let details = error.issues.map { issue in
      let row = issue.row ?? 0
      let loc = rowIndexInLoc ? prefix + [.index(row)] : prefix
      return ValidationDetail(issue, prefix: loc, row: members(row))
    }
    return ValidationDetail.response(details)
  }

  /// A model that fails on valid input is reported as a 422 with its message, never a 500:
  /// the input is what the model could not take.
  private func modelFailure(_ error: ModelError) -> Response {
    ValidationDetail.response([
      ValidationDetail(type: "value_error", loc: [.key("body")], msg: "Value error, \(error.message)", input: .null)
    ])
  }
}

/// The media type of a `Content-Type` or `Accept` value, lowercased, without parameters.
func mediaType(_ header: String?) -> String? {
  guard let header else { return nil }
  // What nearly every client sends, answered without splitting and lowercasing: this runs
  // for Content-Type and Accept on every prediction.
  if header == "application/json" || header == "*/*" { return header }
  let first = header.split(separator: ",").first ?? ""
  let type = (first.split(separator: ";").first.map(String.init) ?? "").trimmingSpaces.lowercased()
  return type.isEmpty ? nil : type
}
