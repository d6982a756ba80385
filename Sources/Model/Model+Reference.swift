import Foundation

extension Model {
  /// Opens a model named the way a person names one: a path to an `.onnx` file, a built-in
  /// name (`iris`, `diabetes`), or a directory holding exactly one `.onnx` file.
  ///
  /// A file or directory of that name wins over a built-in model of the same name, and a
  /// leading `~` is the home directory. Every subcommand of `fathom` and the notebook's
  /// `load` open models through this, so they accept the same references.
  /// - Parameter reference: the path or built-in name.
  /// - Returns: the loaded model.
  /// - Throws: `ModelError` saying what is wrong: no such file, a directory holding no model
  ///   or several, or a file that is not a model fathom runs.
  public static func open(reference: String) throws(ModelError) -> Model {
    let path = NSString(string: reference).expandingTildeInPath
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    if !exists, builtInNames.contains(reference) { return try builtIn(named: reference) }
    if exists, isDirectory.boolValue {
      return try Model(contentsOf: try modelFile(inDirectory: path, as: reference))
    }
    return try Model(contentsOf: URL(fileURLWithPath: path))
  }

  /// The one `.onnx` file in the directory at `path`, which the person named `reference`.
  private static func modelFile(inDirectory path: String, as reference: String) throws(ModelError) -> URL {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: path)
    } catch {
      throw ModelError(.unreadableFile, "cannot list the directory \(reference): \(error.localizedDescription)")
    }
    let models = names.filter { $0.lowercased().hasSuffix(".onnx") }.sorted()
    switch models.count {
    case 1:
      return URL(fileURLWithPath: path).appendingPathComponent(models[0])
    case 0:
      throw ModelError(
        .unreadableFile,
        "the directory \(reference) holds no .onnx file; name a model file, or a directory holding exactly one")
    default:
      let shown = models.prefix(5).joined(separator: ", ") + (models.count > 5 ? ", …" : "")
      let separator = reference.hasSuffix("/") ? "" : "/"
      throw ModelError(
        .unreadableFile,
        "the directory \(reference) holds \(models.count) .onnx files (\(shown)); "
          + "name the one to open, such as \(reference)\(separator)\(models[0])")
    }
  }
}
