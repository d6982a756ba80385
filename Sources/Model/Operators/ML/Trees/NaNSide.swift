/// Where the branch-free walk sends NaN, as a type: see `TreeForest.walkTrees`.
protocol NaNSide { static var low: Bool { get } }
enum NaNGoesLow: NaNSide { static var low: Bool { true } }
enum NaNGoesHigh: NaNSide { static var low: Bool { false } }
