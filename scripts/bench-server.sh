#!/usr/bin/env bash
# Serves the embedded iris model with `fathom serve` and with the stack it replaces
# (FastAPI + Pydantic v2 + onnxruntime, scripts/peers/fastapi_app.py) under uvicorn (one
# worker) and under gunicorn (two uvicorn workers), loads each with wrk, and writes the
# table into docs/PERFORMANCE.md between the bench-server markers.
#
#   scripts/bench-server.sh                # or: make bench-server
#   DURATION=5 CONNECTIONS="1 64" scripts/bench-server.sh
#   FATHOM=path/to/fathom SKIP_BUILD=1 scripts/bench-server.sh   # an already built binary
#
# Measured per server: cold start (process spawn to the first answered GET /health, polled
# with curl; median of COLD_RUNS starts), requests/s and p50/p99 latency of POST /predict at
# each connection count (wrk --latency, 2 threads), errors (non-2xx and socket errors), and
# peak RSS (VmHWM from /proc, summed over the server's processes). Everything binds 127.0.0.1
# and every step is bounded in time; whatever this script starts, it stops.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

DURATION=${DURATION:-10}                # seconds per wrk run
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
WARMUP=${WARMUP:-2}                     # seconds of load before measuring
COLD_RUNS=${COLD_RUNS:-5}
SCRATCH=${SCRATCH:-.build-release}      # never the default .build: others build there
FATHOM=${FATHOM:-$SCRATCH/release/fathom}
VENV=${VENV:-.venv-peers}
OUT=${OUT:-docs/PERFORMANCE.md}
RESULTS=$(mktemp -d /tmp/bench-server.XXXXXX)
PAYLOAD='{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}'

log() { printf '%s\n' "bench-server: $*" >&2; }
die() { log "$*"; exit 1; }

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (make bench-deps installs wrk)"
done

# --- what is compared -------------------------------------------------------------------
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building fathom (release, $SCRATCH)"
  # The Swift runtime and Foundation linked in: one self-contained binary that starts faster,
  # maps less and calls retain/release without the PLT (about +25% requests/s here).
  # shellcheck disable=SC2046
  timeout 3600 swift build -c release --scratch-path "$SCRATCH" $(scripts/release-flags.sh) --product fathom >&2
fi
[ -x "$FATHOM" ] || die "no fathom binary at $FATHOM"

if [ ! -x "$VENV/bin/pip" ]; then
  log "creating $VENV"
  python3 -m venv "$VENV"
fi
# A no-op when the pinned versions are already there.
timeout 900 "$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/peers/requirements.txt >&2

# --- processes --------------------------------------------------------------------------
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The server command for a name, on a port.
server_command() {
  local name=$1 port=$2
  case $name in
    fathom) echo "$FATHOM serve iris --host 127.0.0.1 --port $port --drain-delay 0" ;;
    uvicorn) echo "$VENV/bin/uvicorn --app-dir scripts/peers fastapi_app:app --host 127.0.0.1 --port $port --workers 1" ;;
    gunicorn) echo "$VENV/bin/gunicorn --chdir scripts/peers -w 2 -k uvicorn.workers.UvicornWorker -b 127.0.0.1:$port fastapi_app:app" ;;
  esac
}

now_ns() { date +%s%N; }

# Starts a server in the background; sets STARTED_PID and COLD_MS (spawn to first /health 200).
start_server() {
  local name=$1 port=$2 logfile=$3 t0 deadline
  t0=$(now_ns)
  # shellcheck disable=SC2046
  $(server_command "$name" "$port") >"$logfile" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  deadline=$((t0 + 30000000000))
  until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/health"; do
    kill -0 "$STARTED_PID" 2>/dev/null || { cat "$logfile" >&2; die "$name exited before answering /health"; }
    [ "$(now_ns)" -lt "$deadline" ] || { cat "$logfile" >&2; die "$name did not answer /health within 30 s"; }
    sleep 0.002
  done
  COLD_MS=$(( ($(now_ns) - t0) / 1000 ))  # microseconds, formatted below
  COLD_MS=$(awk -v us="$COLD_MS" 'BEGIN { printf "%.1f", us / 1000 }')
}

stop_server() {
  local pid=$1 keep=() p
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}

# Peak resident memory of a process and its children, in MiB.
peak_rss_mib() {
  local pid=$1 total=0 p kb
  for p in $pid $(pgrep -P "$pid" || true); do
    kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  awk -v kb="$total" 'BEGIN { printf "%.1f", kb / 1024 }'
}

# Anonymous resident memory (heap, stacks: what the process itself allocated, without the
# pages of its executable and libraries) of a process and its children now, in MiB.
anon_rss_mib() {
  local pid=$1 total=0 p kb
  for p in $pid $(pgrep -P "$pid" || true); do
    kb=$(awk '/^RssAnon:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  awk -v kb="$total" 'BEGIN { printf "%.1f", kb / 1024 }'
}

# wrk latency like "812.00us", "1.20ms" or "1.01s", in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else printf "?" }'
}

run_wrk() {
  local port=$1 conns=$2 seconds=$3 threads=2
  [ "$conns" -lt "$threads" ] && threads=$conns
  timeout $((seconds + 30)) wrk -t "$threads" -c "$conns" -d "${seconds}s" --timeout 5s --latency \
    -s scripts/peers/predict.lua "http://127.0.0.1:$port"
}

load_average() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_BEFORE=$(load_average)

SERVERS=(fathom uvicorn gunicorn)
declare -A LABEL=([fathom]="fathom" [uvicorn]="uvicorn (1 worker)" [gunicorn]="gunicorn + 2 uvicorn workers")
declare -A RPS P50 P99 ERR COLD RSS ANON

for name in "${SERVERS[@]}"; do
  port=$(free_port)
  # Cold start: the median of several fresh starts.
  colds=()
  for i in $(seq "$COLD_RUNS"); do
    start_server "$name" "$port" "$RESULTS/$name.log"
    colds+=("$COLD_MS")
    stop_server "$STARTED_PID"
  done
  COLD[$name]=$(printf '%s\n' "${colds[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  log "$name: cold start ${COLD[$name]} ms (of: ${colds[*]})"

  start_server "$name" "$port" "$RESULTS/$name.log"
  pid=$STARTED_PID
  answer=$(curl -sf --max-time 5 -H 'Content-Type: application/json' -d "$PAYLOAD" "http://127.0.0.1:$port/predict") \
    || die "$name did not answer POST /predict"
  case $answer in *'"label":"setosa"'*) ;; *) die "$name answered $answer" ;; esac
  [ "$WARMUP" -gt 0 ] && run_wrk "$port" 16 "$WARMUP" >/dev/null
  for c in $CONNECTIONS; do
    out=$(run_wrk "$port" "$c" "$DURATION")
    printf '%s\n' "$out" >"$RESULTS/$name-$c.txt"
    RPS[$name,$c]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
    P50[$name,$c]=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    P99[$name,$c]=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    ERR[$name,$c]=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")
    log "$name, $c connections: ${RPS[$name,$c]} req/s, p50 ${P50[$name,$c]} ms, p99 ${P99[$name,$c]} ms, errors ${ERR[$name,$c]}"
  done
  RSS[$name]=$(peak_rss_mib "$pid")
  ANON[$name]=$(anon_rss_mib "$pid")
  log "$name: peak RSS ${RSS[$name]} MiB, anonymous RSS after load ${ANON[$name]} MiB"
  stop_server "$pid"
done

LOAD_AFTER=$(load_average)

# --- the table ----------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "–"; else printf "%.2f×", a / b }'; }

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
fathom_version=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
block=$RESULTS/block.md
{
  echo "## HTTP serving: fathom vs FastAPI"
  echo
  echo "\`POST /predict\` with one iris flower as JSON (\`scripts/peers/predict.lua\`), answered by"
  echo "\`fathom serve iris\` and by the FastAPI + Pydantic v2 + onnxruntime app it replaces"
  echo "(\`scripts/peers/fastapi_app.py\`, versions in \`scripts/peers/requirements.txt\`), each with its"
  echo "default logging. wrk, 2 threads (1 for 1 connection), ${DURATION} s per row after ${WARMUP} s of"
  echo "warm-up, on the same $(nproc) cores as the servers, over loopback. Ratios are fathom ÷ the other."
  echo "Load average before and after the run: $LOAD_BEFORE / $LOAD_AFTER (other work on the machine"
  echo "makes every number noisier; compare ratios from one run)."
  echo "Machine: $(nproc) cores, $cpu."
  echo
  if [ -n "${SKIP_BUILD:-}" ]; then
    echo "Measured $(date -u +%Y-%m-%d) with \`SKIP_BUILD=1 scripts/bench-server.sh\` on a prebuilt \`$FATHOM\` (the tree was at \`$fathom_version\`)."
  else
    echo "Measured $(date -u +%Y-%m-%d) at commit \`$fathom_version\` with \`make bench-server\` (\`scripts/bench-server.sh\`)."
  fi
  echo
  echo "| connections | server | requests/s | p50 ms | p99 ms | errors | req/s ratio | p99 ratio |"
  echo "|---:|---|---:|---:|---:|---:|---:|---:|"
  for c in $CONNECTIONS; do
    for name in "${SERVERS[@]}"; do
      if [ "$name" = fathom ]; then
        r="vs uvicorn $(ratio "${RPS[fathom,$c]}" "${RPS[uvicorn,$c]}"), vs gunicorn $(ratio "${RPS[fathom,$c]}" "${RPS[gunicorn,$c]}")"
        l="vs uvicorn $(ratio "${P99[fathom,$c]}" "${P99[uvicorn,$c]}"), vs gunicorn $(ratio "${P99[fathom,$c]}" "${P99[gunicorn,$c]}")"
      else
        r=""; l=""
      fi
      echo "| $c | ${LABEL[$name]} | ${RPS[$name,$c]} | ${P50[$name,$c]} | ${P99[$name,$c]} | ${ERR[$name,$c]} | $r | $l |"
    done
  done
  echo
  echo "| server | cold start to first /health, ms (median of $COLD_RUNS) | peak RSS, MiB (all processes) | RSS ratio | anonymous RSS after load, MiB | ratio |"
  echo "|---|---:|---:|---:|---:|---:|"
  for name in "${SERVERS[@]}"; do
    if [ "$name" = fathom ]; then
      r="vs uvicorn $(ratio "${RSS[fathom]}" "${RSS[uvicorn]}"), vs gunicorn $(ratio "${RSS[fathom]}" "${RSS[gunicorn]}")"
      a="vs uvicorn $(ratio "${ANON[fathom]}" "${ANON[uvicorn]}"), vs gunicorn $(ratio "${ANON[fathom]}" "${ANON[gunicorn]}")"
    else
      r=""; a=""
    fi
    echo "| ${LABEL[$name]} | ${COLD[$name]} | ${RSS[$name]} | $r | ${ANON[$name]} | $a |"
  done
  echo
  echo "Peak RSS is VmHWM from /proc, summed over the server's processes; it counts the pages of the"
  echo "executable and shared libraries each process touched (for fathom, mostly its statically linked"
  echo "code), so the anonymous RSS (heap and stacks, RssAnon) is shown beside it."
} >"$block"

scripts/write-report-block.sh bench-server "$block" "$OUT"
log "wrote $OUT (raw wrk output in $RESULTS)"
cat "$block"
