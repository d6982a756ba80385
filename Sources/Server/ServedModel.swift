import Foundation
import Model

/// A model and everything the server derives from it once, not per request:
/// its version, the fixed tail of every prediction response, and the documents.
final class ServedModel: Sendable {
  let model: Model
  /// The model's version: its `version` metadata entry, or the start of its SHA-256.
  let version: String
  /// How long loading the model took, when known.
  let loadDuration: Duration?
  /// `"model":"NAME","version":"V"}`: the end of every prediction response.
  let responseTail: [UInt8]
  /// Feature names, for telling a batch from a row that has a feature named "instances".
  let featureNames: Set<String>
  /// `GET /model`.
  let modelDocument: [UInt8]
  /// `GET /v2/models/{name}`.
  let inferenceMetadata: [UInt8]
  /// `GET /openapi.json`.
  let openAPIDocument: [UInt8]
  /// `GET /docs`.
  let docsPage: [UInt8]

  init(_ model: Model, loadDuration: Duration?) {
    self.model = model
    self.loadDuration = loadDuration
    let version = model.info.metadata["version"] ?? String(model.info.sha256.prefix(12))
    self.version = version
    var tail = JSONWriter()
    tail.key("model")
    tail.string(model.name)
    tail.raw(",")
    tail.key("version")
    tail.string(version)
    tail.raw("}")
    responseTail = tail.bytes
    featureNames = Set(model.signature.featureNames)
    modelDocument = ModelDocument.json(for: model, version: version)
    inferenceMetadata = InferenceProtocol.metadata(for: model, version: version)
    let openAPI = OpenAPIDocument(model: model, version: version)
    openAPIDocument = openAPI.json
    docsPage = DocsPage.html(for: model, version: version)
  }
}
