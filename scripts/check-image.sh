#!/usr/bin/env bash
# Tests the image `make image` built, the way this machine allows (podman can build here but
# not run containers): `podman create` + `podman export` its root filesystem, then run the
# image's entrypoint under chroot, as the image's user, with nothing but that filesystem; check
# /ready and a prediction over loopback. Needs root (chroot, and mounting /proc as a container
# runtime does).
set -euo pipefail
IMAGE=${IMAGE:-fathom:latest}
PORT=${PORT:-18099}
log() { printf 'check-image: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { log "needs root for chroot"; exit 1; }
root=$(mktemp -d /tmp/fathom-rootfs.XXXXXX)
chmod 755 "$root"  # the image's user must be able to enter it
container=""
server=""
cleanup() {
  [ -n "$server" ] && kill -KILL "$server" 2>/dev/null || true
  umount "$root/proc" 2>/dev/null || true
  [ -n "$container" ] && podman rm -f "$container" >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT

container=$(podman create "$IMAGE")
podman export "$container" | tar -x -C "$root"
entrypoint=$(podman image inspect "$IMAGE" --format '{{json .Config.Entrypoint}}')
user=$(podman image inspect "$IMAGE" --format '{{.Config.User}}')
log "root filesystem: $(find "$root" -type f | wc -l) files, $(du -sh "$root" | cut -f1); entrypoint $entrypoint; user $user"
[ "$entrypoint" = '["/fathom","serve","--host","0.0.0.0"]' ] || { log "unexpected entrypoint"; exit 1; }
# /proc, as every container runtime mounts it (the Swift runtime reads it at start: without it
# fathom traps before main). Nothing else from the host.
mkdir -p "$root/proc"
mount -t proc proc "$root/proc"
# The entrypoint with 127.0.0.1 instead of 0.0.0.0 (the last --host wins), and no drain delay.
env -i "$(command -v chroot)" --userspec="$user" "$root" /fathom serve --host 0.0.0.0 --host 127.0.0.1 --port "$PORT" --drain-delay 0 &
server=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { log "the entrypoint exited"; exit 1; }
  sleep 0.1
done
ready=$(curl -sf "http://127.0.0.1:$PORT/ready")
answer=$(curl -sf "http://127.0.0.1:$PORT/predict" -H 'Content-Type: application/json' \
  -d '{"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3}')
log "/ready: $ready"
log "/predict: $answer"
case "$answer" in
  *'"label":"virginica"'*) ;;
  *) log "unexpected prediction"; exit 1 ;;
esac
kill -TERM "$server"
wait "$server"
status=$?
server=""
[ "$status" = 0 ] || { log "exit status $status after SIGTERM"; exit 1; }
log "ok: the image serves from its own files alone, as user $user, and exits 0 on SIGTERM"
