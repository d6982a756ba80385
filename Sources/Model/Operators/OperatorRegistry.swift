/// An operator as ONNX identifies it.
public struct OperatorKey: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The domain; "" is the default domain ai.onnx.
  public var domain: String
  /// The operator's name.
  public var opType: String

  /// The domain as people write it.
  public var domainName: String { domain.isEmpty ? "ai.onnx" : domain }

  public var description: String { "\(domainName).\(opType)" }

  public static func < (a: OperatorKey, b: OperatorKey) -> Bool {
    (a.domain, a.opType) < (b.domain, b.opType)
  }
}

/// How to build a kernel for one operator.
struct OperatorDefinition: Sendable {
  let key: OperatorKey
  /// The opset versions of the operator's domain this kernel implements.
  let opsets: ClosedRange<Int>
  let make: @Sendable (NodeContext) throws(ModelError) -> any Kernel
}

/// Every operator fathom runs, by domain and name.
package enum OperatorRegistry {
  static let mlDomain = "ai.onnx.ml"

  /// The opset versions fathom accepts for each domain it knows.
  static let supportedOpsets: [String: ClosedRange<Int>] = ["": 1...22, mlDomain: 1...5]

  static let definitions: [OperatorKey: OperatorDefinition] = {
    var table: [OperatorKey: OperatorDefinition] = [:]
    for d in defaultDomainOperators + mlOperators { table[d.key] = d }
    return table
  }()

  /// The supported operators, sorted by domain and name.
  public static var supportedOperators: [OperatorKey] { definitions.keys.sorted() }

  static func define(
    _ domain: String, _ opType: String, opsets: ClosedRange<Int> = 1...22,
    _ make: @escaping @Sendable (NodeContext) throws(ModelError) -> any Kernel
  ) -> OperatorDefinition {
    OperatorDefinition(key: OperatorKey(domain: domain, opType: opType), opsets: opsets, make: make)
  }
}
