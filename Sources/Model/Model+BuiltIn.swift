import Foundation

extension Model {
  /// The models embedded in fathom: `iris` (a classifier, the default) and `diabetes` (a regressor).
  public static let builtInNames = ["iris", "diabetes"]

  /// The model `fathom` opens when given none.
  public static let defaultModelName = "iris"

  /// Loads an embedded model by name.
  /// - Throws: `ModelError` when no embedded model has that name.
  public static func builtIn(named name: String) throws(ModelError) -> Model {
    guard builtInNames.contains(name),
      let url = Bundle.module.url(forResource: name, withExtension: "onnx", subdirectory: "DefaultModels")
    else {
      throw ModelError(
        .unreadableFile,
        "there is no built-in model named \(name); the built-in models are \(builtInNames.joined(separator: ", "))")
    }
    return try Model(contentsOf: url)
  }
}
