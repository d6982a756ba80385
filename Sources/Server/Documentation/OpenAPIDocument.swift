import Foundation
import Model
import OpenAPIKit

/// `GET /openapi.json`: the OpenAPI 3.1 description of the server, built with OpenAPIKit
/// from the model's schema, in the shape FastAPI gives (including `HTTPValidationError`).
struct OpenAPIDocument {
  /// The encoded document.
  let json: [UInt8]

  init(model: Model, version: String) {
    let document = Self.document(for: model, version: version)
    // Keys in declaration order, the same in every process (see `OrderedJSONEncoder`). Encoding a
    // document built from valid values cannot fail; an empty object keeps the route a 200 if it ever did.
    json = (try? OrderedJSONEncoder().encode(document)) ?? Array("{}".utf8)
  }

  static func document(for model: Model, version: String) -> OpenAPI.Document {
    let s = model.signature
    let featuresRef = JSONSchema.reference(.component(named: "Features"))
    let predictionRef = JSONSchema.reference(.component(named: "Prediction"))
    let validationErrorRef = JSONSchema.reference(.component(named: "HTTPValidationError"))
    let httpErrorRef = JSONSchema.reference(.component(named: "HTTPError"))
    let inferenceErrorRef = JSONSchema.reference(.component(named: "InferenceError"))

    func jsonContent(_ schema: JSONSchema, example: AnyCodable? = nil) -> OpenAPI.Content.Map {
      [.json: .content(OpenAPI.Content(schema: schema, example: example))]
    }
    func errorResponse(_ description: String, _ schema: JSONSchema) -> Either<
      OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response
    > {
      .response(OpenAPI.Response(description: description, content: jsonContent(schema)))
    }

    // Ordered, as the features are: a Dictionary's order would change with each process's hash seed.
    var example: OrderedDictionary<String, AnyCodable> = [:]
    for feature in s.features where example[feature.name] == nil { example[feature.name] = exampleValue(for: feature) }
    let predict = OpenAPI.Operation(
      tags: ["prediction"],
      summary: "Predict",
      description: "Predicts one row of features, or a batch given as {\"instances\": [...]}. "
        + "A text/csv body with a header row naming the features is scored as a batch.",
      operationId: "predict",
      requestBody: .request(
        OpenAPI.Request(
          content: [
            .json: .content(
              OpenAPI.Content(
                schema: .one(of: [featuresRef, .reference(.component(named: "Batch"))]),
                example: AnyCodable(example))),
            .csv: .content(OpenAPI.Content(schema: .string)),
          ],
          required: true)),
      responses: [
        200: .response(
          OpenAPI.Response(
            description: "The prediction",
            content: jsonContent(.one(of: [predictionRef, .reference(.component(named: "BatchPrediction"))])))),
        401: errorResponse("Missing or wrong API key", httpErrorRef),
        413: errorResponse("Request body too large", httpErrorRef),
        415: errorResponse("Unsupported media type", httpErrorRef),
        422: errorResponse("Validation Error", validationErrorRef),
      ])

    func getOperation(_ summary: String, _ id: String, _ tag: String, _ content: OpenAPI.Content.Map)
      -> OpenAPI.Operation
    {
      OpenAPI.Operation(
        tags: [tag], summary: summary, operationId: id,
        responses: [200: .response(OpenAPI.Response(description: "Successful Response", content: content))])
    }
    let anyObject = JSONSchema.object(additionalProperties: .a(true))
    let name = model.name
    let v2Prefix = "/v2/models/\(name)"
    let infer = OpenAPI.Operation(
      tags: ["inference protocol v2"], summary: "Infer (Open Inference Protocol V2)", operationId: "v2_infer",
      requestBody: .request(
        OpenAPI.Request(content: jsonContent(.reference(.component(named: "InferenceRequest"))), required: true)),
      responses: [
        200: .response(
          OpenAPI.Response(
            description: "Named output tensors",
            content: jsonContent(.reference(.component(named: "InferenceResponse"))))),
        400: errorResponse("Malformed request", inferenceErrorRef),
        401: errorResponse("Missing or wrong API key", inferenceErrorRef),
        404: errorResponse("Unknown model or version", inferenceErrorRef),
      ])

    let paths: OpenAPI.PathItem.Map = [
      "/predict": .pathItem(OpenAPI.PathItem(post: predict)),
      "/health": .pathItem(OpenAPI.PathItem(get: getOperation("Liveness", "health", "health", jsonContent(anyObject)))),
      "/ready": .pathItem(OpenAPI.PathItem(get: getOperation("Readiness", "ready", "health", jsonContent(anyObject)))),
      "/model": .pathItem(
        OpenAPI.PathItem(
          get: getOperation("The model's signature and schema", "model", "model", jsonContent(anyObject)))),
      "/metrics": .pathItem(
        OpenAPI.PathItem(
          get: getOperation(
            "Prometheus metrics", "metrics", "health", [.txt: .content(OpenAPI.Content(schema: .string))]))),
      "/v2": .pathItem(
        OpenAPI.PathItem(
          get: getOperation("Server metadata", "v2_server", "inference protocol v2", jsonContent(anyObject)))),
      "/v2/health/live": .pathItem(
        OpenAPI.PathItem(
          get: getOperation("Server liveness", "v2_live", "inference protocol v2", jsonContent(anyObject)))),
      "/v2/health/ready": .pathItem(
        OpenAPI.PathItem(
          get: getOperation("Server readiness", "v2_ready", "inference protocol v2", jsonContent(anyObject)))),
      OpenAPI.Path(rawValue: v2Prefix): .pathItem(
        OpenAPI.PathItem(
          get: getOperation("Model metadata", "v2_model", "inference protocol v2", jsonContent(anyObject)))),
      OpenAPI.Path(rawValue: v2Prefix + "/ready"): .pathItem(
        OpenAPI.PathItem(
          get: getOperation("Model readiness", "v2_model_ready", "inference protocol v2", jsonContent(anyObject)))),
      OpenAPI.Path(rawValue: v2Prefix + "/infer"): .pathItem(OpenAPI.PathItem(post: infer)),
    ]

    let components = OpenAPI.Components(schemas: [
      "Features": featuresSchema(s),
      "Batch": .object(
        title: "Batch",
        properties: ["instances": .array(maxItems: nil, items: featuresRef)],
        additionalProperties: .a(false)),
      "Prediction": predictionSchema(s),
      "BatchPrediction": .object(
        title: "BatchPrediction",
        properties: [
          "predictions": .array(items: predictionRef), "model": .string, "version": .string,
        ]),
      "ValidationError": .object(
        title: "ValidationError",
        properties: [
          "loc": .array(title: "Location", items: .one(of: [.string, .integer])),
          "msg": .string(title: "Message"),
          "type": .string(title: "Error Type"),
          "input": JSONSchema.fragment(title: "Input", description: "The value that was sent"),
          "ctx": .object(required: false, title: "Context", additionalProperties: .a(true)),
        ]),
      "HTTPValidationError": .object(
        title: "HTTPValidationError",
        properties: [
          "detail": .array(required: false, title: "Detail", items: .reference(.component(named: "ValidationError")))
        ]),
      "HTTPError": .object(title: "HTTPError", properties: ["detail": .string(title: "Detail")]),
      "InferenceError": .object(title: "InferenceError", properties: ["error": .string]),
      "InferenceTensor": .object(
        title: "InferenceTensor",
        properties: [
          "name": .string, "shape": .array(items: .integer),
          "datatype": .string(
            allowedValues: ["BOOL", "INT32", "INT64", "FP32", "FP64", "BYTES"]),
          "data": .array(items: .fragment),
          "parameters": .object(required: false, additionalProperties: .a(true)),
        ]),
      "InferenceRequest": .object(
        title: "InferenceRequest",
        properties: [
          "id": .string(required: false),
          "inputs": .array(items: .reference(.component(named: "InferenceTensor"))),
          "outputs": .array(required: false, items: .object(properties: ["name": .string])),
        ]),
      "InferenceResponse": .object(
        title: "InferenceResponse",
        properties: [
          "model_name": .string, "model_version": .string, "id": .string(required: false),
          "outputs": .array(items: .reference(.component(named: "InferenceTensor"))),
        ]),
    ])

    let description =
      DocsPage.sentence(s.description ?? "A \(s.task.rawValue) model")
      + " Served by fathom: model \(name), version \(version)."
    return OpenAPI.Document(
      openAPIVersion: .v3_1_0,
      info: OpenAPI.Document.Info(title: "fathom: \(name)", description: description, version: version),
      servers: [],
      paths: paths,
      components: components)
  }

  /// The request schema: one property per feature, with its type, range, default and example.
  static func featuresSchema(_ s: Signature) -> JSONSchema {
    var properties: OrderedDictionary<String, JSONSchema> = [:]
    for f in s.features {
      let required = f.defaultValue == nil
      var text = f.description ?? f.name
      if let unit = f.unit { text += " (\(unit))" }
      let defaultValue = f.defaultValue.map(anyCodable)
      let examples = [exampleValue(for: f)]
      switch f.type {
      case .number:
        properties[f.name] = .number(
          required: required, title: f.name, description: text,
          maximum: f.maximum.map { ($0, exclusive: false) }, minimum: f.minimum.map { ($0, exclusive: false) },
          defaultValue: defaultValue, examples: examples)
      case .integer:
        properties[f.name] = .integer(
          required: required, title: f.name, description: text,
          maximum: f.maximum.map { (Int($0.rounded(.down)), exclusive: false) },
          minimum: f.minimum.map { (Int($0.rounded(.up)), exclusive: false) },
          defaultValue: defaultValue, examples: examples)
      case .boolean:
        properties[f.name] = .boolean(
          required: required, title: f.name, description: text, defaultValue: defaultValue, examples: examples)
      case .string:
        properties[f.name] = .string(
          required: required, title: f.name, description: text, defaultValue: defaultValue, examples: examples)
      case .category(let categories):
        properties[f.name] = .string(
          required: required, title: f.name, description: text,
          allowedValues: categories.isEmpty ? nil : categories.map { AnyCodable($0) },
          defaultValue: defaultValue, examples: examples)
      }
    }
    return .object(
      title: "Features", description: s.description, properties: properties, additionalProperties: .a(false))
  }

  static func predictionSchema(_ s: Signature) -> JSONSchema {
    switch s.task {
    case .classification:
      let labels = s.classLabels.map { label -> AnyCodable in
        switch label {
        case .int(let v): AnyCodable(Int(v))
        case .string(let v): AnyCodable(v)
        }
      }
      let labelSchema: JSONSchema
      if case .int? = s.classLabels.first {
        labelSchema = .integer(title: "Label", allowedValues: labels.isEmpty ? nil : labels)
      } else {
        labelSchema = .string(title: "Label", allowedValues: labels.isEmpty ? nil : labels)
      }
      var probabilityProperties: OrderedDictionary<String, JSONSchema> = [:]
      for label in s.classLabels {
        probabilityProperties[label.description] = .number(
          maximum: (1, exclusive: false), minimum: (0, exclusive: false))
      }
      return .object(
        title: "Prediction",
        properties: [
          "label": labelSchema,
          "probabilities": .object(title: "Probabilities", properties: probabilityProperties),
          "model": .string(title: "Model"), "version": .string(title: "Version"),
        ])
    case .regression:
      return .object(
        title: "Prediction",
        properties: [
          "value": .number(title: "Value"),
          "values": .array(required: false, title: "Values", items: .number),
          "model": .string(title: "Model"), "version": .string(title: "Version"),
        ])
    }
  }

  /// The example value of a feature: its default, else the middle of its range.
  static func exampleValue(for f: Feature) -> AnyCodable {
    if let d = f.defaultValue { return anyCodable(d) }
    switch f.type {
    case .number, .integer:
      let lo = f.minimum ?? f.maximum.map { $0 - 1 } ?? 0
      let hi = f.maximum ?? lo + 1
      let mid = (lo + hi) / 2
      if case .integer = f.type { return AnyCodable(Int(mid.rounded())) }
      return AnyCodable((mid * 1000).rounded() / 1000)
    case .boolean: return AnyCodable(false)
    case .string: return AnyCodable("")
    case .category(let c): return AnyCodable(c.first ?? "")
    }
  }

  static func anyCodable(_ value: FeatureValue) -> AnyCodable {
    switch value {
    case .number(let d): d == d.rounded() && abs(d) < 1e15 ? AnyCodable(Int(d)) : AnyCodable(d)
    case .string(let s): AnyCodable(s)
    case .bool(let b): AnyCodable(b)
    case .null, .unsupported: AnyCodable(nil as String?)
    }
  }
}
