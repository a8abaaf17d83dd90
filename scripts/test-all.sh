#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then runs every
# check CI runs: lint, build, typecheck, unit and e2e tests, package lint,
# changeset status. Ends with one summary line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
failed_steps=0
log() { printf '\n== %s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------
if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  log "installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >&2 || { echo "could not install pnpm" >&2; exit 1; }
fi

bash scripts/install-system-deps.sh || exit 1

log "pnpm install"
pnpm install --frozen-lockfile >&2 || { echo "pnpm install failed" >&2; exit 1; }

# --- checks ------------------------------------------------------------------
run_step() {
  local name=$1; shift
  local started=$SECONDS
  log "$name"
  if ! "$@" >&2; then
    echo "step failed: $name" >&2
    failed_steps=$((failed_steps + 1))
  fi
  printf '== %s: %d s\n' "$name" $((SECONDS - started)) >&2
}

find packages tools e2e -path '*/node_modules' -prune -o -type d -name test-results -print 2>/dev/null | xargs -r rm -rf

NX_FLAGS=(--outputStyle=static)
# CI starts from an empty task cache of its own, so nothing from an earlier run is reused, yet the
# packages are built once: the typecheck, test and package-lint steps depend on build and read it
# back from this run's cache (--skip-nx-cache would rebuild every package for each step). nx 22
# keeps the cache's index in its workspace-data database, not beside the cached outputs: a fresh
# NX_CACHE_DIRECTORY alone still replays tasks recorded there, so both get a directory of their own.
if [ "${CI:-}" = "true" ]; then
  nx_scratch=$(mktemp -d -t mzmon-nx.XXXXXX)
  export NX_CACHE_DIRECTORY="$nx_scratch/cache" NX_WORKSPACE_DATA_DIRECTORY="$nx_scratch/workspace-data"
  trap 'rm -rf "$nx_scratch"' EXIT
fi

run_step "lint (biome)" pnpm exec biome ci .
run_step "build" pnpm exec nx run-many -t build "${NX_FLAGS[@]}"
run_step "typecheck" pnpm exec nx run-many -t typecheck "${NX_FLAGS[@]}"
run_step "test" pnpm exec nx run-many -t test "${NX_FLAGS[@]}"
run_step "package lint (publint, attw)" pnpm exec nx run-many -t package-lint "${NX_FLAGS[@]}"
run_step "changeset status" pnpm exec changeset status
run_step "benchmarks (no installs; numbers are printed, never asserted)" pnpm --filter @materialize-monitoring/bench bench --skip-install

# --- summary -----------------------------------------------------------------
node scripts/summarize-tests.mjs "$failed_steps"
