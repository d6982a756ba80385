#!/usr/bin/env bash
# fathom's runtime against onnxruntime on the same zoo models and rows: single-row latency
# (the cost of one request) and 10,000-row batch time, one measurement run after the other
# on the same machine. Writes the table into docs/PERFORMANCE.md between the bench-model
# markers.
#
#   scripts/bench-model.sh              # or: make bench-model
#   SECONDS_EACH=1 MODELS="iris_logreg_nozipmap digits_mlp" scripts/bench-model.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

MODELS=${MODELS:-"iris_logreg_nozipmap iris_logreg breast_cancer_rf diabetes_hgb digits_mlp breast_cancer_xgb wine_lgbm diabetes_torch_mlp digits_torch_conv1d breast_cancer_svc digits_bernoullinb iris_knn"}
SECONDS_EACH=${SECONDS_EACH:-2}
BATCH=${BATCH:-10000}
SCRATCH=${SCRATCH:-.build-release}
FATHOM=${FATHOM:-$SCRATCH/release/fathom}
VENV=${VENV:-.venv-peers}
OUT=${OUT:-docs/PERFORMANCE.md}
RESULTS=$(mktemp -d /tmp/bench-model.XXXXXX)
trap 'rm -rf "$RESULTS"' EXIT

log() { printf '%s\n' "bench-model: $*" >&2; }

if [ -z "${SKIP_BUILD:-}" ]; then
  log "building fathom (release, $SCRATCH)"
  # shellcheck disable=SC2046
  swift build -c release --scratch-path "$SCRATCH" $(scripts/release-flags.sh) --product fathom >&2
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import onnxruntime, numpy' 2>/dev/null; then
  log "installing onnxruntime into $VENV (scripts/peers/requirements.txt)"
  python3 -m venv "$VENV"
  timeout 900 "$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/peers/requirements.txt >&2
fi

for m in $MODELS; do
  log "fathom $m"
  "$FATHOM" bench "Tests/Fixtures/zoo/$m.onnx" --inputs "Tests/Fixtures/zoo/$m.expected.json" \
    --batch "$BATCH" --seconds "$SECONDS_EACH" --json >> "$RESULTS/fathom.jsonl"
  log "onnxruntime $m"
  "$VENV/bin/python" scripts/peers/ort_bench.py "$m" --batch "$BATCH" --seconds "$SECONDS_EACH" >> "$RESULTS/ort.jsonl"
done

"$VENV/bin/python" - "$RESULTS" "$BATCH" <<'PY'
import json, pathlib, platform, sys, datetime, subprocess
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
results, batch = pathlib.Path(sys.argv[1]), int(sys.argv[2])
fathom = {r["model"]: r for r in map(json.loads, (results / "fathom.jsonl").read_text().splitlines())}
ort = {}
for r in map(json.loads, (results / "ort.jsonl").read_text().splitlines()):
    ort[(r["model"], r["threads"])] = r
def us(s): return f"{s * 1e6:.2f} µs" if s < 1e-5 else f"{s * 1e6:.1f} µs"  # below 10 µs, two decimals
def ms(s): return f"{s * 1e3:.2f} ms"
lines = [
    f"Measured {datetime.date.today().isoformat()} with `make bench-model` (`scripts/bench-model.sh`): "
    f"median time per `run` call, fathom release build vs onnxruntime 1.32 `InferenceSession.run` from Python, "
    f"same zoo model and rows, at commit `{commit}`. Ratio = onnxruntime time / fathom time (above 1: fathom is faster).",
    "",
    f"| model | 1 row fathom | 1 row ort (1 thread) | ratio | {batch} rows fathom | {batch} rows ort (1 thread) | ratio | {batch} rows ort (all threads) | ratio |",
    "|---|---|---|---|---|---|---|---|---|",
]
for name, f in fathom.items():
    o1, oa = ort[(name, 1)], ort[(name, "all")]
    lines.append(
        f"| {name} | {us(f['single_row_seconds'])} | {us(o1['single_row_seconds'])} | "
        f"{o1['single_row_seconds'] / f['single_row_seconds']:.1f}× | {ms(f['batch_seconds'])} | "
        f"{ms(o1['batch_seconds'])} | {o1['batch_seconds'] / f['batch_seconds']:.2f}× | "
        f"{ms(oa['batch_seconds'])} | {oa['batch_seconds'] / f['batch_seconds']:.2f}× |")
block = "\n".join(lines)
(results / "block.md").write_text(block + "\n")
print(block)
PY
scripts/write-report-block.sh bench-model "$RESULTS/block.md" "$OUT" "Inference: fathom vs onnxruntime"
