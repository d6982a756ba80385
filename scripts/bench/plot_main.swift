// The Swift side of scripts/bench-plot.sh: time per render at 120×40 of the same data
// scripts/peers/plot_bench.py draws with plotext. Prints one JSON object per case.
import Foundation
import Plot

struct LCG {
  var state: UInt64 = 12345
  mutating func next() -> Double {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(state >> 11) / Double(1 << 53)
  }
}

var lcg = LCG()
var xs: [Double] = []
var ys: [Double] = []
for _ in 0..<100_000 {
  let x = lcg.next() * 10
  xs.append(x)
  ys.append(sin(x) + lcg.next() * 0.5)
}
let lx = (0..<1000).map { Double($0) / 100 }
let cases: [(String, Plot, Int)] = [
  ("scatter 100k points", Plot(kind: .scatter([Series(name: "100k", x: xs, y: ys)]), title: "scatter"), 30),
  ("line 1k points", Plot(kind: .line([Series(name: "1k", x: lx, y: lx.map { sin($0) })]), title: "line"), 200),
  ("histogram 100k values", Plot(kind: .histogram(Histogram(ys)), title: "histogram"), 20),
]
for (name, plot, iterations) in cases {
  for mode in [ColorMode.none, .ansi256] {
    let renderer = TextRenderer(options: RenderOptions(width: 120, height: 40, colorMode: mode))
    var bytes = renderer.render(plot).utf8.count
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<iterations { bytes &+= renderer.render(plot).utf8.count }
    let d = clock.now - start
    let seconds = (Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) / Double(iterations)
    print("{\"case\":\"\(name)\",\"color\":\"\(mode == .none ? "plain" : "256")\",\"seconds\":\(seconds),\"bytes\":\(bytes / (iterations + 1))}")
  }
}
