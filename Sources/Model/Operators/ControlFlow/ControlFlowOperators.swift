/// Operators that run a subgraph: Scan (opset 9 and later). If and Loop are not run.
enum ControlFlowOperators {
  static var definitions: [OperatorDefinition] {
    [scan()]
  }

  /// Scan: runs `body` once per slice of the scan inputs, carrying the state variables from
  /// one iteration to the next and stacking the body's scan outputs.
  ///
  /// Inputs are N initial states then M scan inputs; outputs are the N final states then
  /// K stacked scan outputs. Opset 8's form, with a batch axis and sequence lengths, is not run.
  private static func scan() -> OperatorDefinition {
    OperatorRegistry.define("", "Scan", opsets: 9...22) { (ctx) throws(ModelError) in
      guard let body = try ctx.subgraph("body") else { throw ctx.error("Scan needs a body graph attribute") }
      guard let m = try ctx.int("num_scan_inputs"), m >= 1, m <= ctx.node.input.count else {
        throw ctx.error("Scan needs num_scan_inputs between 1 and its \(ctx.node.input.count) inputs")
      }
      let declared = ctx.node.input.count
      let n = declared - m
      guard body.inputNames.count == declared else {
        throw ctx.error(
          "the body takes \(body.inputNames.count) inputs, but Scan passes \(n) states and \(m) scan slices")
      }
      let k = body.outputNames.count - n
      guard k >= 0 else {
        throw ctx.error("the body gives \(body.outputNames.count) outputs, fewer than the \(n) state variables")
      }
      guard ctx.node.output.count <= n + k else {
        throw ctx.error("Scan has \(ctx.node.output.count) outputs, but its body gives \(n + k)")
      }
      func list(_ name: String, count: Int, default value: Int) throws(ModelError) -> [Int] {
        let given = ctx.ints(name).map { Int(clamping: $0) }
        if given.isEmpty { return [Int](filled: value, count: count) }
        guard given.count == count else { throw ctx.error("\(name) has \(given.count) entries, expected \(count)") }
        return given
      }
      let inputAxes = try list("scan_input_axes", count: m, default: 0)
      let outputAxes = try list("scan_output_axes", count: k, default: 0)
      let inputReversed = try list("scan_input_directions", count: m, default: 0)
      let outputReversed = try list("scan_output_directions", count: k, default: 0)
      guard (inputReversed + outputReversed).allSatisfy({ $0 == 0 || $0 == 1 }) else {
        throw ctx.error("scan directions must be 0 (forward) or 1 (reverse)")
      }
      let layout = ScanLayout(
        states: n, scanInputs: m, scanOutputs: k, inputAxes: inputAxes, outputAxes: outputAxes,
        inputReversed: inputReversed.map { $0 == 1 }, outputReversed: outputReversed.map { $0 == 1 })
      let distances =
        n == 1 && m == 1 && k == 1 && inputAxes == [0] && outputAxes == [0] && inputReversed == [0]
        && outputReversed == [0] && ctx.opset < 18
        && ctx.node.attribute.first(where: { $0.name == "body" }).map { isSquaredDistanceBody($0.g) } == true
      return ClosureKernel { (inputs, outputs) throws(ModelError) in
        if distances, let result = squaredDistances(inputs) {
          outputs.set(result)
        } else {
          outputs.set(try runScan(body, layout, inputs: inputs, declared: declared))
        }
      }
    }
  }
}

/// Scan's attributes, checked at load time.
private struct ScanLayout: Sendable {
  let states: Int
  let scanInputs: Int
  let scanOutputs: Int
  let inputAxes: [Int]
  let outputAxes: [Int]
  let inputReversed: [Bool]
  let outputReversed: [Bool]
}

private func runScan(_ body: Subgraph, _ layout: ScanLayout, inputs: KernelInputs, declared: Int) throws(ModelError)
  -> [Value]
{
  var state: [Value] = []
  for i in 0..<layout.states {
    guard i < inputs.count, let value = inputs[i] else { throw kernelError("state input \(i) is missing") }
    state.append(value)
  }
  // Each scan input with its scanned axis moved to the front, so a slice is a contiguous block.
  var sequences: [Tensor] = []
  for j in 0..<layout.scanInputs {
    var x = try inputs.tensor(layout.states + j)
    guard x.rank >= 1 else { throw kernelError("scan input \(j) is a scalar; it needs an axis to scan") }
    let axis = try normalizeAxis(layout.inputAxes[j], rank: x.rank)
    if axis != 0 {
      x = try transpose(x, perm: [axis] + (0..<x.rank).filter { $0 != axis })
    }
    sequences.append(x)
  }
  let length = sequences[0].shape[0]
  guard sequences.allSatisfy({ $0.shape[0] == length }) else {
    throw kernelError("the scan inputs have different lengths: \(sequences.map { $0.shape[0] })")
  }
  guard length > 0 || layout.scanOutputs == 0 else {
    throw kernelError("Scan over zero iterations cannot give the shape of its scan outputs")
  }
  let captured = Array(inputs[min(declared, inputs.count)...])
  let sliceShapes = sequences.map { Array($0.shape.dropFirst()) }
  var collected = [[Tensor]](filled: [], count: layout.scanOutputs)
  for t in 0..<length {
    var arguments = state
    for (j, x) in sequences.enumerated() {
      let row = layout.inputReversed[j] ? length - 1 - t : t
      let size = x.count / length
      arguments.append(.tensor(Tensor(unchecked: sliceShapes[j], x.storage.block(from: row * size, count: size))))
    }
    let results = try body.run(arguments, captured: captured)
    guard results.count == layout.states + layout.scanOutputs else {
      throw kernelError("the body gave \(results.count) values, expected \(layout.states + layout.scanOutputs)")
    }
    state = Array(results[..<layout.states])
    for j in 0..<layout.scanOutputs {
      guard let tensor = results[layout.states + j].tensor else {
        throw kernelError("scan output \(j) of the body is not a tensor")
      }
      if let first = collected[j].first, first.shape != tensor.shape || first.elementType != tensor.elementType {
        throw kernelError(
          "scan output \(j) changes from \(first.elementType) \(first.shape) to \(tensor.elementType) "
            + "\(tensor.shape) between iterations")
      }
      collected[j].append(tensor)
    }
  }
  var outputs = state
  for j in 0..<layout.scanOutputs {
    let slices = layout.outputReversed[j] ? collected[j].reversed() : collected[j]
    let sliceShape = slices.first?.shape ?? []
    var stacked = Tensor(unchecked: [length] + sliceShape, try .joined(slices.map(\.storage)))
    let axis = try normalizeAxis(layout.outputAxes[j], rank: stacked.rank)
    if axis != 0 {
      // Move the iteration axis from the front to `axis`.
      let perm = (0..<stacked.rank).map { $0 < axis ? $0 + 1 : ($0 == axis ? 0 : $0) }
      stacked = try transpose(stacked, perm: perm)
    }
    outputs.append(.tensor(stacked))
  }
  return outputs
}

/// Whether a Scan body is the pairwise squared distance that skl2onnx writes for k-NN and
/// kernel models (its "cdist"): with state X and scanned row s, the body passes X on and
/// gives ReduceSumSquare(Sub(X, s), axes [1], keepdims 0), through any Identity nodes.
private func isSquaredDistanceBody(_ body: Onnx_GraphProto) -> Bool {
  guard body.input.count == 2, body.output.count == 2, body.initializer.isEmpty else { return false }
  let state = body.input[0].name
  let row = body.input[1].name
  var source: [String: String] = [:]
  func resolve(_ name: String) -> String {
    var name = name
    while let s = source[name] { name = s }
    return name
  }
  var work: [Onnx_NodeProto] = []
  for node in body.node where node.domain.isEmpty || node.domain == "ai.onnx" {
    if node.opType == "Identity", node.input.count == 1, node.output.count == 1 {
      source[node.output[0]] = node.input[0]
    } else {
      work.append(node)
    }
  }
  guard work.count == 2, body.node.count == work.count + source.count else { return false }
  let sub = work[0]
  let sum = work[1]
  func int(_ node: Onnx_NodeProto, _ name: String) -> Int64? { node.attribute.first { $0.name == name }?.i }
  let axes = sum.attribute.first { $0.name == "axes" }?.ints ?? []
  return sub.opType == "Sub" && sub.input.count == 2 && sub.output.count == 1
    && Set(sub.input.map(resolve)) == [state, row] && sub.attribute.isEmpty
    && sum.opType == "ReduceSumSquare" && sum.input.count == 1 && resolve(sum.input[0]) == sub.output[0]
    && sum.output.count == 1 && (axes == [1] || axes == [-1]) && int(sum, "keepdims") == 0
    && sum.attribute.allSatisfy { $0.name == "axes" || $0.name == "keepdims" }
    && resolve(body.output[0].name) == state && resolve(body.output[1].name) == sum.output[0]
}

/// `squaredDistances`' D for Float and n >= 8, eight rows of X at a time in SIMD lanes: X is
/// first copied column by column, so that a load takes one feature of eight rows, and each
/// lane computes its element as the one-at-a-time loop does (d = X[i, k] − S[j, k], then
/// acc + d·d, k ascending), so the values are the same bit for bit. The last block of eight
/// ends at n, recomputing a few.
private func eightDistances(_ a: [Float], _ b: [Float], n: Int, f: Int, m: Int) -> [Float] {
  typealias V = SIMD8<Float>
  let columns = transposedMatrix(a, rows: n, columns: f)
  return [Float](unsafeUninitializedCapacity: m * n) { out, initialized in
    columns.withUnsafeBufferPointer { columns in
      b.withUnsafeBufferPointer { b in
        guard let c = columns.baseAddress, let s = b.baseAddress, let o = out.baseAddress else { return }
        for j in 0..<m {
          let row = s + j * f
          let line = o + j * n
          var i = 0
          while i < n {
            let at = min(i, n - 8)
            var acc = V()
            for k in 0..<f {
              let d = UnsafeRawPointer(c + k * n + at).loadUnaligned(as: V.self) - V(repeating: row[k])
              acc = acc + d * d
            }
            UnsafeMutableRawPointer(line + at).storeBytes(of: acc, as: V.self)
            i = at + 8
          }
        }
        initialized = m * n
      }
    }
  }
}

/// The outputs of a squared-distance Scan (`isSquaredDistanceBody`) for a state X [n, f] and
/// scanned rows S [m, f] of one floating-point type: X, and D [m, n] with
/// D[j, i] = Σₖ (X[i, k] − S[j, k])², summed in k order as ReduceSumSquare sums. Nil for
/// other inputs, which run the body.
private func squaredDistances(_ inputs: KernelInputs) -> [Value]? {
  guard inputs.count == 2, let stateValue = inputs[0], case .tensor(let x) = stateValue,
    let s = try? inputs.tensor(1), x.rank == 2, s.rank == 2, x.shape[1] == s.shape[1]
  else { return nil }
  let (n, f, m) = (x.shape[0], x.shape[1], s.shape[0])
  func distances<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> [T] {
    [T](unsafeUninitializedCapacity: m * n) { out, initialized in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          for j in 0..<m {
            for i in 0..<n {
              var acc: T = 0
              for k in 0..<f {
                let d = a[i * f + k] - b[j * f + k]
                acc = acc + d * d
              }
              out[j * n + i] = acc
            }
          }
        }
      }
      initialized = m * n
    }
  }
  switch (x.storage, s.storage) {
  case (.float(let a), .float(let b)) where n >= 8:
    return [stateValue, .tensor(Tensor(unchecked: [m, n], .float(eightDistances(a, b, n: n, f: f, m: m))))]
  case (.float(let a), .float(let b)):
    return [stateValue, .tensor(Tensor(unchecked: [m, n], .float(distances(a, b))))]
  case (.double(let a), .double(let b)):
    return [stateValue, .tensor(Tensor(unchecked: [m, n], .double(distances(a, b))))]
  default: return nil
  }
}
