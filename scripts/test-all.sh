#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then runs every
# check CI runs: lint, build, typecheck, unit and e2e tests, package lint,
# changeset status. Ends with one summary line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
DEBIAN_PACKAGES=(prometheus prometheus-alertmanager prometheus-node-exporter nginx-light)
failed_steps=0
log() { printf '\n== %s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------
if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  log "installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >&2 || { echo "could not install pnpm" >&2; exit 1; }
fi

missing=()
command -v promtool >/dev/null || missing+=(prometheus)
command -v amtool >/dev/null || missing+=(prometheus-alertmanager)
command -v prometheus-node-exporter >/dev/null || missing+=(prometheus-node-exporter)
command -v nginx >/dev/null || missing+=(nginx-light)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # The packages' services must not start on their own: the tests run the binaries themselves.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${DEBIAN_PACKAGES[@]}" >&2
  rc=$?
  $SUDO rm -f /usr/sbin/policy-rc.d
  [ $rc -eq 0 ] || { echo "could not install ${DEBIAN_PACKAGES[*]} (apt-get exit $rc)" >&2; exit 1; }
fi
# Stop any packaged service that was started anyway, so its ports are free.
for svc in prometheus prometheus-alertmanager prometheus-node-exporter nginx; do
  pkill -x "$svc" >/dev/null 2>&1 || true
done

log "pnpm install"
pnpm install --frozen-lockfile >&2 || { echo "pnpm install failed" >&2; exit 1; }

# --- checks ------------------------------------------------------------------
run_step() {
  local name=$1; shift
  log "$name"
  if ! "$@" >&2; then
    echo "step failed: $name" >&2
    failed_steps=$((failed_steps + 1))
  fi
}

find packages tools e2e -path '*/node_modules' -prune -o -type d -name test-results -print 2>/dev/null | xargs -r rm -rf

NX_FLAGS=(--outputStyle=static)
[ "${CI:-}" = "true" ] && NX_FLAGS+=(--skip-nx-cache)

run_step "lint (biome)" pnpm exec biome ci .
run_step "build" pnpm exec nx run-many -t build "${NX_FLAGS[@]}"
run_step "typecheck" pnpm exec nx run-many -t typecheck "${NX_FLAGS[@]}"
run_step "test" pnpm exec nx run-many -t test "${NX_FLAGS[@]}"
run_step "package lint (publint, attw)" pnpm exec nx run-many -t package-lint "${NX_FLAGS[@]}"
run_step "changeset status" pnpm exec changeset status
run_step "benchmarks (no installs; numbers are printed, never asserted)" pnpm --filter @materialize-monitoring/bench bench --skip-install

# --- summary -----------------------------------------------------------------
node scripts/summarize-tests.mjs "$failed_steps"
