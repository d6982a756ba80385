import Foundation
import Model

/// A model and everything the server derives from it once, not per request:
/// its version, the fixed tail of every prediction response, and the documents (the two
/// slow ones, OpenAPI and /docs, on first use or when `warm()` runs).
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
  /// `GET /`: the web app's page, with `modelDocument` in it.
  let webAppPage: WebAppAsset.Content
  /// `GET /v2/models/{name}`.
  let inferenceMetadata: [UInt8]
  /// `GET /openapi.json`.
  var openAPIDocument: [UInt8] { openAPI.value }
  /// `GET /docs`.
  var docsPage: [UInt8] { docs.value }

  private let openAPI: LazyDocument
  private let docs: LazyDocument

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
    webAppPage = WebAppAsset.page(modelDocument: modelDocument)
    inferenceMetadata = InferenceDocuments.metadata(for: model, version: version)
    openAPI = LazyDocument { OpenAPIDocument(model: model, version: version).json }
    docs = LazyDocument { DocsPage.html(for: model, version: version) }
  }

  /// Builds the lazy documents now, so the first request for them does not wait.
  func warm() {
    _ = openAPI.value
    _ = docs.value
  }

  /// Builds the lazy documents in a background task.
  func warmInBackground() {
    _Concurrency.Task.detached(priority: .background) { self.warm() }
  }
}
