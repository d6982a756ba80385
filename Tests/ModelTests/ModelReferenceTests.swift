import Foundation
import Model
import Testing

@Suite("opening a model by reference")
struct ModelReferenceTests {
  /// A fresh empty directory, removed by the caller.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-reference-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static let zooModel = ZooCase(name: "iris_logreg").modelURL

  @Test("a built-in name opens the embedded model")
  func builtIn() throws {
    #expect(try Model.open(reference: "diabetes").name == "diabetes")
  }

  @Test("a path opens that file")
  func path() throws {
    #expect(try Model.open(reference: Self.zooModel.path).name == "iris_logreg")
  }

  @Test("a directory holding one .onnx file opens it")
  func directoryWithOneModel() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.copyItem(at: Self.zooModel, to: directory.appendingPathComponent("flowers.onnx"))
    try Data("not a model".utf8).write(to: directory.appendingPathComponent("notes.txt"))
    #expect(try Model.open(reference: directory.path).name == "flowers")
  }

  @Test("a directory holding no .onnx file is refused with its name")
  func emptyDirectory() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let error = #expect(throws: ModelError.self) { try Model.open(reference: directory.path) }
    #expect(
      error?.message
        == "the directory \(directory.path) holds no .onnx file; name a model file, or a directory holding exactly one")
  }

  @Test("a directory holding several .onnx files is refused with their names")
  func directoryWithSeveralModels() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    for name in ["b.onnx", "a.onnx"] {
      try FileManager.default.copyItem(at: Self.zooModel, to: directory.appendingPathComponent(name))
    }
    let error = #expect(throws: ModelError.self) { try Model.open(reference: directory.path) }
    #expect(
      error?.message
        == "the directory \(directory.path) holds 2 .onnx files (a.onnx, b.onnx); "
        + "name the one to open, such as \(directory.path)/a.onnx")
  }

  @Test("a missing file says so")
  func missingFile() {
    let error = #expect(throws: ModelError.self) { try Model.open(reference: "/nowhere.onnx") }
    #expect(error?.message == "cannot read /nowhere.onnx: no such file")
  }
}
