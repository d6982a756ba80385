#!/usr/bin/env bash
# Terminal plot rendering: fathom's Plot library against plotext (Python) on the same data at
# 120×40 — a 100,000-point scatter, a 1,000-point line and a 100,000-value histogram, plain
# and in 256 colours. Writes the table into docs/PERFORMANCE.md between the bench-plot markers.
#
#   scripts/bench-plot.sh       # or: make bench-plot
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VENV=${VENV:-.venv-peers}
OUT=${OUT:-docs/PERFORMANCE.md}
WORK=${WORK:-/tmp/fathom-bench-plot}
log() { printf '%s\n' "bench-plot: $*" >&2; }

# A throwaway package that uses the Plot library of this checkout, built in release.
mkdir -p "$WORK/Sources/PlotBench"
cp scripts/bench/plot_main.swift "$WORK/Sources/PlotBench/main.swift"
# A path dependency's identity is its folder's name.
IDENTITY=$(basename "$ROOT" | tr '[:upper:]' '[:lower:]')
cat > "$WORK/Package.swift" <<SWIFT
// swift-tools-version:6.0
import PackageDescription
let package = Package(
  name: "PlotBench", platforms: [.macOS(.v15)],
  dependencies: [.package(path: "$ROOT")],
  targets: [.executableTarget(name: "PlotBench", dependencies: [.product(name: "Plot", package: "$IDENTITY")])]
)
SWIFT
log "building the Plot benchmark (release)"
(cd "$WORK" && swift build -c release --product PlotBench >&2)

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
if ! "$VENV/bin/python" -c 'import plotext' 2>/dev/null; then
  timeout 600 "$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/peers/requirements-plot.txt >&2
fi

"$WORK/.build/release/PlotBench" > "$WORK/fathom.jsonl"
"$VENV/bin/python" scripts/peers/plot_bench.py > "$WORK/plotext.jsonl"

"$VENV/bin/python" - "$WORK" <<'PY'
import json, pathlib, sys, datetime
work = pathlib.Path(sys.argv[1])
f = {(r["case"], r["color"]): r for r in map(json.loads, (work / "fathom.jsonl").read_text().splitlines())}
p = {(r["case"], r["color"]): r for r in map(json.loads, (work / "plotext.jsonl").read_text().splitlines())}
lines = [f"Measured {datetime.date.today().isoformat()} with `make bench-plot` (`scripts/bench-plot.sh`): time to build and render one plot at 120×40, fathom's Plot (release) vs plotext 5.3 (Python). Ratio = plotext / fathom.", "",
         "| plot | colour | fathom | plotext | ratio |", "|---|---|---|---|---|"]
for key, r in f.items():
    q = p.get(key)
    lines.append(f"| {key[0]} | {key[1]} | {r['seconds'] * 1e3:.2f} ms | " + (f"{q['seconds'] * 1e3:.1f} ms | {q['seconds'] / r['seconds']:.0f}× |" if q else "– | – |"))
block = "\n".join(lines)
(work / "block.md").write_text(block + "\n")
print(block)
PY
scripts/write-report-block.sh bench-plot "$WORK/block.md" "$OUT" "Terminal plots: fathom vs plotext"
