#!/usr/bin/env bash
# Loads the same `fathom serve` (embedded iris model) with fathom's own load tester
# (`fathom loadtest`) and with wrk, for the same duration and connection counts, and writes
# the table into docs/PERFORMANCE.md between the loadtest-vs-wrk markers. The two tools
# should agree: requests/s within about 15%, p50 within about 25%.
#
#   scripts/bench-loadtest.sh                # or: make bench-loadtest
#   DURATION=5 CONNECTIONS="1 64" scripts/bench-loadtest.sh
#   SKIP_BUILD=1 scripts/bench-loadtest.sh   # reuse .build-release/release/fathom
#
# Both the server and the load tester are the release build in .build-release (SERVER and
# CLIENT override them). Everything binds 127.0.0.1, every run is bounded in time, and
# whatever this script starts, it stops.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

DURATION=${DURATION:-10}                 # seconds per run
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
WARMUP=${WARMUP:-2}                      # seconds of load before measuring
SCRATCH=${SCRATCH:-.build-release}       # the release build every bench script shares
OUT=${OUT:-docs/PERFORMANCE.md}
RESULTS=$(mktemp -d /tmp/bench-loadtest.XXXXXX)
PAYLOAD='{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}'

log() { printf '%s\n' "bench-loadtest: $*" >&2; }
die() { log "$*"; exit 1; }

command -v wrk >/dev/null || die "wrk is missing (make bench-deps installs it)"

if [ -z "${SKIP_BUILD:-}" ]; then
  log "building fathom (release, $SCRATCH)"
  # shellcheck disable=SC2046
  timeout 3600 swift build -c release --scratch-path "$SCRATCH" $(scripts/release-flags.sh) --product fathom >&2
fi
SERVER=${SERVER:-$SCRATCH/release/fathom}
CLIENT=${CLIENT:-$SERVER}
[ -x "$SERVER" ] || die "$SERVER is missing: build it, or unset SKIP_BUILD"
build_of() { case "$1" in *release*) echo release ;; *) echo debug ;; esac; }

# --- the server ---------------------------------------------------------------------------
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT/predict"
"$SERVER" serve iris --host 127.0.0.1 --port "$PORT" --no-access-log --drain-delay 0 >"$RESULTS/serve.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || die "the server did not start (see $RESULTS/serve.log)"

cat >"$RESULTS/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$PAYLOAD'
wrk.headers["Content-Type"] = "application/json"
LUA

to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else print "–" }'
}

declare -A RPS P50 P99 ERR
for c in $CONNECTIONS; do
  threads=$(( c < 2 ? 1 : 2 ))
  log "warm-up, $c connections"
  timeout $((WARMUP + 30)) wrk -t"$threads" -c"$c" -d"${WARMUP}s" -s "$RESULTS/post.lua" "$URL" >/dev/null

  log "wrk, $c connections, ${DURATION}s"
  out=$(timeout $((DURATION + 30)) wrk -t"$threads" -c"$c" -d"${DURATION}s" --latency -s "$RESULTS/post.lua" "$URL")
  printf '%s\n' "$out" >"$RESULTS/wrk-$c.txt"
  RPS[wrk,$c]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  P50[wrk,$c]=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  P99[wrk,$c]=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  ERR[wrk,$c]=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")

  log "fathom loadtest, $c connections, ${DURATION}s"
  out=$(timeout $((DURATION + 30)) "$CLIENT" loadtest "$URL" --connections "$c" --duration "$DURATION" --body "$PAYLOAD" --no-plots </dev/null)
  printf '%s\n' "$out" >"$RESULTS/loadtest-$c.txt"
  RPS[fathom,$c]=$(awk '$1 == "responses" { for (i = 1; i < NF; i++) if ($i == "req/s") { v = $(i + 1); sub(/,$/, "", v); printf "%.0f", v } }' <<<"$out")
  P50[fathom,$c]=$(awk '$1 == "latency" { for (i = 1; i < NF; i++) if ($i == "p50") { v = $(i + 1); sub(/,$/, "", v); printf "%.3f", v } }' <<<"$out")
  P99[fathom,$c]=$(awk '$1 == "latency" { for (i = 1; i < NF; i++) if ($i == "p99") { v = $(i + 1); sub(/,$/, "", v); printf "%.3f", v } }' <<<"$out")
  ERR[fathom,$c]=$(awk '$1 == "responses" { for (i = 1; i < NF; i++) if ($i == "errors") { v = $(i + 1); sub(/,$/, "", v); print v } }' <<<"$out")
done

# --- the table ----------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "–"; else printf "%+.0f%%", (a / b - 1) * 100 }'; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
block="$RESULTS/block.md"
{
  echo "## fathom loadtest against wrk"
  echo
  echo "Both tools load the same \`fathom serve iris\` ($(build_of "$SERVER") build) with \`POST /predict\`, keep-alive,"
  echo "closed loop, for ${DURATION} s per run after ${WARMUP} s of warm-up; $(nproc) cores shared by the server and the"
  echo "load generator, $cpu. fathom's load tester is the $(build_of "$CLIENT") build. The last column is fathom"
  echo "against wrk (the target: requests/s within 15%, p50 within 25%). Regenerate with \`make bench-loadtest\`"
  echo "(\`scripts/bench-loadtest.sh\`)."
  echo
  echo '```'
  echo "fathom serve iris --port PORT --no-access-log"
  echo "wrk -t2 -cC -d${DURATION}s --latency -s post.lua http://127.0.0.1:PORT/predict     # -t1 for 1 connection"
  echo "fathom loadtest http://127.0.0.1:PORT/predict --connections C --duration ${DURATION} --body '$PAYLOAD'"
  echo '```'
  echo
  echo "| connections | tool | requests/s | p50 ms | p99 ms | errors | fathom vs wrk |"
  echo "|---:|---|---:|---:|---:|---:|---|"
  for c in $CONNECTIONS; do
    echo "| $c | wrk | ${RPS[wrk,$c]} | ${P50[wrk,$c]} | ${P99[wrk,$c]} | ${ERR[wrk,$c]} | |"
    echo "| $c | fathom loadtest | ${RPS[fathom,$c]} | ${P50[fathom,$c]} | ${P99[fathom,$c]} | ${ERR[fathom,$c]} | req/s $(ratio "${RPS[fathom,$c]}" "${RPS[wrk,$c]}"), p50 $(ratio "${P50[fathom,$c]}" "${P50[wrk,$c]}") |"
  done
} >"$block"

scripts/write-report-block.sh loadtest-vs-wrk "$block" "$OUT"
log "wrote $OUT (raw outputs in $RESULTS)"
cat "$block"
