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
  func predict(_ request: inout Request, served: ServedModel) async throws(FastAPIError) -> Response {
    let format: BodyFormat
    switch mediaType(request.headers[.contentType]) {
    case nil, "application/json": format = .json
    case let type? where type.hasSuffix("+json"): format = .json
    case "text/csv": format = .csv
    case let type?: throw .unsupportedMediaType(type)
    }
    let body: [UInt8]
    do {
      body = try await readBody(&request)
    } catch {
      throw FastAPIError(error)
    }
    let wantsCSV = mediaType(request.headers[.accept]) == "text/csv"
    if format == .csv { return try predictCSV(body, served: served, answerCSV: wantsCSV) }

    let document: JSONValue
    do {
      // A batch is counted while it is read, so an oversized one is refused without being held.
      document = try JSONParser.parse(body, maximumItems: configuration.maxBatchSize)
    } catch {
      if let count = error.itemCount { throw .invalid([tooLong(count)]) }
      throw .invalid([
        ValidationDetail(
          type: "json_invalid", loc: [.key("body"), .index(error.offset)], msg: "JSON decode error", input: .empty,
          ctx: [("error", .string(error.reason))])
      ])
    }
    guard case .object(let members) = document else {
      throw .invalid([
        ValidationDetail(
          type: "model_attributes_type", loc: [.key("body")],
          msg: "Input should be a valid dictionary or object to extract fields from", input: .json(document))
      ])
    }
    if !served.featureNames.contains("instances"), let instances = members.last(where: { $0.0 == "instances" })?.1 {
      return try predictBatch(
        instances, otherMembers: members.filter { $0.0 != "instances" }, served: served, answerCSV: wantsCSV)
    }
    return try predictRow(members, served: served, answerCSV: wantsCSV)
  }

  private func predictRow(
    _ members: [(String, JSONValue)], served: ServedModel, answerCSV: Bool
  ) throws(FastAPIError) -> Response {
    var row: [String: FeatureValue] = [:]
    row.reserveCapacity(members.count)
    for (k, v) in members { row[k] = v.featureValue }
    let prediction: Prediction
    do {
      prediction = try served.model.predict(row)
    } catch {
      throw failure(error, prefix: [.key("body")]) { _ in members }
    }
    metrics.recordPredictions([prediction], model: served.model.name)
    if answerCSV { return .csv(Prediction.csv([prediction], signature: served.model.signature)) }
    var w = JSONWriter(capacity: 192)
    w.raw("{")
    prediction.writeJSONMembers(to: &w)
    w.raw(",")
    w.raw(bytes: served.responseTail)
    return .json(bytes: w.bytes)
  }

  /// FastAPI's `too_long` for a batch of `count` instances. The input is not echoed: it is
  /// the whole oversized batch.
  private func tooLong(_ count: Int) -> ValidationDetail {
    let limit = configuration.maxBatchSize
    return ValidationDetail(
      type: "too_long", loc: [.key("body"), .key("instances")],
      msg: "List should have at most \(limit) items after validation, not \(count)", input: .null,
      ctx: [("field_type", .string("List")), ("max_length", .integer(limit)), ("actual_length", .integer(count))])
  }

  private func predictBatch(
    _ instances: JSONValue, otherMembers: [(String, JSONValue)], served: ServedModel, answerCSV: Bool
  ) throws(FastAPIError) -> Response {
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
      throw .invalid(details)
    }
    guard items.count <= configuration.maxBatchSize else {
      details.append(tooLong(items.count))
      throw .invalid(details)
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
      throw .invalid(details)
    }
    let predictions: [Prediction]
    do {
      predictions = try served.model.predict(rows: rows)
    } catch {
      throw failure(error, prefix: [.key("body"), .key("instances")], rowIndexInLoc: true) { memberRows[$0] }
    }
    return batchResponse(predictions, served: served, answerCSV: answerCSV)
  }

  /// A batch's answer: CSV when the client accepts it, else `{"predictions": [...], "model", "version"}`.
  private func batchResponse(_ predictions: [Prediction], served: ServedModel, answerCSV: Bool) -> Response {
    metrics.recordPredictions(predictions, model: served.model.name)
    if answerCSV { return .csv(Prediction.csv(predictions, signature: served.model.signature)) }
    var w = JSONWriter(capacity: 160 * predictions.count + 64)
    w.raw(#"{"predictions":["#)
    var first = true
    for p in predictions {
      w.separator(&first)
      p.writeJSON(to: &w)
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
  private func predictCSV(
    _ body: [UInt8], served: ServedModel, answerCSV: Bool
  ) throws(FastAPIError) -> Response {
    let text: String
    switch RowReader.text(body) {
    case .success(let decoded): text = decoded
    case .failure(let problem):
      throw .invalid([
        ValidationDetail(type: "value_error", loc: [.key("body")], msg: "Value error, the CSV \(problem)", input: .null)
      ])
    }
    let rows = RowReader.csv(text, model: served.model)
    let limit = configuration.maxBatchSize
    guard rows.count <= limit else {
      throw .invalid([
        ValidationDetail(
          type: "too_long", loc: [.key("body")],
          msg: "List should have at most \(limit) items after validation, not \(rows.count)", input: .null,
          ctx: [
            ("field_type", .string("List")), ("max_length", .integer(limit)), ("actual_length", .integer(rows.count)),
          ])
      ])
    }
    // CSV rows are named by their line number, as an editor shows them.
    func detail(_ issue: ValidationIssue, line: Int) -> ValidationDetail {
      var d = ValidationDetail(issue, prefix: [.key("body"), .index(line)], row: nil)
      if case .missing = issue.kind { d.input = .null }
      return d
    }
    let features = rows.map { (try? $0.values.get()) ?? [:] }
    if rows.contains(where: { (try? $0.values.get()) == nil }) {
      // Every line's problems in line order: those of the lines that were read too, not just
      // the lines that could not be.
      var details: [ValidationDetail] = []
      for (row, values) in zip(rows, features) {
        switch row.values {
        case .failure(let problem):
          details.append(
            ValidationDetail(
              type: "value_error", loc: [.key("body"), .index(row.number)],
              msg: "Value error, line \(row.number) \(problem)", input: .null))
        case .success:
          details += served.model.validate(values).map { detail($0, line: row.number) }
        }
      }
      throw .invalid(details)
    }
    let predictions: [Prediction]
    do {
      predictions = try served.model.predict(rows: features)
    } catch {
      let details = error.issues.map { detail($0, line: rows[$0.row ?? 0].number) }
      if details.isEmpty { throw modelFailure(error) }
      throw .invalid(details)
    }
    return batchResponse(predictions, served: served, answerCSV: answerCSV)
  }

  /// Turns a prediction failure into a 422: every validation issue, or the model's message.
  private func failure(
    _ error: ModelError, prefix: [ValidationDetail.Location], rowIndexInLoc: Bool = false,
    members: (Int) -> [(String, JSONValue)]
  ) -> FastAPIError {
    guard !error.issues.isEmpty else { return modelFailure(error) }
    let details = error.issues.map { issue in
      let row = issue.row ?? 0
      let loc = rowIndexInLoc ? prefix + [.index(row)] : prefix
      return ValidationDetail(issue, prefix: loc, row: members(row))
    }
    return .invalid(details)
  }

  /// A model that fails on valid input is reported as a 422 with its message, never a 500:
  /// the input is what the model could not take.
  private func modelFailure(_ error: ModelError) -> FastAPIError {
    .invalid([
      ValidationDetail(type: "value_error", loc: [.key("body")], msg: "Value error, \(error.message)", input: .null)
    ])
  }
}
