import Hummingbird
import Model

extension ServerResponder {
  /// `POST /v2/models/{name}/infer`: named tensors in, named tensors out, through `Model.run`.
  func infer(_ request: inout Request, served: ServedModel) async throws(InferenceError) -> Response {
    switch mediaType(request.headers[.contentType]) {
    case nil, "application/json": break
    case let type?: throw .unsupportedMediaType(type)
    }
    let body: [UInt8]
    do {
      body = try await readBody(&request)
    } catch {
      // Keep the status, in the protocol's error form.
      throw InferenceError(error)
    }
    let document: JSONValue
    do {
      document = try JSONParser.parse(body)
    } catch {
      throw .badRequest("malformed JSON: \(error.reason) at byte \(error.offset)")
    }
    let parsed = try InferenceCodec.decode(document, maxBatchSize: configuration.maxBatchSize)
    let outputs: ModelOutputs
    do {
      outputs = try served.model.run(parsed.inputs)
    } catch {
      throw .badRequest(error.message)
    }
    return .json(bytes: try InferenceCodec.encode(outputs, request: parsed, served: served))
  }
}
