import Foundation
import Model
import Testing

/// A deterministic mutation fuzzer over the zoo: flipped bits, overwritten and dropped bytes,
/// truncations and splices. Every mutant must either fail to load with a `ModelError` or load
/// and then predict or fail with one — never crash. `make fuzz` runs it for longer
/// (FUZZ_MUTATIONS per model, default 40 here).
@Suite("Mutated model files never crash the loader or the runtime")
struct FuzzTests {
  /// SplitMix64: a small seeded generator, so a failing mutant can be reproduced.
  struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static var mutationsPerModel: Int {
    Int(ProcessInfo.processInfo.environment["FUZZ_MUTATIONS"] ?? "") ?? 40
  }

  static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
    var b = bytes
    guard !b.isEmpty else { return b }
    switch rng.next() % 6 {
    case 0:
      for _ in 0..<(1 + Int(rng.next() % 8)) {
        let i = Int(rng.next() % UInt64(b.count))
        b[i] ^= UInt8(1 << (rng.next() % 8))
      }
    case 1:
      let i = Int(rng.next() % UInt64(b.count))
      b[i] = [0x00, 0xFF, 0x7F, 0x80, 0x08, 0x0A][Int(rng.next() % 6)]
    case 2:
      b = Array(b.prefix(Int(rng.next() % UInt64(b.count))))
    case 3:
      let i = Int(rng.next() % UInt64(b.count))
      let n = min(b.count - i, 1 + Int(rng.next() % 16))
      b.removeSubrange(i..<(i + n))
    case 4:
      let i = Int(rng.next() % UInt64(b.count))
      let j = Int(rng.next() % UInt64(b.count))
      let n = min(b.count - max(i, j), 1 + Int(rng.next() % 32))
      b.replaceSubrange(i..<(i + n), with: b[j..<(j + n)])
    default:
      // A varint that claims a huge length, where length-delimited fields live.
      let i = Int(rng.next() % UInt64(b.count))
      b.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], at: i)
    }
    return b
  }

  @Test("mutants of every zoo model fail cleanly or predict", arguments: ZooCase.all)
  func mutants(_ zoo: ZooCase) throws {
    let original = try [UInt8](Data(contentsOf: zoo.modelURL))
    let expected = try zoo.expected()
    let inputs = try (expected["inputs"] as? [String: [String: Any]] ?? [:]).mapValues(jsonTensor)
    var rng = SplitMix(state: UInt64(original.count) &* 2_654_435_761)
    var loaded = 0
    // Bounded in count and in time: at most 20 seconds per model however slow the machine.
    let deadline = ContinuousClock.now.advanced(by: .seconds(20))
    for _ in 0..<Self.mutationsPerModel where ContinuousClock.now < deadline {
      let mutant = Self.mutate(original, &rng)
      guard let model = try? Model(data: Data(mutant), name: zoo.name) else { continue }
      loaded += 1
      // Whatever loads must run, or fail with a ModelError.
      _ = try? model.run(inputs)
    }
    #expect(loaded <= Self.mutationsPerModel)
  }
}
