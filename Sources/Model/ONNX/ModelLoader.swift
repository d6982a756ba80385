import Foundation
import SwiftProtobuf

/// Reads an ONNX file into a plan and a signature.
enum ModelLoader {
  struct Loaded {
    let signature: Signature
    let info: ModelInfo
    let plan: ExecutionPlan
    let roles: OutputRoles
  }

  static let supportedIRVersions = 3...10

  static func load(data: Data, source: String, schema: FeatureSchema?) throws(ModelError) -> Loaded {
    guard !data.isEmpty else {
      throw ModelError(.notAModel, "\(source) is empty: expected an ONNX model")
    }
    let proto: Onnx_ModelProto
    do {
      var options = BinaryDecodingOptions()
      options.messageDepthLimit = 64
      proto = try Onnx_ModelProto(serializedBytes: data, options: options)
    } catch {
      throw ModelError(
        .notAModel,
        "\(source) is not an ONNX model: the protobuf data is \(describeDecodingError(error)) "
          + "(is the file truncated, or not an .onnx file?)")
    }
    guard proto.hasGraph, proto.irVersion != 0 else {
      throw ModelError(
        .notAModel,
        "\(source) is not an ONNX model: it has no " + (proto.hasGraph ? "IR version" : "graph"))
    }
    guard supportedIRVersions.contains(Int(proto.irVersion)) else {
      throw ModelError(
        .unsupported,
        "\(source) has ONNX IR version \(proto.irVersion); fathom reads versions "
          + "\(supportedIRVersions.lowerBound) to \(supportedIRVersions.upperBound)")
    }

    // The same domain may be imported twice (some exporters do); the highest wins, as in onnxruntime.
    var opsets: [String: Int] = [:]
    for entry in proto.opsetImport {
      let domain = entry.domain == "ai.onnx" ? "" : entry.domain
      let version = Int(clamping: entry.version)
      opsets[domain] = max(opsets[domain] ?? 0, version)
    }
    if opsets[""] == nil, proto.irVersion < 3 { opsets[""] = 1 }
    for (domain, version) in opsets {
      guard let range = OperatorRegistry.supportedOpsets[domain] else { continue }
      guard range.contains(version) else {
        let name = domain.isEmpty ? "ai.onnx" : domain
        throw ModelError(
          .unsupported,
          "\(source) imports opset \(version) of domain \(name); fathom supports "
            + "\(range.lowerBound) to \(range.upperBound)")
      }
    }

    let compiled = try GraphCompiler(opsets: opsets).compile(proto.graph)
    var metadata: [String: String] = [:]
    for entry in proto.metadataProps { metadata[entry.key] = entry.value }
    var counts: [OperatorKey: Int] = [:]
    for node in compiled.nodes {
      counts[OperatorKey(domain: node.domain == "ai.onnx" ? "" : node.domain, opType: node.opType), default: 0] += 1
    }
    let info = ModelInfo(
      irVersion: Int(proto.irVersion),
      opsets: Dictionary(uniqueKeysWithValues: opsets.map { ($0.key.isEmpty ? "ai.onnx" : $0.key, $0.value) }),
      producer: [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " "),
      graphName: proto.graph.name,
      metadata: metadata,
      operatorCounts: counts,
      byteCount: data.count,
      sha256: SHA256.hex(data))

    let discovered = try SignatureBuilder(
      graph: proto.graph, compiled: compiled, metadata: metadata, schema: schema, source: source
    ).build()
    return Loaded(signature: discovered.signature, info: info, plan: compiled.plan, roles: discovered.roles)
  }
}

private func describeDecodingError(_ error: any Error) -> String {
  switch error {
  case BinaryDecodingError.truncated: "truncated"
  case BinaryDecodingError.malformedProtobuf: "malformed"
  case BinaryDecodingError.invalidUTF8: "malformed (a string is not UTF-8)"
  case BinaryDecodingError.messageDepthLimit: "nested too deeply"
  default: "unreadable (\(error))"
  }
}
