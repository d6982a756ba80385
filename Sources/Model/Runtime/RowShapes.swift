/// The shapes `[n]` and `[n, width]` of a kernel's per-row outputs, built once for a single
/// row: allocating a small array costs more than a small model's arithmetic, and a request
/// for one prediction is the common call.
struct RowShapes: Sendable {
  private let width: Int
  private let oneRow: [Int]
  private let oneRowMatrix: [Int]

  init(width: Int) {
    self.width = width
    oneRow = [1]
    oneRowMatrix = [1, width]
  }

  /// `[n]`.
  func rows(_ n: Int) -> [Int] { n == 1 ? oneRow : [n] }

  /// `[n, width]`.
  func matrix(_ n: Int, width: Int) -> [Int] { n == 1 && width == self.width ? oneRowMatrix : [n, width] }
}
