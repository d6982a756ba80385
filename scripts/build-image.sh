#!/usr/bin/env bash
# make image: an OCI image of `fathom serve`, built with podman FROM scratch: the release binary
# (stripped; the Swift runtime and Foundation linked in by scripts/release-flags.sh), exactly the
# shared libraries its ldd lists (glibc and the loader, and libedit with libtinfo, libbsd and
# libmd: the one binary holds the notebook too, so they are loaded even to serve), a non-root
# numeric user, and `ENTRYPOINT ["/fathom", "serve", "--host", "0.0.0.0"]`, with the built-in
# models' resource bundle beside the binary. Then scripts/check-image.sh tests it.
#
#   make image                      # IMAGE=fathom:latest
#   IMAGE=registry.example/fathom:1 SKIP_BUILD=1 scripts/build-image.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
IMAGE=${IMAGE:-fathom:latest}
SCRATCH=${SCRATCH:-.build-release}
log() { printf 'image: %s\n' "$*" >&2; }
command -v podman >/dev/null || { log "podman is missing (make image installs it with apt)"; exit 1; }

if [ -z "${SKIP_BUILD:-}" ]; then
  log "building fathom (release, $SCRATCH)"
  # shellcheck disable=SC2046
  timeout 3600 swift build -c release --scratch-path "$SCRATCH" $(scripts/release-flags.sh) --product fathom >&2
fi
binary=$SCRATCH/release/fathom
[ -x "$binary" ] || { log "no binary at $binary"; exit 1; }

stage=$(mktemp -d /tmp/fathom-image.XXXXXX)
trap 'rm -rf "$stage"' EXIT
cp "$binary" "$stage/fathom"
strip "$stage/fathom"
# The ldd closure, at the paths the loader looks in.
libraries=$(ldd "$stage/fathom" | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }' | sort -u)
for lib in $libraries; do
  mkdir -p "$stage/rootfs$(dirname "$lib")"
  cp -L "$lib" "$stage/rootfs$lib"
done
mv "$stage/fathom" "$stage/rootfs/fathom"
# The built-in models (iris, diabetes) are SwiftPM resources of the Model target, looked up
# beside the executable: /fathom_Model.resources.
for bundle in "$SCRATCH"/release/*.resources; do
  [ -d "$bundle" ] && cp -R "$bundle" "$stage/rootfs/"
done
# A writable /tmp for the runtime's temporary files; nothing else is written.
mkdir -m 1777 "$stage/rootfs/tmp"

revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
cat >"$stage/Containerfile" <<EOF
FROM scratch
COPY rootfs/ /
USER 65532:65532
EXPOSE 8000
ENTRYPOINT ["/fathom", "serve", "--host", "0.0.0.0"]
LABEL org.opencontainers.image.title="fathom" \\
      org.opencontainers.image.description="fathom serve: an ONNX model over HTTP (web app, /predict, Open Inference Protocol V2)" \\
      org.opencontainers.image.revision="$revision" \\
      org.opencontainers.image.created="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
EOF
log "libraries: $(echo "$libraries" | xargs -n1 basename | tr '\n' ' ')"
podman build --quiet -t "$IMAGE" -f "$stage/Containerfile" "$stage" >&2
size=$(podman image inspect "$IMAGE" --format '{{.Size}}')
log "built $IMAGE: $((size / 1000000)) MB ($(du -sh "$stage/rootfs/fathom" | cut -f1) of it the binary)"
