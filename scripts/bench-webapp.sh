#!/usr/bin/env bash
# The web app in a real browser: time from navigation to the first prediction shown, and
# from an input change to the updated answer, for fathom's app (`fathom serve iris`) beside
# a Streamlit app doing the same (scripts/peers/streamlit_iris.py: the same iris model,
# onnxruntime, four number inputs, the label and the probabilities). Headless Chromium
# (Debian's /usr/bin/chromium and /usr/bin/chromedriver) driven over WebDriver by
# scripts/peers/webapp_timing.py, which reads the times in the page (Performance API).
# Everything listens on 127.0.0.1 only. Prints a markdown table; with OUT=docs/PERFORMANCE.md
# it also writes the table into that report between the bench-webapp markers.
#
#   FATHOM_BINARY=.build-release/release/fathom scripts/bench-webapp.sh
#   NAVIGATIONS=20 CHANGES=50 LABEL="release build" OUT=docs/PERFORMANCE.md FATHOM_BINARY=... scripts/bench-webapp.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
FATHOM_BINARY=${FATHOM_BINARY:-.build-release/release/fathom}
VENV=${VENV:-.build/venv-webapp}
REQS=scripts/peers/requirements-webapp.txt
NAVIGATIONS=${NAVIGATIONS:-20}   # per app, each of cold and warm cache
CHANGES=${CHANGES:-50}           # per app (and per fathom control)
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
log() { printf '%s\n' "bench-webapp: $*" >&2; }

[ -x "$FATHOM_BINARY" ] || { log "no fathom binary at $FATHOM_BINARY (set FATHOM_BINARY)"; exit 1; }
[ -x "$CHROMEDRIVER" ] && [ -x /usr/bin/chromium ] || { log "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"; exit 1; }
case "$FATHOM_BINARY" in
  */debug/*) default_label="debug build" ;;
  */release/*) default_label="release build" ;;
  *) default_label="fathom at $FATHOM_BINARY" ;;
esac
LABEL=${LABEL:-$default_label}

# The venv, (re)installed when the pinned requirements change.
if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$REQS" "$VENV/requirements-webapp.txt"; then
  log "installing $REQS into $VENV"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  timeout 900 "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQS" >&2
  cp "$REQS" "$VENV/requirements-webapp.txt"
fi
PY="$VENV/bin/python"

WORK=$(mktemp -d /tmp/bench-webapp.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  # Each server runs in a process group of its own (setsid), so its children
  # (Chromium under chromedriver, Streamlit's workers) go with it.
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ]; then
    for f in "$WORK"/*.log; do [ -s "$f" ] && { log "--- $(basename "$f") (last lines)"; tail -n 20 "$f" >&2; }; done
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Three free loopback ports.
read -r P_FATHOM P_STREAMLIT P_DRIVER < <("$PY" - <<'PY'
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
for s in socks: s.close()
PY
)

start() { # name, command...: starts it in its own process group, logging to $WORK/name.log
  local name=$1; shift
  setsid "$@" >"$WORK/$name.log" 2>&1 < /dev/null &
  pids+=($!)
}
wait_for() { # name, url: up to 60 s for the url to answer 200
  local name=$1 url=$2
  for _ in $(seq 300); do
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  log "$name did not answer $url within 60 s"; return 1
}

log "fathom ($LABEL: $FATHOM_BINARY) on 127.0.0.1:$P_FATHOM, Streamlit on 127.0.0.1:$P_STREAMLIT, chromedriver on 127.0.0.1:$P_DRIVER"
start fathom "$FATHOM_BINARY" serve iris --host 127.0.0.1 --port "$P_FATHOM" --no-access-log --drain-delay 0
start streamlit "$VENV/bin/streamlit" run scripts/peers/streamlit_iris.py \
  --server.address 127.0.0.1 --server.port "$P_STREAMLIT" --server.headless true \
  --browser.gatherUsageStats false --server.fileWatcherType none --server.runOnSave false \
  --global.developmentMode false
start chromedriver "$CHROMEDRIVER" --port="$P_DRIVER"
wait_for fathom "http://127.0.0.1:$P_FATHOM/ready"
wait_for streamlit "http://127.0.0.1:$P_STREAMLIT/_stcore/health"
wait_for chromedriver "http://127.0.0.1:$P_DRIVER/status"

# Bounded: each app has --budget seconds, each answer --timeout; the whole run 30 minutes.
timeout 1800 "$PY" scripts/peers/webapp_timing.py \
  --webdriver "http://127.0.0.1:$P_DRIVER" \
  --fathom "http://127.0.0.1:$P_FATHOM/" --streamlit "http://127.0.0.1:$P_STREAMLIT/" \
  --navigations "$NAVIGATIONS" --changes "$CHANGES" --label "$LABEL" \
  --timeout 20 --budget 800 --json "$WORK/samples.json" | tee "$WORK/block.md"
if [ -n "${KEEP_JSON:-}" ]; then cp "$WORK/samples.json" "$KEEP_JSON"; fi
if [ -n "${OUT:-}" ]; then
  scripts/write-report-block.sh bench-webapp "$WORK/block.md" "$OUT" "Web app: fathom vs Streamlit in Chromium"
fi
