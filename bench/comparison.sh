#!/usr/bin/env bash
# Data comparison (信息比对) at province scale: 1,000,000 households on standing lists and a
# 1,000,000-row comparison CSV, uploaded through the staff page by a county officer (read,
# checked, matched in chunks of 500, staged: the preview) and confirmed (one lead per household,
# one transaction). Prints the time of each step and the server's peak memory from
# /usr/bin/time -v (the whole life of the server process: start, upload, preview, confirm).
# Target: upload + preview + confirm under 60 s, peak RSS under 300 MB.
#
#   HOUSEHOLDS=1000000 ROWS=1000000 MATCHED=100 BACKENDS="sqlite postgres" bash bench/comparison.sh
#
# MATCHED is the per cent of rows naming a recipient (100: every household once, the worst
# case for staging and confirming); one row in a thousand is malformed.
source "$(dirname "$0")/common.sh"
need curl python3 bc
[ -x /usr/bin/time ] || need time
build_release
HOUSEHOLDS="${HOUSEHOLDS:-1000000}"
ROWS="${ROWS:-1000000}"
MATCHED="${MATCHED:-100}"
BACKENDS="${BACKENDS:-sqlite}"
PG="${SUNSHINE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PGDB=sunshine_bench_comparison
PASSWORD="bench-comparison-2026"
WORK="$(mktemp -d)"
TIME_PID=""
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$TIME_PID" ] && wait "$TIME_PID" 2>/dev/null || true
  rm -rf "$WORK"
  psql "$PG" -qc "DROP DATABASE IF EXISTS $PGDB" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'echo "failed at line $LINENO; server log:" >&2; tail -5 "$WORK/server.log" >&2 2>/dev/null || true' ERR

"$BIN" bench comparison-csv --rows "$ROWS" --households "$HOUSEHOLDS" --matched "$MATCHED" \
  --out "$WORK/comparison.csv" >/dev/null
echo "== data comparison: $HOUSEHOLDS households, a $ROWS-row CSV ($(( $(wc -c <"$WORK/comparison.csv") / 1048576 )) MB, $MATCHED% naming a recipient)"

now() { date +%s.%N; }
secs() { printf "%.1f" "$(echo "$2 - $1" | bc)"; }
csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}'; }

for backend in $BACKENDS; do
  rm -rf "$WORK/data"; mkdir -p "$WORK/data"
  if [ "$backend" = postgres ]; then
    psql "$PG" -qc "DROP DATABASE IF EXISTS $PGDB" >/dev/null 2>&1 || true
    psql "$PG" -qc "CREATE DATABASE $PGDB" >/dev/null
    export DATABASE_URL="${PG%/*}/$PGDB"
  else
    export DATABASE_URL="sqlite://$WORK/data/sunshine.db?mode=rwc"
  fi
  export SUNSHINE_DATA_DIR="$WORK/data"
  RUST_LOG=warn "$BIN" bench seed --households "$HOUSEHOLDS" >"$WORK/seed.log" 2>&1 || { tail "$WORK/seed.log"; exit 1; }
  echo "$backend: $(tail -n1 "$WORK/seed.log")"
  if [ "$backend" = postgres ]; then psql "$DATABASE_URL" -qc "ANALYZE" >/dev/null; fi
  echo "$PASSWORD" | RUST_LOG=warn "$BIN" staff add --username bench.county --name 县局基准 \
    --role county_officer >/dev/null

  # The server under /usr/bin/time -v, for its peak resident memory.
  PORT="$(free_port)"
  env SUNSHINE_RATE_BURST_FACTOR=10000 RUST_LOG=warn,app::rechecks::compare=info \
    /usr/bin/time -v -o "$WORK/time.txt" "$BIN" serve --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
  TIME_PID=$!
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    kill -0 "$TIME_PID" 2>/dev/null || { tail -20 "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
  done
  SERVER_PID="$(pgrep -P "$TIME_PID" | head -1)"
  B="http://127.0.0.1:$PORT"; J="$WORK/cookies.$backend"
  C=$(curl -s -c "$J" -b "$J" "$B/staff/login" | csrf)
  curl -s -o /dev/null -c "$J" -b "$J" -H 'Sec-Fetch-Site: same-origin' \
    --data "csrf=$C&username=bench.county&password=$PASSWORD" "$B/staff/login"
  C=$(curl -s -b "$J" "$B/staff/rechecks/compare" | csrf)
  [ -n "$C" ] || { echo "sign-in failed" >&2; exit 1; }
  BASE_RSS=$(rss_kb "$SERVER_PID")

  t0=$(now)
  LOC=$(curl -s -o "$WORK/upload.html" -w '%{http_code} %{redirect_url}' -b "$J" \
    -H 'Sec-Fetch-Site: same-origin' -F "csrf=$C" -F "file=@$WORK/comparison.csv;filename=comparison.csv" \
    "$B/staff/rechecks/compare")
  t1=$(now)
  [ "${LOC%% *}" = 303 ] || { echo "upload refused: $LOC"; grep -o 'class="error"[^<]*<' "$WORK/upload.html" | head -3; exit 1; }
  curl -s -b "$J" "${LOC#* }" >"$WORK/preview.html"
  t2=$(now)
  TOKEN=$(grep -o 'name="token" value="[0-9a-f]*"' "$WORK/preview.html" | grep -o '[0-9a-f]\{64\}')
  [ -n "$TOKEN" ] || { echo "no confirm form in the preview" >&2; exit 1; }
  count() { grep -o "id=\"$1\">[0-9]*" "$WORK/preview.html" | grep -o '[0-9]*$'; }
  ID="${LOC##*/}"
  CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$J" -H 'Sec-Fetch-Site: same-origin' \
    --data "csrf=$C&token=$TOKEN" "$B/staff/rechecks/compare/$ID/confirm")
  t3=$(now)
  [ "$CODE" = 303 ] || { echo "confirm answered $CODE" >&2; exit 1; }
  HWM=$(hwm_kb "$SERVER_PID")
  kill "$SERVER_PID"; wait "$TIME_PID" 2>/dev/null || true; SERVER_PID=""; TIME_PID=""
  PEAK=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")

  if [ "$backend" = postgres ]; then
    LEADS=$(psql "$DATABASE_URL" -Atc "SELECT COUNT(*) FROM rechecks WHERE comparison_id = $ID")
  else
    LEADS=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM rechecks WHERE comparison_id = ?', (int(sys.argv[2]),)).fetchone()[0])" "$WORK/data/sunshine.db" "$ID")
  fi
  echo "$backend: rows $(count rows-total), matched $(count rows-matched) ($(count households) households), unmatched $(count rows-unmatched), malformed $(count rows-malformed)"
  echo "$backend: upload → preview (read, check, match, stage) $(secs "$t0" "$t1") s; preview page $(secs "$t1" "$t2") s; confirm $(secs "$t2" "$t3") s; total $(secs "$t0" "$t3") s; $LEADS leads made"
  # The server's own account of the upload: matching (recipients read, rows looked up) and staging.
  sed 's/\x1b\[[0-9;]*m//g' "$WORK/server.log" | grep -o 'comparison \(matched\|staged\).*' | sed "s/^/$backend: server: /"
  echo "$backend: server RSS before the upload $((BASE_RSS / 1024)) MB; peak $((PEAK / 1024)) MB (/usr/bin/time -v; VmHWM $((HWM / 1024)) MB)"
  unset DATABASE_URL SUNSHINE_DATA_DIR
done
