import Foundation

/// SVMClassifier (ai.onnx.ml), as onnxruntime computes it: one-vs-one votes for the
/// label, Platt scaling and libsvm's pairwise coupling for the probabilities, in Float
/// (the pairwise decision sums in Double).
struct SVMClassifierKernel: Kernel {
  enum Labels: Sendable {
    case int64([Int64])
    case string([String])

    var count: Int {
      switch self {
      case .int64(let v): v.count
      case .string(let v): v.count
      }
    }
  }

  let function: SVMKernelFunction
  let labels: Labels
  let post: PostTransform
  let coefficients: [Float]
  let supportVectors: [Float]
  /// The support vectors in groups of eight for `SVMKernelFunction.evaluate`.
  let supportVectorBlocks: [Float]
  let rho: [Float]
  let probA: [Float]
  let probB: [Float]
  let vectorsPerClass: [Int]
  let startingVector: [Int]
  let vectorCount: Int
  let featureCount: Int
  let classCount: Int
  /// SVC mode (support vectors and votes) or liblinear mode (one weight row per class).
  let svc: Bool
  let weightsAreAllPositive: Bool

  var classifierCount: Int { classCount * (classCount - 1) / 2 }
  var haveProbabilities: Bool { !probA.isEmpty }

  init(_ ctx: NodeContext) throws(ModelError) {
    let strings = ctx.strings("classlabels_strings")
    let ints = ctx.ints("classlabels_ints")
    guard !strings.isEmpty || !ints.isEmpty else {
      throw ctx.error("the classifier has no class labels")
    }
    labels = strings.isEmpty ? .int64(ints) : .string(strings)
    classCount = labels.count
    post = try PostTransform(name: try ctx.string("post_transform", default: "NONE"), context: ctx)
    coefficients = ctx.floats("coefficients")
    guard !coefficients.isEmpty else { throw ctx.error("coefficients are missing") }
    rho = ctx.floats("rho")
    guard !rho.isEmpty else { throw ctx.error("rho is missing") }
    probA = ctx.floats("prob_a")
    probB = ctx.floats("prob_b")
    guard probA.count == probB.count else { throw ctx.error("prob_a and prob_b differ in length") }
    supportVectors = ctx.floats("support_vectors")
    vectorsPerClass = try ctx.ints("vectors_per_class").map { (v) throws(ModelError) -> Int in
      guard v >= 0, let n = Int(exactly: v) else {
        throw ctx.error("vectors_per_class has a negative count")
      }
      return n
    }
    var starts: [Int] = []
    var total = 0
    for n in vectorsPerClass {
      starts.append(total)
      total += n
    }
    startingVector = starts
    vectorCount = total
    weightsAreAllPositive = coefficients.allSatisfy { $0 >= 0 }
    if vectorCount > 0 {
      svc = true
      function = try SVMKernelFunction(ctx)
      guard vectorsPerClass.count == classCount else {
        throw ctx.error(
          "vectors_per_class has \(vectorsPerClass.count) entries for \(classCount) classes")
      }
      guard classCount >= 2 else { throw ctx.unsupported("an SVC with \(classCount) class") }
      guard supportVectors.count % vectorCount == 0, !supportVectors.isEmpty else {
        throw ctx.error(
          "\(supportVectors.count) support vector values do not fit \(vectorCount) vectors")
      }
      featureCount = supportVectors.count / vectorCount
      let pairs = classCount * (classCount - 1) / 2
      guard coefficients.count >= (classCount - 1) * vectorCount else {
        throw ctx.error(
          "\(coefficients.count) coefficients do not fit \(classCount - 1) rows of \(vectorCount) vectors"
        )
      }
      guard rho.count >= pairs else {
        throw ctx.error("rho has \(rho.count) values for \(pairs) class pairs")
      }
      guard probA.isEmpty || probA.count >= pairs else {
        throw ctx.error("prob_a has \(probA.count) values for \(pairs) class pairs")
      }
    } else {
      svc = false
      // liblinear mode: one weight row per class and a linear kernel, whatever kernel_type says.
      function = SVMKernelFunction(kind: .linear, params: [])
      guard coefficients.count % classCount == 0 else {
        throw ctx.error("\(coefficients.count) coefficients do not fit \(classCount) classes")
      }
      featureCount = coefficients.count / classCount
    }
    supportVectorBlocks = SVMKernelFunction.blocks(of: supportVectors, count: vectorCount, f: featureCount)
  }

  func run(_ inputs: KernelInputs, _ outputs: KernelOutputs) throws(ModelError) {
    let x = try svmInputRows(try inputs.take(0))
    guard x.f == featureCount else {
      throw kernelError("the SVM has \(featureCount) features; the input has \(x.f) columns")
    }
    let width = svc && !haveProbabilities ? (classCount > 2 ? classifierCount : 2) : classCount
    var chosen = [Int](filled: 0, count: x.n)
    // Each row's scores written straight into their place in the output.
    let z = [Float](uninitializedCount: x.n * width, zero: 0) { z, initialized in
      for r in 0..<x.n {
        let row = x.values[(r * x.f)..<(r * x.f + x.f)]
        let out = UnsafeMutableBufferPointer(rebasing: z[(r * width)..<(r * width + width)])
        if svc {
          chosen[r] = svcScores(row, into: out)
        } else {
          let (scores, choice) = linearScores(row)
          chosen[r] = choice
          for j in 0..<scores.count { out[j] = scores[j] }
        }
      }
      initialized = x.n * width
    }
    let label: Tensor
    switch labels {
    case .int64(let v): label = Tensor(unchecked: [x.n], .int64(Array(mapping: chosen) { v[$0] }))
    case .string(let v): label = Tensor(unchecked: [x.n], .string(chosen.map { v[$0] }))
    }
    outputs.set(0, .tensor(label))
    outputs.set(1, .tensor(Tensor(unchecked: [x.n, width], .float(z))))
  }

  /// liblinear mode: one score per class, `x·w_c + rho[0]`; the label is the first
  /// highest score, with onnxruntime's binary rule on that score.
  private func linearScores(_ row: ArraySlice<Float>) -> ([Float], Int) {
    var scores = function.evaluate(
      row, coefficients, count: classCount, f: featureCount, constant: rho[0])
    var best = 0
    for j in 1..<scores.count where scores[j] > scores[best] { best = j }
    let maxWeight = scores[best]
    var choice = best
    if classCount == 2 && !haveProbabilities {
      if weightsAreAllPositive && maxWeight >= 0.5 {
        choice = 1
      } else if maxWeight > 0 && !weightsAreAllPositive {
        choice = 1
      }
    }
    if scores.count > 1 {
      post.apply(&scores)
    } else if post == .probit {
      scores = scores.map(computeProbit)
    }
    return (scores, choice)
  }

  /// SVC mode: pairwise decision values, votes for the label, then either the coupled
  /// probabilities or the decision values themselves, written into `out` (a row of the output,
  /// as wide as `run` makes it); returns the chosen class.
  ///
  /// The kernel values, decisions, votes and pairwise probabilities are scratch of the call,
  /// on the stack: as arrays they were an allocation and a free each, a tenth of a one-row
  /// SVC's instructions.
  private func svcScores(_ row: ArraySlice<Float>, into out: UnsafeMutableBufferPointer<Float>) -> Int {
    let k = classCount
    let floats = vectorCount + classifierCount + (haveProbabilities ? k * k : 0)
    return withUnsafeTemporaryAllocation(of: Float.self, capacity: floats) { scratch in
      withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { votes in
        scratch.initialize(repeating: 0)
        votes.initialize(repeating: 0)
        let kernel = UnsafeMutableBufferPointer(rebasing: scratch[..<vectorCount])
        let decisions = UnsafeMutableBufferPointer(rebasing: scratch[vectorCount..<(vectorCount + classifierCount)])
        let pairwise = UnsafeMutableBufferPointer(rebasing: scratch[(vectorCount + classifierCount)...])
        function.evaluate(
          row, supportVectors, count: vectorCount, f: featureCount, blocks: supportVectorBlocks, into: kernel)
        var index = 0
        for i in 0..<(k - 1) {
          for j in (i + 1)..<k {
            // Products in Float, sums in Double, as onnxruntime does.
            var sum: Double = 0
            let rowJ = (j - 1) * vectorCount
            for m in 0..<vectorsPerClass[i] {
              let v = startingVector[i] + m
              sum += Double(coefficients[rowJ + v] * kernel[v])
            }
            let rowI = i * vectorCount
            for m in 0..<vectorsPerClass[j] {
              let v = startingVector[j] + m
              sum += Double(coefficients[rowI + v] * kernel[v])
            }
            sum += Double(rho[index])
            decisions[index] = Float(sum)
            votes[sum > 0 ? i : j] += 1
            index += 1
          }
        }
        var choice = 0
        for c in 1..<k where votes[c] > votes[choice] { choice = c }

        if haveProbabilities {
          var index = 0
          for i in 0..<(k - 1) {
            for j in (i + 1)..<k {
              let p = 1 - computeLogistic(decisions[index] * probA[index] + probB[index])
              let clamped = min(max(p, 1e-7), 1 - 1e-7)
              pairwise[i * k + j] = clamped
              pairwise[j * k + i] = 1 - clamped
              index += 1
            }
          }
          coupledProbabilities(k, UnsafeBufferPointer(pairwise), into: out)
          post.apply(out)
          return choice
        }
        if k > 2 {
          for i in 0..<classifierCount { out[i] = decisions[i] }
          post.apply(out)
          return choice
        }
        // Binary without probabilities: onnxruntime writes a second column.
        let s = decisions[0]
        switch post {
        case .probit: (out[0], out[1]) = (computeProbit(s), 0)
        case .none: (out[0], out[1]) = (-s, s)
        default: (out[0], out[1]) = (1 - s, s)
        }
        return choice
      }
    }
  }
}

/// libsvm's pairwise coupling (Wu, Lin and Weng, method 2) in Float, as onnxruntime's
/// `multiclass_probability`: `r[i·k + j]` is the probability that class i beats class j; the
/// k class probabilities are written into `p`.
func coupledProbabilities(_ k: Int, _ r: UnsafeBufferPointer<Float>, into p: UnsafeMutableBufferPointer<Float>) {
  withUnsafeTemporaryAllocation(of: Float.self, capacity: k * k + k) { scratch in
    scratch.initialize(repeating: 0)
    coupledProbabilities(
      k, r, q: UnsafeMutableBufferPointer(rebasing: scratch[..<(k * k)]),
      qp: UnsafeMutableBufferPointer(rebasing: scratch[(k * k)...]), p: p)
  }
}

/// `coupledProbabilities(_:_:into:)` with its scratch: `q` (k × k) and `qp` (k), zeros.
private func coupledProbabilities(
  _ k: Int, _ r: UnsafeBufferPointer<Float>, q: UnsafeMutableBufferPointer<Float>,
  qp: UnsafeMutableBufferPointer<Float>, p: UnsafeMutableBufferPointer<Float>
) {
  let eps: Float = 0.005 / Float(k)
  for i in 0..<k {
    p[i] = 1 / Float(k)
    for j in 0..<i {
      q[i * k + i] += r[j * k + i] * r[j * k + i]
      q[i * k + j] = q[j * k + i]
    }
    for j in (i + 1)..<k {
      q[i * k + i] += r[j * k + i] * r[j * k + i]
      q[i * k + j] = -r[j * k + i] * r[i * k + j]
    }
  }
  for _ in 0..<100 {
    var pqp: Float = 0
    for i in 0..<k {
      qp[i] = 0
      for j in 0..<k { qp[i] += q[i * k + j] * p[j] }
      pqp += p[i] * qp[i]
    }
    var maxError: Float = 0
    for i in 0..<k {
      let error = abs(qp[i] - pqp)
      if error > maxError { maxError = error }
    }
    if maxError < eps { break }
    for i in 0..<k {
      let diff = (-qp[i] + pqp) / q[i * k + i]
      p[i] += diff
      pqp = (pqp + diff * (diff * q[i * k + i] + 2 * qp[i])) / (1 + diff) / (1 + diff)
      for j in 0..<k {
        qp[j] = (qp[j] + diff * q[i * k + j]) / (1 + diff)
        p[j] /= (1 + diff)
      }
    }
  }
}
