#!/usr/bin/env bash
# Lighthouse mobile scores (performance, accessibility, best practices, SEO) of the home page, a
# village page, /report and /stats, in Debian's Chromium. Lighthouse comes from npm into a cache
# directory on first use (LIGHTHOUSE_DIR, default ~/.cache/sunshine-lighthouse). Prints a table.
source "$(dirname "$0")/common.sh"
need curl chromium
build_release
LH_DIR="${LIGHTHOUSE_DIR:-$HOME/.cache/sunshine-lighthouse}"
if [ ! -x "$LH_DIR/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$LH_DIR"
  (cd "$LH_DIR" && npm install --silent --no-audit --no-fund lighthouse@12 >/dev/null)
fi
WORK="$(mktemp -d)"; trap 'stop_server; rm -rf "$WORK"' EXIT
PORT="$(free_port)"; mkdir -p "$WORK/data"
start_server "$WORK/data" "$PORT" --demo
B="http://127.0.0.1:$PORT"
printf "%-18s %6s %6s %6s %6s\n" page perf a11y bp seo
for path in / /v/530621103201 /report /stats; do
  CHROME_PATH=/usr/bin/chromium "$LH_DIR/node_modules/.bin/lighthouse" "$B$path" \
    --quiet --output=json --output-path="$WORK/lh.json" --form-factor=mobile \
    --chrome-flags="--headless=new --no-sandbox" >/dev/null 2>&1 || { echo "$path: lighthouse failed"; continue; }
  python3 - "$path" "$WORK/lh.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[2]))["categories"]
s = lambda k: round((c[k]["score"] or 0) * 100)
print(f"{sys.argv[1]:<18} {s('performance'):>6} {s('accessibility'):>6} {s('best-practices'):>6} {s('seo'):>6}")
PY
done
echo "(village pages list households and /report is a form: both are noindex on purpose, which caps their SEO score at that one audit)"
