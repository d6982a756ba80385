#!/usr/bin/env bash
# Validates everything in deploy/ strictly, and fails on the first kind of failure it finds
# (after running every check, so one run lists them all).
#
#   scripts/check-deploy.sh          # or: make check-deploy
#   K8S_VERSIONS="1.31 1.37" scripts/check-deploy.sh
#   REQUIRE_ALL=1 scripts/check-deploy.sh   # a missing tool (kubectl, nginx, …) fails too
#
# What is checked, and how:
#   1. Kubernetes (deploy/kubernetes): each kustomization (the base and every overlay) is
#      rendered with `kubectl kustomize` (or `kustomize build`), and every rendered resource is
#      validated with `kubernetes-validate --strict` (unknown fields and wrong types fail) for
#      each Kubernetes version in K8S_VERSIONS; a resource kind it has no schema for fails too.
#      Then fathom's own rules (scripts/check_deploy.py policy): probes on /ready and /health,
#      the security context, resources, args that are real `fathom serve` options, the
#      Prometheus annotations, and that the Service, HPA and PDB select the Deployment's pods.
#      Without kubectl or kustomize, the resource files each kustomization names are validated
#      one by one instead, and the overlays' patches and transformations are NOT checked (the
#      script says so; with REQUIRE_ALL=1 that fails). Every YAML file under deploy/kubernetes
#      must be named by some kustomization, so none escapes validation.
#   2. KServe (deploy/kserve): kubernetes-validate has no schemas for KServe's custom resources,
#      so scripts/check_deploy.py kserve checks them against a schema written from KServe's API
#      (v0.20.0 types, 0.16 docs), with the pod and container parts checked against
#      kubernetes-validate's strict Kubernetes definitions, plus fathom's own rules.
#   3. nginx (deploy/nginx/fathom.conf): `nginx -t` on a wrapper config that includes it, in a
#      temporary prefix. Skipped without nginx (Debian's nginx package).
#   4. systemd (deploy/systemd): `systemd-analyze verify` on copies of the units whose ExecStart
#      points at a stub in place of /usr/local/bin/fathom (verify needs the binary to exist);
#      any warning it prints fails. Skipped without systemd-analyze.
#
# Python packages come from scripts/requirements-deploy.txt, pinned, in the venv .venv-deploy
# (made on first use, re-made when the requirements change).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

VENV=${VENV:-.venv-deploy}
REQUIREMENTS=scripts/requirements-deploy.txt
K8S_VERSIONS=${K8S_VERSIONS:-"1.30 1.37"}   # 1.30: the oldest with the preStop sleep action
REQUIRE_ALL=${REQUIRE_ALL:-}
WORK=$(mktemp -d /tmp/check-deploy.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

log() { printf 'check-deploy: %s\n' "$*" >&2; }
failed=()
passed=0
skipped=()
pass() { passed=$((passed + 1)); log "ok: $*"; }
fail() { failed+=("$*"); log "FAILED: $*"; }
skip() {
  skipped+=("$*")
  log "SKIPPED: $*"
  if [ -n "$REQUIRE_ALL" ]; then fail "REQUIRE_ALL is set and this was skipped: $*"; fi
}

# --- the venv ---------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$REQUIREMENTS" "$VENV/requirements-deploy.txt"; then
  log "installing $REQUIREMENTS into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS"
  cp "$REQUIREMENTS" "$VENV/requirements-deploy.txt"
fi
PY="$VENV/bin/python"
KV="$VENV/bin/kubernetes-validate"
log "kubernetes-validate $("$KV" --version), against Kubernetes $K8S_VERSIONS"

# kubernetes-validate FILE...: strict, every version; a WARN (no schema for a kind) or an ERROR
# fails, and so does a file with no resource in it.
validate() {
  local out args=()
  for v in $K8S_VERSIONS; do args+=(-k "$v"); done
  if out=$("$KV" --strict "${args[@]}" "$@" 2>&1) && ! grep -qv '^INFO ' <<<"$out" && [ -n "$out" ]; then
    return 0
  fi
  printf '%s\n' "${out:-no resources found in $*}" >&2
  return 1
}

# --- 1. Kubernetes ------------------------------------------------------------------------
render=()
if command -v kubectl >/dev/null && kubectl kustomize --help >/dev/null 2>&1; then
  render=(kubectl kustomize)
elif command -v kustomize >/dev/null; then
  render=(kustomize build)
fi

if "$PY" scripts/check_deploy.py unreached deploy/kubernetes; then
  pass "every file under deploy/kubernetes is named by a kustomization"
else
  fail "a file under deploy/kubernetes is named by no kustomization"
fi

for dir in deploy/kubernetes/base deploy/kubernetes/overlays/*/; do
  dir=${dir%/}
  name=$(echo "$dir" | tr / _)
  if [ ${#render[@]} -gt 0 ]; then
    if ! "${render[@]}" "$dir" >"$WORK/$name.yaml" 2>"$WORK/$name.err"; then
      cat "$WORK/$name.err" >&2
      fail "$dir: ${render[*]} failed"
      continue
    fi
    if validate "$WORK/$name.yaml"; then
      pass "$dir: rendered with ${render[*]}; kubernetes-validate --strict passed"
    else
      fail "$dir: kubernetes-validate --strict"
    fi
    if "$PY" scripts/check_deploy.py policy "$WORK/$name.yaml"; then
      pass "$dir: fathom's rules"
    else
      fail "$dir: fathom's rules"
    fi
  else
    if ! files=$("$PY" scripts/check_deploy.py kustomize-files "$dir"); then
      fail "$dir: its kustomization names a missing file"
      continue
    fi
    # shellcheck disable=SC2086
    if validate $files; then
      pass "$dir: each resource file passed kubernetes-validate --strict (not rendered)"
    else
      fail "$dir: kubernetes-validate --strict"
    fi
    # shellcheck disable=SC2086
    if "$PY" scripts/check_deploy.py policy $files; then
      pass "$dir: fathom's rules, on the resource files as written"
    else
      fail "$dir: fathom's rules"
    fi
    skip "$dir: neither kubectl nor kustomize found, so its kustomization was not rendered: its namespace, labels, images, replicas and patches were not applied or checked"
  fi
done

# --- 2. KServe ----------------------------------------------------------------------------
if "$PY" scripts/check_deploy.py kserve deploy/kserve/*.yaml; then
  pass "deploy/kserve: KServe schema and fathom's rules"
else
  fail "deploy/kserve"
fi

# --- 3. nginx -------------------------------------------------------------------------------
NGINX=$(command -v nginx || true)
[ -z "$NGINX" ] && [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx
if [ -n "$NGINX" ]; then
  mkdir -p "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<EOF
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $ROOT/deploy/nginx/fathom.conf;
}
EOF
  if out=$("$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>&1) && [ -z "$out" ]; then
    pass "deploy/nginx/fathom.conf: nginx -t ($("$NGINX" -v 2>&1 | sed 's/.*version: //'))"
  else
    printf '%s\n' "$out" >&2
    fail "deploy/nginx/fathom.conf: nginx -t"
  fi
else
  skip "nginx not found (apt-get install nginx): deploy/nginx/fathom.conf not checked"
fi

# --- 4. systemd ---------------------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$WORK/systemd"
  printf '#!/bin/sh\n' >"$WORK/systemd/fathom" && chmod +x "$WORK/systemd/fathom"
  units=()
  for unit in deploy/systemd/*.service; do
    sed "s#/usr/local/bin/fathom#$WORK/systemd/fathom#g" "$unit" >"$WORK/systemd/$(basename "$unit")"
    case $unit in
      *@.service) units+=("$WORK/systemd/$(basename "$unit" .service)8001.service") ;;
      *) units+=("$WORK/systemd/$(basename "$unit")") ;;
    esac
  done
  if out=$(systemd-analyze verify --man=no "${units[@]}" 2>&1) && [ -z "$out" ]; then
    pass "deploy/systemd: systemd-analyze verify ($(systemd-analyze --version | head -1))"
  else
    printf '%s\n' "${out:-systemd-analyze verify failed}" >&2
    fail "deploy/systemd: systemd-analyze verify"
  fi
else
  skip "systemd-analyze not found: deploy/systemd not checked"
fi

# --- summary -----------------------------------------------------------------------------------
if [ ${#skipped[@]} -gt 0 ]; then log "${#skipped[@]} check(s) skipped (see SKIPPED above)"; fi
if [ ${#failed[@]} -gt 0 ]; then
  log "${#failed[@]} check(s) failed:"
  for f in "${failed[@]}"; do log "  $f"; done
  exit 1
fi
log "all $passed checks passed"
