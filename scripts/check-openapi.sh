#!/usr/bin/env bash
# Starts `fathom serve` on a free loopback port, fetches /openapi.json and validates it
# with openapi-spec-validator (installed into .venv-tools when missing), then stops the server.
#
# Usage: scripts/check-openapi.sh [MODEL]      (default: iris; also try diabetes)
# Env:   FATHOM=path/to/fathom   (default: build it with --scratch-path ${SCRATCH:-.build})
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-iris}"

if [[ -z "${FATHOM:-}" ]]; then
  scratch="${SCRATCH:-.build}"
  swift build --scratch-path "$scratch" --product fathom >&2
  FATHOM="$(swift build --scratch-path "$scratch" --show-bin-path)/fathom"
fi

python=python3
if ! "$python" -c 'import openapi_spec_validator' 2>/dev/null; then
  if [[ ! -x .venv-tools/bin/python ]]; then
    python3 -m venv .venv-tools
  fi
  python=.venv-tools/bin/python
  if ! "$python" -c 'import openapi_spec_validator' 2>/dev/null; then
    .venv-tools/bin/pip install --quiet openapi-spec-validator
  fi
fi

# A free port, chosen by the system.
port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
log="$(mktemp)"
spec="$(mktemp --suffix=.json)"
"$FATHOM" serve "$model" --host 127.0.0.1 --port "$port" --no-access-log --drain-delay 0 >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log" "$spec"' EXIT

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$log" >&2; echo "fathom serve exited early" >&2; exit 1; fi
  sleep 0.1
done

curl -fsS "http://127.0.0.1:$port/openapi.json" -o "$spec"
"$python" -m openapi_spec_validator "$spec"
echo "openapi.json of $model is a valid OpenAPI document"
