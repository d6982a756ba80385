/// How a tree node compares a feature with its threshold.
enum BranchMode: UInt8, Sendable {
  case leq, lt, gte, gt, eq, neq, member, leaf

  /// The mode for an opset-1/3 `nodes_modes` string; onnxruntime reads any unknown string as NEQ.
  init(name: String) {
    switch name {
    case "BRANCH_LEQ": self = .leq
    case "BRANCH_LT": self = .lt
    case "BRANCH_GTE": self = .gte
    case "BRANCH_GT": self = .gt
    case "BRANCH_EQ": self = .eq
    case "LEAF": self = .leaf
    default: self = .neq
    }
  }
}
