#!/usr/bin/env bash
# Browser end-to-end tests for Sunshine (阳光低保).
#
# Starts `sunshine serve --demo` on a free loopback port with a fresh data dir,
# waits for /healthz, runs Playwright against it (Debian's /usr/bin/chromium),
# then stops the server and removes the data dir, whatever happened.
#
# Usage (from anywhere):   bash end2end/run.sh [playwright test args...]
#   e.g.                   bash end2end/run.sh -g "404" --project phone-nojs
# Env:
#   SUNSHINE_BIN   server binary, relative to the repo root or absolute
#                  (default target/debug/sunshine; this script builds nothing)
#   CHROMIUM_PATH  browser (default /usr/bin/chromium, from `apt-get install chromium`)
#   HEALTH_TIMEOUT seconds to wait for /healthz (default 60)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E="$ROOT/end2end"
BIN="${SUNSHINE_BIN:-target/debug/sunshine}"
[[ "$BIN" = /* ]] || BIN="$ROOT/$BIN"
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"

die() { echo "end2end/run.sh: $*" >&2; exit 1; }

# --- preflight --------------------------------------------------------------
[[ -x "$CHROMIUM_PATH" ]] || die "Chromium not found at $CHROMIUM_PATH.
  Install Debian's build:  apt-get update && apt-get install -y chromium fonts-noto-cjk
  (never 'npx playwright install': this machine can only reach package registries)"
[[ -x "$BIN" ]] || die "server binary not found or not executable: $BIN
  Build it first (e.g. 'cargo build' for target/debug/sunshine) or set SUNSHINE_BIN."
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required (to pick a free port)"
command -v npx >/dev/null || die "node/npx is required"

if [[ ! -d "$E2E/node_modules" ]]; then
  echo "end2end/run.sh: node_modules missing, running npm ci" >&2
  (cd "$E2E" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

# --- server -----------------------------------------------------------------
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sunshine-e2e.XXXXXX")"
DATA_DIR="$WORK/data"
mkdir -p "$DATA_DIR"
# Playwright empties end2end/test-results/ when it starts, so the server logs
# into the temp dir and the log is copied to test-results/server.log on exit.
LOG="$WORK/server.log"
: >"$LOG"
SERVER_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  mkdir -p "$E2E/test-results"
  cp "$LOG" "$E2E/test-results/server.log" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "end2end/run.sh: starting $BIN serve --demo --listen 127.0.0.1:$PORT (data: $DATA_DIR)"
(cd "$ROOT" && exec env SUNSHINE_DATA_DIR="$DATA_DIR" SUNSHINE_RATE_BURST_FACTOR=50 "$BIN" serve --demo --listen "127.0.0.1:$PORT") >"$LOG" 2>&1 &
SERVER_PID=$!

BASE_URL="http://127.0.0.1:$PORT"
deadline=$((SECONDS + HEALTH_TIMEOUT))
until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE_URL/healthz" 2>/dev/null || true)" == "200" ]]; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    wait "$SERVER_PID" 2>/dev/null && status=0 || status=$?
    echo "end2end/run.sh: server exited (status $status) before /healthz answered 200. Log tail:" >&2
    tail -n 50 "$LOG" >&2
    exit 1
  fi
  if (( SECONDS >= deadline )); then
    echo "end2end/run.sh: $BASE_URL/healthz did not answer 200 within ${HEALTH_TIMEOUT}s. Log tail:" >&2
    tail -n 50 "$LOG" >&2
    exit 1
  fi
  sleep 0.5
done
echo "end2end/run.sh: server ready at $BASE_URL"
# The village page holds islands (the home page has none, so it names no script).
if ! curl -s "$BASE_URL/v/530621103201" | grep -q '/pkg/boot-'; then
  echo "end2end/run.sh: the server serves no WASM bundle (see its log): the phone-js project will fail." >&2
  echo "  Build it with scripts/build-wasm, or run only the no-JS projects: --project phone-nojs --project desktop-nojs" >&2
fi

# --- tests ------------------------------------------------------------------
export BASE_URL CHROMIUM_PATH
cd "$E2E"
set +e
npx playwright test "$@"
rc=$?
set -e

# A plain closing line CI can read (Playwright's own summary is not one).
if [[ -f test-results/results.json ]]; then
  node -e '
    const s = require(process.argv[1]).stats || {};
    const failed = (s.unexpected || 0);
    const passed = (s.expected || 0) + (s.flaky || 0);
    console.log(`end2end: ${passed} passed, ${failed} failed, ${s.skipped || 0} skipped`);
  ' "$E2E/test-results/results.json" || true
fi
exit "$rc"
