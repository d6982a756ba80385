import Foundation

/// ONNX's numbering of element types (TensorProto.DataType).
enum ONNXDataType {
  static func elementType(_ code: Int32) -> ElementType? {
    switch code {
    case 1: .float
    case 6: .int32
    case 7: .int64
    case 8: .string
    case 9: .bool
    case 11: .double
    default: nil
    }
  }

  static func code(_ type: ElementType) -> Int32 {
    switch type {
    case .float: 1
    case .int32: 6
    case .int64: 7
    case .string: 8
    case .bool: 9
    case .double: 11
    }
  }

  static func name(_ code: Int32) -> String {
    let names: [Int32: String] = [
      0: "undefined", 1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32",
      7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64",
      14: "complex64", 15: "complex128", 16: "bfloat16", 17: "float8e4m3fn", 18: "float8e4m3fnuz",
      19: "float8e5m2", 20: "float8e5m2fnuz", 21: "uint4", 22: "int4", 23: "float4e2m1",
    ]
    return names[code] ?? "type \(code)"
  }
}

/// The most elements a tensor in a model file may declare; far above any real
/// tabular model, low enough that a corrupt header cannot ask for terabytes.
let maximumDeclaredElements = 1 << 31

extension Tensor {
  /// Decodes an initializer or attribute tensor.
  /// - Throws: `ModelError` naming the tensor when its type is unsupported or its data
  ///   does not match its dimensions.
  init(proto: Onnx_TensorProto, context: String) throws(ModelError) {
    let label = proto.name.isEmpty ? context : "\(context) (tensor \(proto.name))"
    if proto.dataLocation == .external || !proto.externalData.isEmpty {
      throw ModelError(
        .unsupported,
        "\(label) keeps its data in an external file; fathom loads self-contained models only — "
          + "re-save with onnx.save_model(model, path, save_as_external_data=False)")
    }
    guard let type = ONNXDataType.elementType(proto.dataType) else {
      throw ModelError(
        .unsupported,
        "\(label) has element type \(ONNXDataType.name(proto.dataType)); fathom supports "
          + ElementType.allCases.map(\.rawValue).joined(separator: ", "))
    }
    var shape: [Int] = []
    var count = 1
    for d in proto.dims {
      guard d >= 0, d <= Int64(maximumDeclaredElements) else {
        throw ModelError(.invalidGraph, "\(label) declares dimension \(d)")
      }
      shape.append(Int(d))
      let (product, overflow) = count.multipliedReportingOverflow(by: Int(d))
      guard !overflow, product <= maximumDeclaredElements else {
        throw ModelError(.invalidGraph, "\(label) declares \(proto.dims) elements: too large")
      }
      count = product
    }
    let raw = proto.hasRawData ? proto.rawData : nil
    func mismatch(_ got: Int) -> ModelError {
      ModelError(.invalidGraph, "\(label) has shape \(shape) (\(count) elements) but holds \(got)")
    }
    let storage: Storage
    switch type {
    case .float:
      let v: [Float] =
        try raw.map { (r) throws(ModelError) in try decodeRaw(r, count: count, label: label) }
        ?? proto.floatData
      storage = .float(v)
    case .double:
      let v: [Double] =
        try raw.map { (r) throws(ModelError) in try decodeRaw(r, count: count, label: label) }
        ?? proto.doubleData
      storage = .double(v)
    case .int64:
      let v: [Int64] =
        try raw.map { (r) throws(ModelError) in try decodeRaw(r, count: count, label: label) }
        ?? proto.int64Data
      storage = .int64(v)
    case .int32:
      let v: [Int32] =
        try raw.map { (r) throws(ModelError) in try decodeRaw(r, count: count, label: label) }
        ?? proto.int32Data
      storage = .int32(v)
    case .bool:
      let v: [Bool]
      if let raw {
        let bytes: [UInt8] = try decodeRaw(raw, count: count, label: label)
        v = bytes.map { $0 != 0 }
      } else {
        v = proto.int32Data.map { $0 != 0 }
      }
      storage = .bool(v)
    case .string:
      storage = .string(proto.stringData.map { String(decoding: $0, as: UTF8.self) })
    }
    guard storage.count == count else { throw mismatch(storage.count) }
    self.init(unchecked: shape, storage)
  }
}

/// Decodes little-endian raw tensor bytes into `count` elements of `T`.
private func decodeRaw<T: BitwiseCopyable>(_ data: Data, count: Int, label: String) throws(ModelError) -> [T] {
  let size = MemoryLayout<T>.stride
  guard data.count == count * size else {
    throw ModelError(
      .invalidGraph,
      "\(label) has \(data.count) bytes of raw data; its shape needs \(count * size)")
  }
  // Every platform fathom runs on is little-endian, as ONNX's raw_data is.
  return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
    data.withUnsafeBytes { bytes in
      if let source = bytes.baseAddress, let target = buffer.baseAddress, count > 0 {
        memcpy(target, source, count * size)
      }
    }
    initialized = count
  }
}
