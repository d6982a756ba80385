public import Model
import Synchronization

/// Holds the model a server answers with, so the REPL can swap it atomically.
///
/// Each request takes the current `ServedModel` once and keeps it to the end, so
/// requests in flight during `swap(to:)` finish on the old model and new ones see the new.
public final class ModelStore: Sendable {
  private let current: Mutex<ServedModel>

  /// Creates a store serving `model`.
  /// - Parameters:
  ///   - model: the model to serve.
  ///   - loadDuration: how long loading it took, reported by `/metrics`.
  public init(_ model: Model, loadDuration: Duration? = nil) {
    current = Mutex(ServedModel(model, loadDuration: loadDuration))
  }

  /// The model being served now.
  public var model: Model { served.model }

  /// Replaces the served model; requests already running keep the old one.
  /// - Parameters:
  ///   - model: the new model.
  ///   - loadDuration: how long loading it took.
  public func swap(to model: Model, loadDuration: Duration? = nil) {
    let next = ServedModel(model, loadDuration: loadDuration)
    current.withLock { $0 = next }
    next.warmInBackground()
  }

  /// The current model with everything precomputed for it.
  var served: ServedModel { current.withLock { $0 } }
}
