#!/usr/bin/env bash
# Start-up: fathom (release) opening the embedded iris model and reading its first (empty)
# input, against `ipython -c pass` — the REPL a data scientist would otherwise open — and
# the time to replay and check each transcript in sessions/. hyperfine runs each command
# repeatedly and reports the mean. Writes the table into docs/PERFORMANCE.md between the
# bench-startup markers.
#
#   scripts/bench-startup.sh       # or: make bench-startup
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SCRATCH=${SCRATCH:-.build-release}
FATHOM=${FATHOM:-$SCRATCH/release/fathom}
VENV=${VENV:-.venv-peers}
OUT=${OUT:-docs/PERFORMANCE.md}
RESULTS=$(mktemp -d /tmp/bench-startup.XXXXXX)
trap 'rm -rf "$RESULTS"' EXIT
log() { printf '%s\n' "bench-startup: $*" >&2; }

command -v hyperfine >/dev/null || { log "hyperfine is missing (make bench-deps installs it)"; exit 1; }
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building fathom (release, $SCRATCH)"
  # shellcheck disable=SC2046
  swift build -c release --scratch-path "$SCRATCH" $(scripts/release-flags.sh) --product fathom >&2
fi
if [ ! -x "$VENV/bin/ipython" ]; then
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  timeout 600 "$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/peers/requirements-startup.txt >&2
fi

# A state directory of its own, so no autosave or history from a person's sessions is read.
export XDG_STATE_HOME="$RESULTS/state"
hyperfine --warmup 3 --runs 30 --export-json "$RESULTS/start.json" \
  -n "fathom (iris, first prompt)" "$FATHOM < /dev/null" \
  -n "ipython -c pass" "$VENV/bin/ipython -c pass" >&2
replays=()
for f in sessions/*.fathom; do replays+=(-n "replay --check $(basename "$f")" "$FATHOM replay --check $f"); done
hyperfine --warmup 2 --runs 20 --export-json "$RESULTS/replay.json" "${replays[@]}" >&2

python3 - "$RESULTS" <<'PY'
import json, pathlib, sys, datetime
results = pathlib.Path(sys.argv[1])
start = json.loads((results / "start.json").read_text())["results"]
replay = json.loads((results / "replay.json").read_text())["results"]
ms = lambda s: f"{s * 1e3:.1f} ms"
f, i = start[0], start[1]
lines = [f"Measured {datetime.date.today().isoformat()} with `make bench-startup` (`scripts/bench-startup.sh`, hyperfine, mean ± σ of 30 runs).", "",
         "| command | time | ratio |", "|---|---|---|",
         f"| `fathom < /dev/null` (release; loads the embedded iris model, reads its first input, exits) | {ms(f['mean'])} ± {ms(f['stddev'])} | 1 |",
         f"| `ipython -c pass` (IPython 8) | {ms(i['mean'])} ± {ms(i['stddev'])} | {i['mean'] / f['mean']:.0f}× slower |", "",
         "| replay | time |", "|---|---|"]
for r in replay:
    lines.append(f"| `fathom {r['command'].split('/release/fathom ', 1)[-1]}` | {ms(r['mean'])} ± {ms(r['stddev'])} |")
block = "\n".join(lines)
(results / "block.md").write_text(block + "\n")
print(block)
PY
scripts/write-report-block.sh bench-startup "$RESULTS/block.md" "$OUT" "Start-up: fathom vs IPython"
