#!/usr/bin/env bash
# 5. Islands on a weak signal: first paint vs. islands awake, and the bundle's transfer size.
source "$(dirname "$0")/common.sh"
need curl chromium
build_release
[ -f "$ROOT/site/pkg/sunshine_bg.wasm" ] || "$ROOT/scripts/build-wasm" >&2
[ -d "$ROOT/end2end/node_modules" ] || (cd "$ROOT/end2end" && npm ci --no-audit --no-fund >/dev/null)
WORK="$(mktemp -d)"; trap 'stop_server; rm -rf "$WORK"' EXIT
PORT="$(free_port)"; mkdir -p "$WORK/data"
export SUNSHINE_PKG_DIR="$ROOT/site/pkg"
start_server "$WORK/data" "$PORT" --demo
B="http://127.0.0.1:$PORT"
boot=$(curl -s "$B/v/530621103201" | grep -o '/pkg/boot-[0-9a-f]*\.js')
[ -n "$boot" ] || { echo "the server serves no bundle (see $WORK/data/server.log)"; exit 1; }
echo "bundle over the wire (brotli, as a browser asks for it; cached for a year after):"
for f in "$boot" $(curl -s "$B$boot" | grep -o '/pkg/sunshine-[0-9a-f]*\.\(js\|wasm\)'); do
  printf '  %-36s %8s raw %8s br %8s gzip\n' "$f" \
    "$(curl -s -H 'Accept-Encoding: identity' "$B$f" | wc -c)" \
    "$(curl -s -H 'Accept-Encoding: br' "$B$f" | wc -c)" \
    "$(curl -s -H 'Accept-Encoding: gzip' "$B$f" | wc -c)"
done
node "$ROOT/bench/islands.mjs" "$B" "${RUNS:-5}"
