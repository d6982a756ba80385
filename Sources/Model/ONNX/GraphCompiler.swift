/// Turns an ONNX graph into an `ExecutionPlan`: resolves names to slots, orders
/// nodes, decodes initializers and builds every kernel, failing on anything it
/// cannot run.
struct GraphCompiler {
  /// The opset version in force for each domain.
  let opsets: [String: Int]
  /// For a subgraph: the enclosing graphs' values known at load time, by name. The
  /// subgraph takes those it reads as constants of its own.
  var outerConstants: [String: Tensor] = [:]
  /// For a subgraph: the enclosing graphs' run-time values it reads, in the order its plan
  /// takes them after the declared inputs (the enclosing node passes them as extra inputs).
  var capturedNames: [String] = []
  /// True for a subgraph: its declared input types are not checked against the values the
  /// enclosing node passes, so the compiler does not rely on them.
  var isSubgraph = false

  struct Result {
    let plan: ExecutionPlan
    /// The runtime inputs (initializers excluded), in graph order.
    let inputs: [Onnx_ValueInfoProto]
    /// Every initializer and Constant by name, for signature discovery.
    let constants: [String: Tensor]
    /// The nodes in execution order.
    let nodes: [Onnx_NodeProto]
  }

  func compile(_ graph: Onnx_GraphProto) throws(ModelError) -> Result {
    var slotOf: [String: Int] = [:]
    func slot(_ name: String) -> Int {
      if let s = slotOf[name] { return s }
      let s = slotOf.count
      slotOf[name] = s
      return s
    }

    // Initializers first: some exporters also list them as graph inputs.
    var constantsByName: [String: Tensor] = [:]
    var constants: [(slot: Int, value: Value)] = []
    for proto in graph.initializer {
      guard !proto.name.isEmpty else { throw ModelError(.invalidGraph, "an initializer has no name") }
      let tensor = try Tensor(proto: proto, context: "initializer \(proto.name)")
      constantsByName[proto.name] = tensor
      constants.append((slot(proto.name), .tensor(tensor)))
    }
    if !graph.sparseInitializer.isEmpty {
      throw ModelError(.unsupported, "the graph has sparse initializers, which fathom does not load")
    }
    // A subgraph reads the enclosing graphs' constants as its own.
    for name in freeVariables(of: graph).sorted() {
      guard constantsByName[name] == nil, let tensor = outerConstants[name] else { continue }
      constantsByName[name] = tensor
      constants.append((slot(name), .tensor(tensor)))
    }

    var inputs: [Onnx_ValueInfoProto] = []
    var defined = Set(constantsByName.keys)
    for input in graph.input where constantsByName[input.name] == nil {
      guard !input.name.isEmpty else { throw ModelError(.invalidGraph, "a graph input has no name") }
      guard !defined.contains(input.name) else {
        throw ModelError(.invalidGraph, "the graph input \(input.name) is declared twice")
      }
      defined.insert(input.name)
      inputs.append(input)
      _ = slot(input.name)
    }
    var inputSlots = inputs.map { slot($0.name) }
    for (index, name) in capturedNames.enumerated() {
      // A name this graph defines itself hides the enclosing one: its value goes to an unused slot.
      inputSlots.append(defined.contains(name) ? slot("\u{0}captured \(index)") : slot(name))
      defined.insert(name)
    }

    let ordered = try topologicalOrder(graph.node, defined: defined)

    // Element types known before any run: the constants', the graph inputs' as declared
    // (`Model.run` checks every input against them), and what follows from the nodes.
    var typeOf: [String: ElementType] = constantsByName.mapValues(\.elementType)
    if !isSubgraph {
      for input in inputs where input.type.tensorType.elemType != 0 {
        typeOf[input.name] = ONNXDataType.elementType(input.type.tensorType.elemType)
      }
    }

    // Each node's work, made into plan steps once every step's last reads are known.
    var steps: [PendingStep] = []
    for node in ordered {
      let key = OperatorKey(domain: node.domain == "ai.onnx" ? "" : node.domain, opType: node.opType)
      guard let version = opsets[key.domain] else {
        throw ModelError(
          .unsupported,
          "\(describeNode(node)) uses domain \(key.domainName), which the model does not import")
      }
      guard let definition = OperatorRegistry.definitions[key] else {
        throw ModelError(
          .unsupported,
          "\(describeNode(node)): operator \(key.opType) of domain \(key.domainName) is not supported by fathom"
            + nearOperatorHint(key))
      }
      guard definition.opsets.contains(version) else {
        throw ModelError(
          .unsupported,
          "\(describeNode(node)): \(key.opType) at opset \(version) is not supported "
            + "(fathom runs opsets \(definition.opsets.lowerBound) to \(definition.opsets.upperBound))")
      }
      // What the node's subgraphs read from this graph: constants are compiled into them,
      // run-time values become extra inputs of the node's step, after its own.
      let captured = implicitInputs(of: node).filter { constantsByName[$0] == nil }
      let context = NodeContext(
        node: node, opset: version,
        constantInputs: node.input.map { $0.isEmpty ? nil : constantsByName[$0] },
        subgraphCompiler: GraphCompiler(
          opsets: opsets, outerConstants: constantsByName, capturedNames: captured, isSubgraph: true))
      let kernel = try definition.make(context)
      if let values = Self.fold(node, kernel, context.constantInputs) {
        // A node that reads only constants (a Constant, or arithmetic on a model's weights)
        // computes the same on every run: its outputs become constants of the plan, as
        // onnxruntime folds them. One that fails here runs, and fails, when the graph runs.
        for (name, value) in values {
          constantsByName[name] = value
          typeOf[name] = value.elementType
          constants.append((slot(name), .tensor(value)))
        }
        continue
      }
      let types = Self.outputElementTypes(of: node, inputs: node.input.map { typeOf[$0] })
      for (name, type) in zip(node.output, types) where !name.isEmpty { typeOf[name] = type }
      // A Cast to the type its input already has changes nothing.
      let castTarget = node.castTarget
      let isIdentity =
        key == OperatorKey(domain: "", opType: "Identity")
        || (castTarget != nil && node.input.count == 1 && typeOf[node.input[0]] == castTarget)
      if isIdentity, node.input.count == 1, node.output.count == 1, !node.input[0].isEmpty, !node.output[0].isEmpty,
        slotOf[node.output[0]] == nil
      {
        // An identity is a second name for its input's value: no step, no copy.
        slotOf[node.output[0]] = slot(node.input[0])
        if let value = constantsByName[node.input[0]] { constantsByName[node.output[0]] = value }
        continue
      }
      steps.append(
        (
          kernel: kernel,
          inputs: node.input.map { $0.isEmpty ? -1 : slot($0) } + captured.map { slot($0) },
          outputs: node.output.map { $0.isEmpty ? -1 : slot($0) },
          label: describeNode(node),
          key: key,
          constantInputs: context.constantInputs,
          node: node
        ))
    }

    var outputSlots: [Int] = []
    for output in graph.output {
      guard let s = slotOf[output.name] else {
        throw ModelError(.invalidGraph, "the graph output \(output.name) is computed by no node")
      }
      outputSlots.append(s)
    }

    let keep = Set(outputSlots)
    steps = Self.fuseComparisonCasts(
      Self.fuseLabelLookups(Self.fuseEpilogues(steps, keep: keep), keep: keep), keep: keep)

    // Free each intermediate after its last reader; never a graph output, and never a
    // constant: the plan holds those for every run (`ExecutionPlan.template`).
    let constantSlots = Set(constants.map(\.slot))
    var lastReader: [Int: Int] = [:]
    for (index, step) in steps.enumerated() {
      for s in step.inputs where s >= 0 { lastReader[s] = index }
    }
    var lastUses = [[Int]](repeating: [], count: steps.count)
    for (s, index) in lastReader where !keep.contains(s) && !constantSlots.contains(s) { lastUses[index].append(s) }
    let finalSteps = steps.enumerated().map { index, step in
      ExecutionPlan.Step(
        kernel: step.kernel, inputs: step.inputs, outputs: step.outputs, lastUses: lastUses[index], label: step.label)
    }

    let plan = ExecutionPlan(
      slotCount: slotOf.count, constants: constants,
      inputSlots: inputSlots, outputSlots: outputSlots, steps: finalSteps)
    return Result(plan: plan, inputs: inputs, constants: constantsByName, nodes: ordered)
  }

  /// The named outputs of `node` when every input it reads is a constant and its kernel
  /// computes a tensor for each of them; nil otherwise. Nodes with subgraphs are left alone.
  private static func fold(_ node: Onnx_NodeProto, _ kernel: any Kernel, _ constantInputs: [Tensor?])
    -> [(name: String, value: Tensor)]?
  {
    guard node.attribute.allSatisfy({ !$0.hasG && $0.graphs.isEmpty }),
      zip(node.input, constantInputs).allSatisfy({ $0.0.isEmpty || $0.1 != nil }),
      let outputs = try? kernel.run(constantInputs.map { $0.map(Value.tensor) }, outputCount: node.output.count)
    else { return nil }
    var values: [(name: String, value: Tensor)] = []
    for (name, value) in zip(node.output, outputs) where !name.isEmpty {
      guard case .tensor(let t)? = value else { return nil }
      values.append((name, t))
    }
    return values
  }

  /// Compiles a node's graph attribute (a Scan body) in the scope of this compiler.
  func compileSubgraph(_ graph: Onnx_GraphProto) throws(ModelError) -> Subgraph {
    let result = try compile(graph)
    return Subgraph(
      plan: result.plan, inputNames: result.inputs.map(\.name), outputNames: graph.output.map(\.name))
  }

  /// Orders nodes so that every value is computed before it is read (Kahn's algorithm,
  /// stable in file order); names the culprit on an undefined value or a cycle.
  private func topologicalOrder(_ nodes: [Onnx_NodeProto], defined: Set<String>) throws(ModelError)
    -> [Onnx_NodeProto]
  {
    var producer: [String: Int] = [:]
    for (index, node) in nodes.enumerated() {
      for output in node.output where !output.isEmpty {
        if defined.contains(output) || producer[output] != nil {
          throw ModelError(
            .invalidGraph, "\(describeNode(node)) writes \(output), which is already defined")
        }
        producer[output] = index
      }
    }
    var pending = [Int](repeating: 0, count: nodes.count)
    var readers: [Int: [Int]] = [:]
    for (index, node) in nodes.enumerated() {
      // A node with subgraphs also waits for the values they read from this graph.
      for input in Set(node.input).union(implicitInputs(of: node)) where !input.isEmpty && !defined.contains(input) {
        guard let p = producer[input] else {
          throw ModelError(
            .invalidGraph,
            "\(describeNode(node)) reads \(input), which is neither a graph input, an initializer "
              + "nor the output of any node")
        }
        pending[index] += 1
        readers[p, default: []].append(index)
      }
    }
    var ready = (0..<nodes.count).filter { pending[$0] == 0 }
    var order: [Onnx_NodeProto] = []
    order.reserveCapacity(nodes.count)
    var cursor = 0
    while cursor < ready.count {
      let index = ready[cursor]
      cursor += 1
      order.append(nodes[index])
      for reader in readers[index] ?? [] {
        pending[reader] -= 1
        if pending[reader] == 0 { ready.append(reader) }
      }
    }
    if order.count < nodes.count {
      let stuck = (0..<nodes.count).filter { pending[$0] > 0 }.map { describeNode(nodes[$0]) }
      throw ModelError(
        .invalidGraph, "the graph has a cycle through " + stuck.prefix(3).joined(separator: ", "))
    }
    return order
  }
}

/// The names a graph reads but does not define — values of its enclosing graphs — including
/// those its own subgraphs read.
func freeVariables(of graph: Onnx_GraphProto) -> Set<String> {
  var defined = Set(graph.initializer.map(\.name)).union(graph.input.map(\.name))
  for node in graph.node { defined.formUnion(node.output) }
  var used = Set(graph.output.map(\.name))
  for node in graph.node {
    used.formUnion(node.input.filter { !$0.isEmpty })
    used.formUnion(implicitInputs(of: node))
  }
  return used.subtracting(defined)
}

/// The names a node's graph attributes read from the graph around the node, sorted.
func implicitInputs(of node: Onnx_NodeProto) -> [String] {
  var names = Set<String>()
  for attribute in node.attribute {
    if attribute.hasG { names.formUnion(freeVariables(of: attribute.g)) }
    for graph in attribute.graphs { names.formUnion(freeVariables(of: graph)) }
  }
  return names.sorted()
}

/// A hint for an unsupported operator: a near-miss spelling, or where the supported list is.
private func nearOperatorHint(_ key: OperatorKey) -> String {
  let known = OperatorRegistry.supportedOperators.filter { $0.domain == key.domain }.map(\.opType)
  // Operator names are case-sensitive; a wrong case is the one slip worth pointing out.
  if let near = known.first(where: { $0.lowercased() == key.opType.lowercased() }) {
    return " (did you mean \(near)?)"
  }
  return
    " (`fathom inspect` lists a model's operators; the README lists the \(known.count) fathom runs in \(key.domainName))"
}
