#!/usr/bin/env bash
# Browser end-to-end tests for Sunshine (阳光低保).
#
# Starts `sunshine serve --demo` on a free loopback port with a fresh data dir,
# waits for /healthz, runs Playwright against it (Debian's /usr/bin/chromium),
# then stops the server and removes the data dir, whatever happened. A second
# server ("the province": the demo county plus counties of two prefectures,
# loaded with `sunshine regions import`) serves province.spec.ts at
# PROVINCE_URL.
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
PROVINCE_PID=""

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
  if [[ -n "$PROVINCE_PID" ]]; then
    kill -KILL "$PROVINCE_PID" 2>/dev/null || true
    wait "$PROVINCE_PID" 2>/dev/null || true
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

# --- the province: the demo county, then counties of two prefectures -------
PPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
PDATA="$WORK/province"
mkdir -p "$PDATA"
PROVINCE_URL="http://127.0.0.1:$PPORT"
start_province() {
  (cd "$ROOT" && exec env SUNSHINE_DATA_DIR="$PDATA" SUNSHINE_RATE_BURST_FACTOR=50 "$BIN" serve --demo --listen "127.0.0.1:$PPORT") >>"$WORK/province.log" 2>&1 &
  PROVINCE_PID=$!
  for _ in $(seq 1 "$((HEALTH_TIMEOUT * 2))"); do
    curl -fs -o /dev/null --max-time 2 "$PROVINCE_URL/healthz" && return 0
    kill -0 "$PROVINCE_PID" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 30 "$WORK/province.log" >&2
  die "the province server did not start"
}
start_province # fills the demo county
kill -TERM "$PROVINCE_PID"; wait "$PROVINCE_PID" 2>/dev/null || true
cat >"$WORK/yunnan.csv" <<'CSV'
统计用区划代码,名称,英文名称
530000000000,云南省,Yunnan
530100000000,昆明市,Kunming
530600000000,昭通市,Zhaotong
530102000000,五华区,Wuhua
530102001000,华山街道,Huashan
530102001001,翠湖社区,Cuihu
530622000000,巧家县,Qiaojia
530622101000,白鹤滩镇,Baihetan
530622101201,示范村,Shifan
CSV
(cd "$ROOT" && SUNSHINE_DATA_DIR="$PDATA" "$BIN" regions import "$WORK/yunnan.csv") \
  || die "regions import failed"
start_province # restarted: a site of several counties names none on pages of no county
echo "end2end/run.sh: the province at $PROVINCE_URL"

# --- tests ------------------------------------------------------------------
export BASE_URL CHROMIUM_PATH PROVINCE_URL
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
